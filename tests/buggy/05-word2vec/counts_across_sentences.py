# replaces: solution-counts
# bug: pairs across sentence boundaries are counted (sentence_ids ignored)
# caught by: test_counts_stay_within_sentences, test_counts_stay_sparse_for_a_large_vocabulary
def cooccurrence_counts(ids, sentence_ids, window):
    """The sparse word-context counts: (rows, cols, counts), int64, sorted by (row, col)."""
    ids, sentence_ids = np.asarray(ids, dtype=np.int64), np.asarray(sentence_ids)
    words, contexts = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
    for d in range(1, window + 1):
        same = np.ones(max(len(ids) - d, 0), dtype=bool)
        left, right = ids[:-d][same], ids[d:][same]
        words += [left, right]
        contexts += [right, left]
    words, contexts = np.concatenate(words), np.concatenate(contexts)
    V = int(ids.max()) + 1 if len(ids) else 1
    keys, counts = np.unique(words * V + contexts, return_counts=True)
    return keys // V, keys % V, counts.astype(np.int64)
