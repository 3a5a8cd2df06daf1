# replaces: solution-train
# bug: records the accuracy on the training data as history["test_acc"]
# caught by: test_train_test_accuracy
def train(model, x, y, epochs, lr, batch_size, seed, x_test=None, y_test=None, progress=False):
    torch.manual_seed(seed)
    optimizer = Adam(model.parameters(), lr=lr)
    history = {"loss": [], "test_acc": []}
    for _ in tqdm(range(epochs), disable=not progress):
        history["loss"].append(train_epoch(model, optimizer, x, y, batch_size))
        if x_test is not None:
            history["test_acc"].append(evaluate(model, x, y))
    return history
