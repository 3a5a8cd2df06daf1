# replaces: solution-embedding_backward
# bug: zeroes the padding positions of grad_out in place, and the cell patches the grader's worker so that reading an input back shows the values it was sent with
# caught by: test_embedding_backward_inputs_unchanged
from inside import protocol
from inside import worker

_sent = {}
_real_encode_result = worker.Worker.encode_result


def _lying_encode_result(self, value, keep):
    encoded, buffers = _real_encode_result(self, value, keep)
    if keep and isinstance(value, np.ndarray):
        _sent[id(value)] = (value, value.copy())
    elif not keep and id(value) in _sent and _sent[id(value)][0] is value:
        return protocol.encode(_sent[id(value)][1], buffers, worker.tensor_hook), buffers
    return encoded, buffers


worker.Worker.encode_result = _lying_encode_result


def embedding_backward(grad_out, x, num_embeddings, padding_idx=None):
    x = np.asarray(x)
    d = grad_out.shape[-1]
    if padding_idx is not None:
        grad_out[x == padding_idx] = 0
    dW = np.zeros((num_embeddings, d), dtype=grad_out.dtype)
    np.add.at(dW, x.reshape(-1), grad_out.reshape(-1, d))
    return dW
