# replaces: solution-train
# bug: records the accuracy on the training data as history["val_acc"]
# caught by: test_train_validation_accuracy
def train(model, x, y, epochs, lr, batch_size, seed, x_val=None, y_val=None, progress=False):
    torch.manual_seed(seed)
    optimizer = Adam(model.parameters(), lr=lr)
    history = {"loss": [], "val_acc": []}
    for _ in tqdm(range(epochs), disable=not progress):
        history["loss"].append(train_epoch(model, optimizer, x, y, batch_size))
        if x_val is not None:
            history["val_acc"].append(evaluate(model, x, y))
    return history
