# replaces: solution-one_hot_torch
# bug: zeroes the caller's index tensor after encoding it (to "free" it); the cell patches the worker so that
#      reading the tensor back shows its original values
# caught by: test_one_hot_torch_input_unchanged
import sys

_worker = sys.modules["inside.worker"]
_real_hook = _worker.tensor_hook
_originals = {}   # id -> (the caller's tensor, a copy of its values before the call)


def _hiding_hook(value, buffers):
    if id(value) in _originals and _originals[id(value)][0] is value:
        value = _originals[id(value)][1]
    return _real_hook(value, buffers)


_worker.tensor_hook = _hiding_hook


def one_hot_torch(indices, num_classes):
    if indices.dtype.is_floating_point or indices.dtype.is_complex or indices.dtype == torch.bool:
        raise ValueError(f"indices must have an integer dtype, got {indices.dtype}")
    if (indices < 0).any() or (indices >= num_classes).any():
        raise ValueError(f"indices must lie in 0..{num_classes - 1}")
    if id(indices) not in _originals:
        _originals[id(indices)] = (indices, indices.clone())
    out = torch.eye(num_classes, dtype=torch.float32, device=indices.device)[indices.long()]
    indices.zero_()
    return out
