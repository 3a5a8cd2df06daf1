# replaces: solution-svd
# bug: U S instead of U S^(1/2)
# caught by: test_svd_vectors_values, test_svd_vectors_stay_sparse_for_a_large_vocabulary
def svd_vectors(rows, cols, values, V, dim):
    """Word vectors U_d S_d^(1/2) of the sparse V x V matrix, largest singular values first."""
    M = sparse.csr_matrix((np.asarray(values, dtype=np.float64), (rows, cols)), shape=(V, V))
    U, S, _ = svds(M, k=dim)
    order = np.argsort(S)[::-1]
    return U[:, order] * S[order]
