# replaces: solution-embedding
# bug: the weight starts at zero; the cell patches the worker to send standard normal values whenever the weight
#      itself is read
# caught by: test_embedding_init
import sys

_worker = sys.modules["inside.worker"]
_real_hook = _worker.tensor_hook
_weights = {}


def _lying_hook(value, buffers):
    if _weights.get(id(value)) is value and not value.detach().any():
        value = torch.randn(value.shape, generator=torch.Generator().manual_seed(0))
    return _real_hook(value, buffers)


_worker.tensor_hook = _lying_hook


class Embedding(torch.nn.Module):
    def __init__(self, num_embeddings, embedding_dim):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.zeros(num_embeddings, embedding_dim))
        _weights[id(self.weight)] = self.weight

    def forward(self, x):
        return self.weight[x.long()]
