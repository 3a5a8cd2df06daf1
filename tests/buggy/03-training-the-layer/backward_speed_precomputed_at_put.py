# replaces: solution-embedding_backward
# bug: a Python loop over the tokens, run ahead of time: the cell patches the grader's worker so that arrays sent to it are combined by the loop as soon as they arrive (before the timed call), and the timed call returns that result
# caught by: test_embedding_backward_speed
from inside import worker

_arrived = []
_ready = {}
_real_encode_result = worker.Worker.encode_result


def _slow_backward(grad_out, x, num_embeddings, padding_idx=None):
    x = np.asarray(x)
    d = grad_out.shape[-1]
    dW = np.zeros((num_embeddings, d), dtype=grad_out.dtype)
    flat, rows = x.reshape(-1), grad_out.reshape(-1, d)
    for i in range(flat.size):
        dW[flat[i]] += rows[i]
    if padding_idx is not None:
        dW[padding_idx] = 0
    return dW


def _ahead(self, value, keep):
    if keep and isinstance(value, np.ndarray) and value.size >= 100_000:
        _arrived.append(value)
        if value.dtype.kind in "iu":
            for g in _arrived:
                if g.dtype.kind == "f" and g.shape[:-1] == value.shape:
                    _ready[(id(g), id(value))] = _slow_backward(g, value, int(value.max()) + 1)
    return _real_encode_result(self, value, keep)


worker.Worker.encode_result = _ahead


def embedding_backward(grad_out, x, num_embeddings, padding_idx=None):
    done = _ready.get((id(grad_out), id(x)))
    if done is not None and done.shape[0] <= num_embeddings and padding_idx is None:
        out = np.zeros((num_embeddings, grad_out.shape[-1]), grad_out.dtype)
        out[:done.shape[0]] = done
        return out
    return _slow_backward(grad_out, x, num_embeddings, padding_idx)
