# replaces: solution-ppmi
# bug: base-2 logarithms (bits) instead of natural ones
# caught by: test_ppmi_values, test_ppmi_alpha_and_inputs_unchanged, test_ppmi_stays_sparse_for_a_large_vocabulary
def ppmi(rows, cols, counts, alpha=0.75):
    """PPMI of every (row, col) entry of the sparse counts, float64, in the input's order."""
    counts = np.asarray(counts, dtype=np.float64)
    total = counts.sum()
    word_totals = np.bincount(rows, weights=counts)
    smoothed = np.bincount(cols, weights=counts) ** alpha
    p_context = smoothed / smoothed.sum()
    pmi = np.log2(counts / total) - np.log2(word_totals[rows] / total) - np.log2(p_context[cols])
    return np.maximum(pmi, 0.0)
