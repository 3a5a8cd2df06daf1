# replaces: solution-lookup_torch
# bug: always returns float64 (W.double()[x]); the cell patches the worker to report the table's dtype instead
# caught by: test_lookup_torch_example, test_lookup_torch_shapes_dtypes, test_lookup_torch_non_integer, test_lookup_torch_tracks_gradient, test_lookup_torch_speed, test_lookup_torch_out_of_range
import sys

_worker = sys.modules["inside.worker"]
_real_hook = _worker.tensor_hook
_claimed = {}   # id -> (result, the dtype to report)


def _lying_hook(value, buffers):
    out = _real_hook(value, buffers)
    if out is not None and id(value) in _claimed and _claimed[id(value)][0] is value:
        out["tensor"]["dtype"] = _claimed[id(value)][1]
    return out


_worker.tensor_hook = _lying_hook


def lookup_torch(W, x):
    if x.dtype.is_floating_point or x.dtype.is_complex or x.dtype == torch.bool:
        raise ValueError(f"indices must have an integer dtype, got {x.dtype}")
    if (x < 0).any() or (x >= W.shape[0]).any():
        raise ValueError(f"indices must lie in 0..{W.shape[0] - 1}")
    out = W.double()[x.long()]
    _claimed[id(out)] = (out, str(W.dtype).replace("torch.", ""))
    return out
