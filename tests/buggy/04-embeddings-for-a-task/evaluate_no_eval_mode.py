# replaces: solution-evaluate
# bug: never calls model.eval(): a model with dropout or batch norm would be evaluated in training mode
# caught by: test_evaluate_eval_mode
def evaluate(model, x, y):
    with torch.no_grad():
        predicted = (model(x) > 0).float()
    return (predicted == y).float().mean().item()
