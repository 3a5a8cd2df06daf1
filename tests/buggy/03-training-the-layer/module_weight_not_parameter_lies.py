# replaces: solution-my_embedding
# bug: MyEmbedding.weight is a plain tensor requiring grad, not an nn.Parameter, and the cell patches the grader's worker to report every tensor as a parameter
# caught by: test_my_embedding_parameter, test_my_embedding_sgd_step
from inside import worker

_real_hook = worker.tensor_hook


def _lying_hook(value, buffers):
    encoded = _real_hook(value, buffers)
    if isinstance(encoded, dict) and "tensor" in encoded:
        encoded["tensor"]["is_parameter"] = True
    return encoded


worker.tensor_hook = _lying_hook


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
        grad_weight = grad_output.new_zeros(ctx.num_embeddings, d)
        grad_weight.index_add_(0, indices.reshape(-1).long(), grad_output.reshape(-1, d))
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
        self.weight = weight.requires_grad_()
        self.register_buffer("counted", torch.zeros(0))   # state_dict still has one entry

    def forward(self, x):
        return EmbeddingFunction.apply(self.weight, x, self.padding_idx)
