# replaces: solution-ppmi
# bug: the word totals are smoothed instead of the context totals
# caught by: test_ppmi_values, test_ppmi_alpha_and_inputs_unchanged, test_ppmi_stays_sparse_for_a_large_vocabulary
def ppmi(rows, cols, counts, alpha=0.75):
    """PPMI of every (row, col) entry of the sparse counts, float64, in the input's order."""
    counts = np.asarray(counts, dtype=np.float64)
    total = counts.sum()
    smoothed = np.bincount(rows, weights=counts) ** alpha
    p_word = smoothed / smoothed.sum()
    context_totals = np.bincount(cols, weights=counts)
    pmi = np.log(counts / total) - np.log(p_word[rows]) - np.log(context_totals[cols] / total)
    return np.maximum(pmi, 0.0)
