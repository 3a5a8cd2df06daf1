# replaces: solution-train
# bug: ignores the seed: two runs shuffle differently and give different models
# caught by: test_train_is_seeded
def train(model, x, y, epochs, lr, batch_size, seed, x_test=None, y_test=None, progress=False):
    optimizer = Adam(model.parameters(), lr=lr)
    history = {"loss": [], "test_acc": []}
    for _ in tqdm(range(epochs), disable=not progress):
        history["loss"].append(train_epoch(model, optimizer, x, y, batch_size))
        if x_test is not None:
            history["test_acc"].append(evaluate(model, x_test, y_test))
    return history
