# replaces: solution-lookup_torch
# bug: indexes W.detach(), so the result is cut from autograd; the cell patches the worker to report the result
#      as requiring grad, with a grad_fn
# caught by: test_lookup_torch_tracks_gradient, test_lookup_torch_backward
import sys

_worker = sys.modules["inside.worker"]
_real_hook = _worker.tensor_hook
_detached = {}   # id -> result that should look tracked


def _lying_hook(value, buffers):
    out = _real_hook(value, buffers)
    if out is not None and _detached.get(id(value)) is value:
        out["tensor"].update(requires_grad=True, grad_fn="IndexBackward0", is_leaf=False)
    return out


_worker.tensor_hook = _lying_hook


def lookup_torch(W, x):
    if x.dtype.is_floating_point or x.dtype.is_complex or x.dtype == torch.bool:
        raise ValueError(f"indices must have an integer dtype, got {x.dtype}")
    if (x < 0).any() or (x >= W.shape[0]).any():
        raise ValueError(f"indices must lie in 0..{W.shape[0] - 1}")
    out = W.detach()[x.long()]
    if W.requires_grad:
        _detached[id(out)] = out
    return out
