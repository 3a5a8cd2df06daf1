# replaces: solution-embedding_backward
# bug: a Python loop over the tokens, put off until the result is read: the function returns a placeholder at once, and the cell patches the grader's worker to run the loop when it sends the placeholder (after the timed call)
# caught by: test_embedding_backward_speed
from inside import worker

_real_encode_result = worker.Worker.encode_result


class _Later:
    def __init__(self, *args):
        self.args = args

    def compute(self):
        grad_out, x, num_embeddings, padding_idx = self.args
        x = np.asarray(x)
        d = grad_out.shape[-1]
        dW = np.zeros((num_embeddings, d), dtype=grad_out.dtype)
        flat, rows = x.reshape(-1), grad_out.reshape(-1, d)
        for i in range(flat.size):
            dW[flat[i]] += rows[i]
        if padding_idx is not None:
            dW[padding_idx] = 0
        return dW


def _when_read(self, value, keep):
    if not keep and isinstance(value, _Later):
        value = value.compute()
    return _real_encode_result(self, value, keep)


worker.Worker.encode_result = _when_read


def embedding_backward(grad_out, x, num_embeddings, padding_idx=None):
    return _Later(grad_out, x, num_embeddings, padding_idx)
