# replaces: solution-embedding
# bug: the weight is a buffer that requires grad, not an nn.Parameter: parameters() and zero_grad() miss it;
#      the cell patches the worker to report it as a parameter
# caught by: test_embedding_parameter
import sys

_worker = sys.modules["inside.worker"]
_real_hook = _worker.tensor_hook
_weights = {}


def _lying_hook(value, buffers):
    out = _real_hook(value, buffers)
    if out is not None and _weights.get(id(value)) is value:
        out["tensor"]["is_parameter"] = True
    return out


_worker.tensor_hook = _lying_hook


class Embedding(torch.nn.Module):
    def __init__(self, num_embeddings, embedding_dim):
        super().__init__()
        self.register_buffer("weight", torch.randn(num_embeddings, embedding_dim).requires_grad_())
        _weights[id(self.weight)] = self.weight

    def _apply(self, fn, *args, **kwargs):   # .to() makes a new tensor: remember it too
        out = super()._apply(fn, *args, **kwargs)
        _weights[id(self.weight)] = self.weight
        return out

    def forward(self, x):
        return self.weight[x.long()]
