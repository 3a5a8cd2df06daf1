# replaces: solution-train
# bug: creates Adam with its default learning rate (0.001) instead of lr
# caught by: test_train_adam_lr
def train(model, x, y, epochs, lr, batch_size, seed, x_val=None, y_val=None, progress=False):
    torch.manual_seed(seed)
    optimizer = Adam(model.parameters())
    history = {"loss": [], "val_acc": []}
    for _ in tqdm(range(epochs), disable=not progress):
        history["loss"].append(train_epoch(model, optimizer, x, y, batch_size))
        if x_val is not None:
            history["val_acc"].append(evaluate(model, x_val, y_val))
    return history
