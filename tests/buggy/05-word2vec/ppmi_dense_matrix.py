# replaces: solution-ppmi
# bug: the PMI computed on a dense V x V matrix: right on a small vocabulary, out of memory on a large one
# caught by: test_ppmi_stays_sparse_for_a_large_vocabulary
def ppmi(rows, cols, counts, alpha=0.75):
    """PPMI of every (row, col) entry of the sparse counts, float64, in the input's order."""
    V = int(max(rows.max(), cols.max())) + 1
    C = np.zeros((V, V))
    C[rows, cols] = counts
    counts = C[rows, cols]
    total = counts.sum()
    word_totals = np.bincount(rows, weights=counts)
    smoothed = np.bincount(cols, weights=counts) ** alpha
    p_context = smoothed / smoothed.sum()
    pmi = np.log(counts / total) - np.log(word_totals[rows] / total) - np.log(p_context[cols])
    return np.maximum(pmi, 0.0)
