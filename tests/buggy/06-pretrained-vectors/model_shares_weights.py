# replaces: solution-model
# bug: from_pretrained given the caller's tensor itself: fine-tuning changes `weights` in place (sharing, not copying)
# caught by: test_model_owns_a_copy
def pretrained_model(weights, freeze=True, padding_idx=0):
    """The given BagClassifier with its table loaded from (a copy of) `weights`, frozen or trainable."""
    # from_pretrained wraps the tensor it gets in a Parameter without copying it: clone first.
    table = weights
    bag = nn.EmbeddingBag.from_pretrained(table, freeze=freeze, mode="mean", padding_idx=padding_idx)
    return BagClassifier(bag)


def set_frozen(model, frozen):
    """Freeze (True) or unfreeze (False) model.bag's table in place; the linear layer keeps training."""
    model.bag.weight.requires_grad_(not frozen)
