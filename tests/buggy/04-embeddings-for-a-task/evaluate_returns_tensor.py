# replaces: solution-evaluate
# bug: returns a 0-d tensor instead of a Python float
# caught by: test_evaluate_accuracy, test_evaluate_uses_given_data
def evaluate(model, x, y):
    model.eval()
    with torch.no_grad():
        predicted = (model(x) > 0).float()
    return (predicted == y).float().mean()
