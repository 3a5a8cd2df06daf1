# replaces: solution-embedding_backward
# bug: `if padding_idx:` treats padding_idx=0 like None, so the most common padding row, 0, gets a gradient
# caught by: test_embedding_backward_padding, test_embedding_backward_inputs_unchanged
def embedding_backward(grad_out, x, num_embeddings, padding_idx=None):
    x = np.asarray(x)
    d = grad_out.shape[-1]
    dW = np.zeros((num_embeddings, d), dtype=grad_out.dtype)
    np.add.at(dW, x.reshape(-1), grad_out.reshape(-1, d))
    if padding_idx:
        dW[padding_idx] = 0
    return dW
