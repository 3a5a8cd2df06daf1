# replaces: solution-train
# bug: creates Adam with its default learning rate (0.001) instead of lr
# caught by: test_train_adam_lr
def train(model, x, y, epochs, lr, batch_size, seed, x_test=None, y_test=None, progress=False):
    torch.manual_seed(seed)
    optimizer = Adam(model.parameters())
    history = {"loss": [], "test_acc": []}
    for _ in tqdm(range(epochs), disable=not progress):
        history["loss"].append(train_epoch(model, optimizer, x, y, batch_size))
        if x_test is not None:
            history["test_acc"].append(evaluate(model, x_test, y_test))
    return history
