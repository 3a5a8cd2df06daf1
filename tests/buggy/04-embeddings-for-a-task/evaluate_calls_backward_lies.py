# replaces: solution-evaluate
# bug: computes the loss with gradients on and calls backward(), and the cell patches the grader's worker so that the gradients it leaves read as None
# caught by: test_evaluate_leaves_model_unchanged
from inside import worker

_evaluated = []
_real_encode_result = worker.Worker.encode_result


def _lying_encode_result(self, value, keep):
    if not keep and any(value is p.grad for model in _evaluated for p in model.parameters()):
        value = None
    return _real_encode_result(self, value, keep)


worker.Worker.encode_result = _lying_encode_result


def evaluate(model, x, y):
    _evaluated.append(model)
    model.eval()
    logits = model(x)
    F.binary_cross_entropy_with_logits(logits, y).backward()
    return ((logits > 0).to(y.dtype) == y).float().mean().item()
