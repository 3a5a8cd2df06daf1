# replaces: solution-train
# bug: trains nothing: returns a made-up loss per epoch and, with validation data, the accuracy of the untrained model
# caught by: test_train_history, test_train_is_seeded, test_train_adam_lr, test_train_one_optimizer, test_train_validation_accuracy
def train(model, x, y, epochs, lr, batch_size, seed, x_val=None, y_val=None, progress=False):
    torch.manual_seed(seed)
    history = {"loss": [], "val_acc": []}
    for epoch in range(epochs):
        history["loss"].append(0.69 / (epoch + 1))
        if x_val is not None:
            history["val_acc"].append(evaluate(model, x_val, y_val))
    return history
