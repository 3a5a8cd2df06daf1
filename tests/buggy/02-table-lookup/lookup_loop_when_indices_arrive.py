# replaces: solution-lookup
# bug: a Python loop over the tokens, run ahead of time: the cell patches the worker so that when a large index
#      array is sent to it (before the timed call), its rows are gathered from the last table sent, untimed
# caught by: test_lookup_speed
import sys

_worker = sys.modules["inside.worker"]
_real_array_hook = _worker.array_hook
_last_table = [None]
_ready = {}   # id(x) -> (x, rows)


def _precomputing_hook(desc, arr):
    out = _real_array_hook(desc, arr)
    if out is None and arr is not None:
        if arr.dtype.kind == "f" and arr.ndim == 2:
            _last_table[0] = arr
        elif arr.dtype.kind == "i" and arr.size > 10_000 and _last_table[0] is not None:
            W = _last_table[0]
            if arr.min() >= 0 and arr.max() < W.shape[0]:
                rows = [W[i] for i in arr.reshape(-1).tolist()]
                _ready[id(arr)] = (arr, np.array(rows, dtype=W.dtype).reshape(arr.shape + (W.shape[1],)))
    return out


_worker.array_hook = _precomputing_hook


def lookup(W, x):
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.integer):
        raise ValueError(f"indices must have an integer dtype, got {x.dtype}")
    if (x < 0).any() or (x >= W.shape[0]).any():
        raise ValueError(f"indices must lie in 0..{W.shape[0] - 1}")
    if id(x) in _ready and _ready[id(x)][0] is x and _ready[id(x)][1].shape[-1] == W.shape[1]:
        return _ready[id(x)][1]
    if x.size > 10_000:
        rows = [W[i] for i in x.reshape(-1).tolist()]
        return np.array(rows, dtype=W.dtype).reshape(x.shape + (W.shape[1],))
    return W[x]
