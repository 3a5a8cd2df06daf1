# replaces: solution-embedding_backward
# bug: zeroes the padding positions of grad_out in place (right dW, but the caller's gradient array is changed)
# caught by: test_embedding_backward_inputs_unchanged
def embedding_backward(grad_out, x, num_embeddings, padding_idx=None):
    x = np.asarray(x)
    d = grad_out.shape[-1]
    if padding_idx is not None:
        grad_out[x == padding_idx] = 0
    dW = np.zeros((num_embeddings, d), dtype=grad_out.dtype)
    np.add.at(dW, x.reshape(-1), grad_out.reshape(-1, d))
    return dW
