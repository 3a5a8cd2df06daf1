# replaces: solution-embedding_backward
# bug: ignores padding_idx: the padding row gets a gradient (and would be updated in training)
# caught by: test_embedding_backward_padding, test_embedding_backward_dtypes, test_embedding_backward_inputs_unchanged
def embedding_backward(grad_out, x, num_embeddings, padding_idx=None):
    x = np.asarray(x)
    d = grad_out.shape[-1]
    dW = np.zeros((num_embeddings, d), dtype=grad_out.dtype)
    np.add.at(dW, x.reshape(-1), grad_out.reshape(-1, d))
    return dW
