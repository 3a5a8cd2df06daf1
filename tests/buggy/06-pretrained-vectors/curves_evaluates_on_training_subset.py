# replaces: solution-compare
# bug: accuracy measured on the training subset instead of the test data
# caught by: test_curves_measured_on_test_data, test_curves_match_reference_runs
def learning_curves(templates, x_train, y_train, x_test, y_test, sizes, seeds, epochs, lr, batch_size,
                    progress=False):
    """{condition: float64 array (len(sizes), len(seeds)) of test accuracies}, one fresh run per cell."""
    n_train = len(x_train)
    if any(n < 1 or n > n_train for n in sizes):
        raise ValueError(f"every size must be between 1 and the {n_train} training examples, got {list(sizes)}")
    results = {name: np.zeros((len(sizes), len(seeds))) for name in templates}
    bar = tqdm(total=len(templates) * len(sizes) * len(seeds), desc="runs", disable=not progress)
    for name, template in templates.items():
        for k, n in enumerate(sizes):
            for s, seed in enumerate(seeds):
                subset = np.random.default_rng(seed).permutation(n_train)[:n]
                subset = torch.as_tensor(subset, device=x_train.device)
                model = copy.deepcopy(template)   # every run starts from the untrained template
                fit_and_score(model, x_train[subset], y_train[subset], x_test, y_test, epochs, lr, batch_size, seed)
                model.eval()
                with torch.no_grad():
                    correct = (model(x_train[subset]) > 0).float() == y_train[subset]
                results[name][k, s] = correct.float().mean().item()
                bar.update()
    bar.close()
    return results


def summarise(accuracies):
    """(mean over seeds, sample std over seeds), each of shape (len(sizes),)."""
    accuracies = np.asarray(accuracies, dtype=np.float64)
    mean = accuracies.mean(axis=1)
    if accuracies.shape[1] < 2:
        return mean, np.zeros_like(mean)
    return mean, accuracies.std(axis=1, ddof=1)
