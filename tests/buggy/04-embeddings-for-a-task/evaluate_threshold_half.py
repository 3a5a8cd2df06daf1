# replaces: solution-evaluate
# bug: compares the logits with 0.5, as if they were probabilities: logits between 0 and 0.5 are counted as negative
# caught by: test_evaluate_accuracy, test_evaluate_uses_given_data
def evaluate(model, x, y):
    model.eval()
    with torch.no_grad():
        predicted = (model(x) > 0.5).float()
    return (predicted == y).float().mean().item()
