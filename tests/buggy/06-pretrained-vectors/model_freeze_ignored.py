# replaces: solution-model
# bug: `freeze` ignored: the table is always frozen (from_pretrained's default), so fine-tuning never updates it
# caught by: test_model_freeze_flag, test_model_fine_tuning_steps
def pretrained_model(weights, freeze=True, padding_idx=0):
    """Chapter 4's SentimentModel with its table loaded from (a copy of) `weights`, frozen or trainable."""
    vocab_size, dim = weights.shape
    model = SentimentModel(vocab_size, dim, padding_idx=padding_idx).to(weights.device)
    # from_pretrained wraps the tensor it gets in a Parameter without copying it: clone first.
    model.embedding = nn.Embedding.from_pretrained(weights.detach().clone(), padding_idx=padding_idx)
    return model


def set_frozen(model, frozen):
    """Freeze (True) or unfreeze (False) model.embedding's table in place; the linear layer keeps training."""
    model.embedding.weight.requires_grad_(not frozen)
