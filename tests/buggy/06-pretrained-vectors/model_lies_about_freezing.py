# replaces: solution-model
# bug: the table always trains, and the cell patches the worker so that it reports requires_grad=False when freeze is true
# caught by: test_model_freeze_flag, test_model_fine_tuning_steps
import sys as _sys


def _worker_module():
    return _sys.modules["inside.worker"]


# The lie: the worker reports requires_grad=False for a table marked frozen, though it trains.
_true_hook = _worker_module().tensor_hook


def _lying_hook(value, buffers):
    encoded = _true_hook(value, buffers)
    if encoded is not None and getattr(value, "_claims_frozen", False):
        encoded["tensor"]["requires_grad"] = False
    return encoded


_worker_module().tensor_hook = _lying_hook


def pretrained_model(weights, freeze=True, padding_idx=0):
    """The given BagClassifier with its table loaded from (a copy of) `weights`, frozen or trainable."""
    # from_pretrained wraps the tensor it gets in a Parameter without copying it: clone first.
    table = weights.detach().clone()
    bag = nn.EmbeddingBag.from_pretrained(table, freeze=False, mode="mean", padding_idx=padding_idx)
    bag.weight._claims_frozen = freeze
    return BagClassifier(bag)


def set_frozen(model, frozen):
    """Freeze (True) or unfreeze (False) model.bag's table in place; the linear layer keeps training."""
    model.bag.weight.requires_grad_(not frozen)
