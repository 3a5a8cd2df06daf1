# replaces: solution-embedding_backward
# bug: one_hot(x)^T @ grad_out with the batch axes kept: right for 1-D x, but a 2-D x gives one (V, d) gradient per sequence, not their sum
# caught by: test_embedding_backward_repeats, test_embedding_backward_shapes, test_embedding_backward_padding, test_embedding_backward_dtypes, test_embedding_backward_inputs_unchanged
def embedding_backward(grad_out, x, num_embeddings, padding_idx=None):
    x = np.asarray(x)
    one_hot = np.eye(num_embeddings, dtype=grad_out.dtype)[x]     # x.shape + (V,)
    dW = np.swapaxes(one_hot, -1, -2) @ grad_out                   # batch axes kept: (..., V, d)
    if padding_idx is not None:
        dW[..., padding_idx, :] = 0
    return dW
