# replaces: solution-model
# bug: `freeze` ignored: the table is always frozen (from_pretrained's default), so fine-tuning never updates it
# caught by: test_model_freeze_flag, test_model_fine_tuning_steps
def pretrained_model(weights, freeze=True, padding_idx=0):
    """The given BagClassifier with its table loaded from (a copy of) `weights`, frozen or trainable."""
    # from_pretrained wraps the tensor it gets in a Parameter without copying it: clone first.
    table = weights.detach().clone()
    bag = nn.EmbeddingBag.from_pretrained(table, mode="mean", padding_idx=padding_idx)
    return BagClassifier(bag)


def set_frozen(model, frozen):
    """Freeze (True) or unfreeze (False) model.bag's table in place; the linear layer keeps training."""
    model.bag.weight.requires_grad_(not frozen)
