# replaces: solution-model
# bug: the pretrained weights are never loaded: the model keeps BagClassifier.untrained's random table
# caught by: test_model_table
def pretrained_model(weights, freeze=True, padding_idx=0):
    """The given BagClassifier with its table loaded from (a copy of) `weights`, frozen or trainable."""
    # from_pretrained wraps the tensor it gets in a Parameter without copying it: clone first.
    model = BagClassifier.untrained(*weights.shape, padding_idx=padding_idx).to(weights.device)
    model.bag.weight.requires_grad_(not freeze)
    return model


def set_frozen(model, frozen):
    """Freeze (True) or unfreeze (False) model.bag's table in place; the linear layer keeps training."""
    model.bag.weight.requires_grad_(not frozen)
