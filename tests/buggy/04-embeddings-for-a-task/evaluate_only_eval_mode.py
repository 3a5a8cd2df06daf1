# replaces: solution-evaluate
# bug: puts the model in evaluation mode and returns a made-up accuracy, without evaluating
# caught by: test_evaluate_accuracy, test_evaluate_uses_given_data, test_evaluate_eval_mode, test_evaluate_leaves_model_unchanged
def evaluate(model, x, y):
    model.eval()
    return 0.5
