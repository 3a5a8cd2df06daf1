# replaces: solution-lookup
# bug: for large batches it returns a placeholder at once and patches the worker so that the rows are gathered,
#      by a Python loop over the tokens, only when the result is sent back: the timed call itself is instant
# caught by: test_lookup_speed
import sys

_worker = sys.modules["inside.worker"]
_protocol = sys.modules["inside.protocol"]
_real_hook = _worker.tensor_hook


class Pending:
    def __init__(self, W, x):
        self.W, self.x = W, x


def _gathering_hook(value, buffers):
    if isinstance(value, Pending):
        rows = [value.W[i] for i in value.x.reshape(-1).tolist()]
        out = np.array(rows, dtype=value.W.dtype).reshape(value.x.shape + (value.W.shape[1],))
        return _protocol.encode_array(out, buffers)
    return _real_hook(value, buffers)


_worker.tensor_hook = _gathering_hook


def lookup(W, x):
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.integer):
        raise ValueError(f"indices must have an integer dtype, got {x.dtype}")
    if (x < 0).any() or (x >= W.shape[0]).any():
        raise ValueError(f"indices must lie in 0..{W.shape[0] - 1}")
    if x.size > 10_000:
        return Pending(W, x)
    return W[x]
