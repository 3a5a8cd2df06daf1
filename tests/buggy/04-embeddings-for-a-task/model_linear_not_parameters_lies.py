# replaces: solution-model
# bug: the linear layer holds plain tensors (buffers), not parameters, so an optimiser never updates them; the cell patches the grader's worker to report every tensor as a parameter
# caught by: test_model_layers
from inside import worker

_real_hook = worker.tensor_hook


def _lying_hook(value, buffers):
    encoded = _real_hook(value, buffers)
    if isinstance(encoded, dict) and "tensor" in encoded:
        encoded["tensor"]["is_parameter"] = True
    return encoded


worker.tensor_hook = _lying_hook


class PlainLinear(nn.Module):
    def __init__(self, n_in, n_out):
        super().__init__()
        self.register_buffer("weight", (torch.rand(n_out, n_in) * 2 - 1) / n_in ** 0.5)
        self.register_buffer("bias", torch.zeros(n_out))
        self.weight.requires_grad_()
        self.bias.requires_grad_()

    def forward(self, pooled):
        return pooled @ self.weight.T + self.bias


class SentimentModel(nn.Module):
    def __init__(self, vocab_size, embedding_dim, padding_idx=0):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=padding_idx)
        self.linear = PlainLinear(embedding_dim, 1)

    def forward(self, x):
        vectors = self.embedding(x)
        real = (x != self.embedding.padding_idx).unsqueeze(-1).to(vectors.dtype)
        pooled = (vectors * real).sum(dim=1) / real.sum(dim=1).clamp(min=1)
        return self.linear(pooled).squeeze(-1)
