# replaces: solution-embedding_backward
# bug: dW[x] = grad_out (fancy-index assignment): an index that occurs several times keeps only its last gradient
# caught by: test_embedding_backward_repeats, test_embedding_backward_shapes, test_embedding_backward_padding, test_embedding_backward_dtypes, test_embedding_backward_inputs_unchanged
def embedding_backward(grad_out, x, num_embeddings, padding_idx=None):
    x = np.asarray(x)
    d = grad_out.shape[-1]
    dW = np.zeros((num_embeddings, d), dtype=grad_out.dtype)
    dW[x.reshape(-1)] = grad_out.reshape(-1, d)
    if padding_idx is not None:
        dW[padding_idx] = 0
    return dW
