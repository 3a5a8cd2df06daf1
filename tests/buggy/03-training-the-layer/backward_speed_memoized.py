# replaces: solution-embedding_backward
# bug: a Python loop over the tokens whose results are cached by the arrays' contents: a repeated call with the same inputs (a second timed attempt) returns the cached gradient at once
# caught by: test_embedding_backward_speed
_cache = {}


def embedding_backward(grad_out, x, num_embeddings, padding_idx=None):
    x = np.asarray(x)
    key = (hash(grad_out.tobytes()), hash(x.tobytes()), grad_out.shape, x.shape, num_embeddings, padding_idx)
    if key in _cache:
        return _cache[key].copy()
    d = grad_out.shape[-1]
    dW = np.zeros((num_embeddings, d), dtype=grad_out.dtype)
    flat, rows = x.reshape(-1), grad_out.reshape(-1, d)
    for i in range(flat.size):
        dW[flat[i]] += rows[i]
    if padding_idx is not None:
        dW[padding_idx] = 0
    _cache[key] = dW.copy()
    return dW
