# replaces: solution-counts
# bug: counts in a dense V x V array: right on a small vocabulary, out of memory on a large one
# caught by: test_counts_stay_sparse_for_a_large_vocabulary
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
    C = np.zeros((V, V), dtype=np.int64)
    np.add.at(C, (words, contexts), 1)
    rows, cols = np.nonzero(C)
    return rows.astype(np.int64), cols.astype(np.int64), C[rows, cols]
