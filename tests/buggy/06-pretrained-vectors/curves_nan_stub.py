# replaces: solution-compare
# bug: a stub: the sizes are checked, but every accuracy is nan (no run is made)
# caught by: test_curves_shape, test_curves_match_reference_runs, test_curves_templates_unchanged, test_curves_measured_on_test_data, test_curves_sizes_checked
def learning_curves(templates, x_train, y_train, x_test, y_test, sizes, seeds, epochs, lr, batch_size,
                    progress=False):
    """{condition: float64 array (len(sizes), len(seeds)) of test accuracies}, one fresh run per cell."""
    if any(n < 1 or n > len(x_train) for n in sizes):
        raise ValueError("every size must be between 1 and the number of training examples")
    return {name: np.full((len(sizes), len(seeds)), np.nan) for name in templates}


def summarise(accuracies):
    """(mean over seeds, sample std over seeds), each of shape (len(sizes),)."""
    accuracies = np.asarray(accuracies, dtype=np.float64)
    mean = accuracies.mean(axis=1)
    if accuracies.shape[1] < 2:
        return mean, np.zeros_like(mean)
    return mean, accuracies.std(axis=1, ddof=1)
