# replaces: solution-train
# bug: creates a new Adam optimiser in every epoch, throwing away its running averages
# caught by: test_train_one_optimizer
def train(model, x, y, epochs, lr, batch_size, seed, x_val=None, y_val=None, progress=False):
    torch.manual_seed(seed)
    history = {"loss": [], "val_acc": []}
    for _ in tqdm(range(epochs), disable=not progress):
        optimizer = Adam(model.parameters(), lr=lr)
        history["loss"].append(train_epoch(model, optimizer, x, y, batch_size))
        if x_val is not None:
            history["val_acc"].append(evaluate(model, x_val, y_val))
    return history
