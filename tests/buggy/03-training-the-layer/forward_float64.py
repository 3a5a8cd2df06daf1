# replaces: solution-embedding_forward
# bug: the chapter-2 one-hot product with np.eye(V), which is float64: a float32 table gives a float64 result
# caught by: test_embedding_forward_example, test_embedding_forward_shapes, test_embedding_forward_dtypes
def embedding_forward(W, x):
    return np.eye(W.shape[0])[x] @ W
