# replaces: solution-ppmi
# bug: PMI returned without clipping at 0
# caught by: test_ppmi_values, test_ppmi_alpha_and_inputs_unchanged, test_ppmi_stays_sparse_for_a_large_vocabulary
def ppmi(rows, cols, counts, alpha=0.75):
    """PPMI of every (row, col) entry of the sparse counts, float64, in the input's order."""
    counts = np.asarray(counts, dtype=np.float64)
    total = counts.sum()
    word_totals = np.bincount(rows, weights=counts)
    smoothed = np.bincount(cols, weights=counts) ** alpha
    p_context = smoothed / smoothed.sum()
    pmi = np.log(counts / total) - np.log(word_totals[rows] / total) - np.log(p_context[cols])
    return pmi
