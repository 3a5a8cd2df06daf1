# replaces: solution-pairs
# bug: corpus_pairs ignores the sentence boundaries: the window runs on into the next sentence
# caught by: test_corpus_pairs_respect_sentence_boundaries
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
            if j != i:
                out.append((ids[i], ids[j]))
    return np.array(out, dtype=np.int64).reshape(-1, 2)


def corpus_pairs(ids, sentence_ids, window):
    """Fixed-window (center, context) pairs of every sentence of a corpus, none across sentences.

    ids: 1-D integer array, the corpus as one stream of word indices.
    sentence_ids: 1-D integer array of the same length, the sentence number of each token.
    window: int >= 1.
    Returns an int64 array of shape (P, 2), in any order.
    """
    ids, sentence_ids = np.asarray(ids, dtype=np.int64), np.asarray(sentence_ids)
    parts = [np.zeros((0, 2), dtype=np.int64)]
    for d in range(1, window + 1):
        same = np.ones(len(ids) - d, dtype=bool)                  # every token t and t + d
        left, right = ids[:-d][same], ids[d:][same]
        parts += [np.stack([left, right], axis=1), np.stack([right, left], axis=1)]
    return np.concatenate(parts)
