# replaces: solution-svd
# bug: np.linalg.svd of the dense matrix: right on a small vocabulary, out of memory on a large one
# caught by: test_svd_vectors_stay_sparse_for_a_large_vocabulary
def svd_vectors(rows, cols, values, V, dim):
    """Word vectors U_d S_d^(1/2) of the sparse V x V matrix, largest singular values first."""
    M = sparse.csr_matrix((np.asarray(values, dtype=np.float64), (rows, cols)), shape=(V, V))
    U, S, _ = np.linalg.svd(M.toarray())
    return U[:, :dim] * np.sqrt(S[:dim])
