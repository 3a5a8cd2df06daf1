# replaces: solution-ppmi
# bug: the smoothing power is always 0.75, whatever alpha says
# caught by: test_ppmi_alpha_and_inputs_unchanged
def ppmi(rows, cols, counts, alpha=0.75):
    """PPMI of every (row, col) entry of the sparse counts, float64, in the input's order."""
    counts = np.asarray(counts, dtype=np.float64)
    total = counts.sum()
    word_totals = np.bincount(rows, weights=counts)
    smoothed = np.bincount(cols, weights=counts) ** 0.75
    p_context = smoothed / smoothed.sum()
    pmi = np.log(counts / total) - np.log(word_totals[rows] / total) - np.log(p_context[cols])
    return np.maximum(pmi, 0.0)
