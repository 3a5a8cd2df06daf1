# replaces: solution-counts
# bug: the pairs sorted by context, then word (the key is context * V + word)
# caught by: test_counts_every_pair_in_the_window, test_counts_stay_within_sentences, test_counts_stay_sparse_for_a_large_vocabulary
def cooccurrence_counts(ids, sentence_ids, window):
    """The sparse word-context counts: (rows, cols, counts), int64, sorted by (row, col)."""
    ids, sentence_ids = np.asarray(ids, dtype=np.int64), np.asarray(sentence_ids)
    words, contexts = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
    for d in range(1, window + 1):
        same = sentence_ids[:-d] == sentence_ids[d:]
        left, right = ids[:-d][same], ids[d:][same]
        words += [left, right]
        contexts += [right, left]
    words, contexts = np.concatenate(words), np.concatenate(contexts)
    V = int(ids.max()) + 1 if len(ids) else 1
    keys, counts = np.unique(contexts * V + words, return_counts=True)
    return keys % V, keys // V, counts.astype(np.int64)
