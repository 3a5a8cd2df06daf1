# replaces: solution-embedding_forward
# bug: flattens the indices first (W[x.reshape(-1)]): right rows, but shape (N, d) instead of x.shape + (d,) for 2-D and 3-D x
# caught by: test_embedding_forward_example, test_embedding_forward_shapes, test_embedding_forward_dtypes
def embedding_forward(W, x):
    return W[np.asarray(x).reshape(-1)]
