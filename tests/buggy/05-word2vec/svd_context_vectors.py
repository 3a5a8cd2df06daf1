# replaces: solution-svd
# bug: the right singular vectors (the contexts') instead of the left ones (the words')
# caught by: test_svd_vectors_values, test_svd_vectors_stay_sparse_for_a_large_vocabulary
def svd_vectors(rows, cols, values, V, dim):
    """Word vectors U_d S_d^(1/2) of the sparse V x V matrix, largest singular values first."""
    M = sparse.csr_matrix((np.asarray(values, dtype=np.float64), (rows, cols)), shape=(V, V))
    _, S, Wt = svds(M, k=dim)
    order = np.argsort(S)[::-1]
    return Wt.T[:, order] * np.sqrt(S[order])
