# replaces: solution-model
# bug: set_frozen does nothing
# caught by: test_set_frozen
def pretrained_model(weights, freeze=True, padding_idx=0):
    """Chapter 4's SentimentModel with its table loaded from (a copy of) `weights`, frozen or trainable."""
    vocab_size, dim = weights.shape
    model = SentimentModel(vocab_size, dim, padding_idx=padding_idx).to(weights.device)
    # from_pretrained wraps the tensor it gets in a Parameter without copying it: clone first.
    model.embedding = nn.Embedding.from_pretrained(weights.detach().clone(), freeze=freeze, padding_idx=padding_idx)
    return model


def set_frozen(model, frozen):
    """Freeze (True) or unfreeze (False) model.embedding's table in place; the linear layer keeps training."""
    pass
