# replaces: solution-embedding_backward
# bug: correct but slow: a Python loop over the tokens adding one row at a time
# caught by: test_embedding_backward_speed
def embedding_backward(grad_out, x, num_embeddings, padding_idx=None):
    x = np.asarray(x)
    d = grad_out.shape[-1]
    dW = np.zeros((num_embeddings, d), dtype=grad_out.dtype)
    for i, g in zip(x.reshape(-1).tolist(), grad_out.reshape(-1, d)):
        dW[i] += g
    if padding_idx is not None:
        dW[padding_idx] = 0
    return dW
