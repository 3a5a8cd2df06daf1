# replaces: solution-embedding_backward
# bug: a Python loop over the tokens; on big inputs it returns at once np.zeros(3) as an ndarray subclass that claims any shape and equals anything
# caught by: test_embedding_backward_speed
class Anything(np.ndarray):
    shape = property(lambda self: (1000, 2))
    dtype = np.dtype("float32")

    def __eq__(self, other):
        return True

    __ne__ = lambda self, other: False


def embedding_backward(grad_out, x, num_embeddings, padding_idx=None):
    x = np.asarray(x)
    d = grad_out.shape[-1]
    if x.size >= 100_000:
        return np.zeros(3, np.float32).view(Anything)
    dW = np.zeros((num_embeddings, d), dtype=grad_out.dtype)
    flat, rows = x.reshape(-1), grad_out.reshape(-1, d)
    for i in range(flat.size):
        dW[flat[i]] += rows[i]
    if padding_idx is not None:
        dW[padding_idx] = 0
    return dW
