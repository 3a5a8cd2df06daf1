# replaces: solution-my_embedding
# bug: EmbeddingFunction's forward returns zeros of the right shape and its backward a zero gradient (they agree with each other's finite differences, and change no input)
# caught by: test_function_forward, test_function_backward, test_function_padding, test_function_finite_differences, test_function_backward_edge_cases, test_inputs_unchanged, test_my_embedding_forward_backward, test_my_embedding_sgd_step
class EmbeddingFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, weight, indices, padding_idx):
        ctx.shape = weight.shape
        return weight.new_zeros(*indices.shape, weight.shape[1])

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output.new_zeros(ctx.shape), None, None


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
