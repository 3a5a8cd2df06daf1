# replaces: solution-subsample
# bug: subsampling inverted: returns the discard probability 1 - keep
# caught by: test_keep_probability_values, test_keep_probability_default_and_errors
def keep_probability(counts, t=1e-3):
    """Probability of keeping one occurrence of each word: min(1, sqrt(t/f) + t/f)."""
    counts = np.asarray(counts, dtype=np.float64)
    if (counts <= 0).any():
        raise ValueError("every count must be > 0")
    ratio = t / (counts / counts.sum())
    return 1.0 - np.minimum(1.0, np.sqrt(ratio) + ratio)


def subsample(ids, keep, rng):
    """The tokens of ids that survive subsampling, in order."""
    ids = np.asarray(ids)
    return ids[rng.random(len(ids)) < keep[ids]]
