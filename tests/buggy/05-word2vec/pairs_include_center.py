# replaces: solution-pairs
# bug: the window includes the center word: (w, w) pairs at distance 0
# caught by: test_pairs_fixed_examples, test_pairs_fixed_random, test_pairs_dynamic_distances
def skipgram_pairs(ids, window, rng=None):
    """(center, context) pairs of one sentence for skip-gram.

    ids: 1-D numpy integer array, the word indices of a sentence.
    window: int >= 1, the maximal distance between center and context.
    rng: None for a fixed window; a np.random.Generator for a dynamic window: for each
         center position i, in order, draw b = rng.integers(1, window + 1) and use distance <= b.
    Returns an int64 array of shape (P, 2): row (ids[i], ids[j]) for every center position i in
    increasing order and, within it, every context position j != i with |i - j| <= b, in
    increasing order of j.
    """
    ids = np.asarray(ids)
    if ids.ndim != 1:
        raise ValueError(f"ids must be 1-D, got shape {ids.shape}")
    if isinstance(window, bool) or not isinstance(window, (int, np.integer)) or window < 1:
        raise ValueError(f"window must be an integer >= 1, got {window!r}")
    n = len(ids)
    out = []
    for i in range(n):
        b = window if rng is None else int(rng.integers(1, window + 1))
        for j in range(max(0, i - b), min(n, i + b + 1)):
            out.append((ids[i], ids[j]))
    return np.array(out, dtype=np.int64).reshape(-1, 2)
