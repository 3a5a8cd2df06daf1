# replaces: solution-embedding_backward
# bug: correct but wasteful: one_hot(x)^T @ grad_out builds an N x V matrix, O(N V d) work instead of O(N d)
# caught by: test_embedding_backward_speed
def embedding_backward(grad_out, x, num_embeddings, padding_idx=None):
    x = np.asarray(x).reshape(-1)
    d = grad_out.shape[-1]
    one_hot = np.eye(num_embeddings, dtype=grad_out.dtype)[x]      # (N, V)
    dW = one_hot.T @ grad_out.reshape(-1, d)
    if padding_idx is not None:
        dW[padding_idx] = 0
    return dW
