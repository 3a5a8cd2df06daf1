# replaces: solution-train
# bug: ignores the seed: two runs shuffle differently and give different models
# caught by: test_train_is_seeded
def train(model, x, y, epochs, lr, batch_size, seed, x_val=None, y_val=None, progress=False):
    optimizer = Adam(model.parameters(), lr=lr)
    history = {"loss": [], "val_acc": []}
    for _ in tqdm(range(epochs), disable=not progress):
        history["loss"].append(train_epoch(model, optimizer, x, y, batch_size))
        if x_val is not None:
            history["val_acc"].append(evaluate(model, x_val, y_val))
    return history
