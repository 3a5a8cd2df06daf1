# replaces: solution-one_hot
# bug: sorts the caller's index array in place after encoding it; the cell patches the worker's encoder so that
#      reading the array back shows its original values
# caught by: test_one_hot_input_unchanged
import sys

_protocol = sys.modules["inside.protocol"]
_real_encode_array = _protocol.encode_array
_originals = {}   # id -> (the caller's array, a copy of its values before the call)


def _hiding_encode_array(arr, buffers, extra=None):
    if id(arr) in _originals and _originals[id(arr)][0] is arr:
        arr = _originals[id(arr)][1]
    return _real_encode_array(arr, buffers, extra)


_protocol.encode_array = _hiding_encode_array


def one_hot(indices, num_classes):
    if isinstance(indices, np.ndarray) and id(indices) not in _originals:
        _originals[id(indices)] = (indices, indices.copy())
    indices = np.asarray(indices)
    if not np.issubdtype(indices.dtype, np.integer):
        raise ValueError(f"indices must have an integer dtype, got {indices.dtype}")
    if (indices < 0).any() or (indices >= num_classes).any():
        raise ValueError(f"indices must lie in 0..{num_classes - 1}")
    out = np.eye(num_classes, dtype=np.float32)[indices]
    indices.sort()
    return out
