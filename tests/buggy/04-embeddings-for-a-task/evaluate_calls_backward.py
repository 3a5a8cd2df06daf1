# replaces: solution-evaluate
# bug: computes the loss with gradients on and calls backward() "to check it", leaving gradients in the model
# caught by: test_evaluate_leaves_model_unchanged
def evaluate(model, x, y):
    model.eval()
    logits = model(x)
    F.binary_cross_entropy_with_logits(logits, y).backward()
    return ((logits > 0).float() == y).float().mean().item()
