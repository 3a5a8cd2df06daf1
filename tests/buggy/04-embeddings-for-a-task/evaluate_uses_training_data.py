# replaces: solution-evaluate
# bug: ignores its arguments and scores the notebook's global training data (in grading those globals do not exist)
# caught by: test_evaluate_accuracy, test_evaluate_uses_given_data, test_evaluate_eval_mode, test_evaluate_leaves_model_unchanged
def evaluate(model, x, y):
    model.eval()
    with torch.no_grad():
        predicted = (model(x_train) > 0).float()
    return (predicted == y_train).float().mean().item()
