# replaces: solution-my_embedding
# bug: backward divides each row's summed gradient by its count of occurrences ("a mean"): rows of unused indices get 0/0 = NaN, used rows a wrong gradient
# caught by: test_function_backward, test_function_padding, test_function_finite_differences, test_function_backward_edge_cases, test_inputs_unchanged, test_my_embedding_forward_backward, test_my_embedding_sgd_step
class EmbeddingFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, weight, indices, padding_idx):
        ctx.save_for_backward(indices)
        ctx.num_embeddings = weight.shape[0]
        ctx.padding_idx = padding_idx
        return weight[indices.long()]

    @staticmethod
    def backward(ctx, grad_output):
        (indices,) = ctx.saved_tensors
        d = grad_output.shape[-1]
        flat = indices.reshape(-1).long()
        grad_weight = grad_output.new_zeros(ctx.num_embeddings, d)
        grad_weight.index_add_(0, flat, grad_output.reshape(-1, d))
        counts = torch.bincount(flat, minlength=ctx.num_embeddings).to(grad_output.dtype)
        grad_weight = grad_weight / counts.unsqueeze(1)
        if ctx.padding_idx is not None:
            grad_weight[ctx.padding_idx] = 0
        return grad_weight, None, None


class MyEmbedding(torch.nn.Module):
    def __init__(self, num_embeddings, embedding_dim, padding_idx=None):
        super().__init__()
        self.padding_idx = padding_idx
        weight = torch.randn(num_embeddings, embedding_dim)
        if padding_idx is not None:
            weight[padding_idx] = 0
        self.weight = torch.nn.Parameter(weight)

    def forward(self, x):
        return EmbeddingFunction.apply(self.weight, x, self.padding_idx)
