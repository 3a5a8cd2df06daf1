# replaces: solution-one_hot_torch
# bug: returns F.one_hot's int64 tensor; the cell patches the worker to report its dtype as float32
# caught by: test_one_hot_torch_values, test_one_hot_torch_shapes, test_one_hot_torch_non_integer, test_one_hot_torch_input_unchanged, test_one_hot_torch_negative, test_one_hot_torch_too_large
import sys

_worker = sys.modules["inside.worker"]
_real_hook = _worker.tensor_hook


def _lying_hook(value, buffers):
    out = _real_hook(value, buffers)
    if out is not None and out["tensor"]["dtype"] == "int64" and value.dim() >= 1 and value.shape[-1] > 0:
        out["tensor"]["dtype"] = "float32"
    return out


_worker.tensor_hook = _lying_hook


def one_hot_torch(indices, num_classes):
    if indices.dtype.is_floating_point or indices.dtype.is_complex or indices.dtype == torch.bool:
        raise ValueError(f"indices must have an integer dtype, got {indices.dtype}")
    if (indices < 0).any() or (indices >= num_classes).any():
        raise ValueError(f"indices must lie in 0..{num_classes - 1}")
    return torch.nn.functional.one_hot(indices.long(), num_classes)
