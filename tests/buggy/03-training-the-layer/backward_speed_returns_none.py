# replaces: solution-embedding_backward
# bug: a Python loop over the tokens, cut short on big inputs: for 100,000 tokens or more it returns None at once (fast, and wrong)
# caught by: test_embedding_backward_speed
def embedding_backward(grad_out, x, num_embeddings, padding_idx=None):
    x = np.asarray(x)
    d = grad_out.shape[-1]
    if x.size >= 100_000:
        return None
    dW = np.zeros((num_embeddings, d), dtype=grad_out.dtype)
    flat, rows = x.reshape(-1), grad_out.reshape(-1, d)
    for i in range(flat.size):
        dW[flat[i]] += rows[i]
    if padding_idx is not None:
        dW[padding_idx] = 0
    return dW
