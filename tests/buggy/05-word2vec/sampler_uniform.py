# replaces: solution-noise
# bug: sample_negatives draws every word with the same probability, ignoring probs
# caught by: test_sampler_frequencies, test_sampler_matches_unigram_075
def noise_distribution(counts, power=0.75):
    """Probabilities proportional to counts ** power (float64, summing to 1)."""
    counts = np.asarray(counts, dtype=np.float64)
    if counts.ndim != 1 or len(counts) == 0:
        raise ValueError("counts must be a non-empty 1-D array")
    if (counts < 0).any() or counts.sum() == 0:
        raise ValueError("counts must be >= 0, not all zero")
    weights = counts ** power
    weights[counts == 0] = 0.0
    return weights / weights.sum()


def sample_negatives(probs, size, rng):
    """Word indices drawn independently from probs (int64 array of the given shape)."""
    return rng.integers(0, len(probs), size=size).astype(np.int64)
    ### END SOLUTION
