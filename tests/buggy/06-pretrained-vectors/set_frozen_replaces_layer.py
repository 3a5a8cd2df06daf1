# replaces: solution-model
# bug: set_frozen rebuilds the layer with from_pretrained: a new parameter that an existing optimiser does not know
# caught by: test_set_frozen
def pretrained_model(weights, freeze=True, padding_idx=0):
    """The given BagClassifier with its table loaded from (a copy of) `weights`, frozen or trainable."""
    # from_pretrained wraps the tensor it gets in a Parameter without copying it: clone first.
    table = weights.detach().clone()
    bag = nn.EmbeddingBag.from_pretrained(table, freeze=freeze, mode="mean", padding_idx=padding_idx)
    return BagClassifier(bag)


def set_frozen(model, frozen):
    """Freeze (True) or unfreeze (False) model.bag's table in place; the linear layer keeps training."""
    old = model.bag
    model.bag = nn.EmbeddingBag.from_pretrained(old.weight.detach().clone(), freeze=frozen, mode="mean",
                                                padding_idx=old.padding_idx)
