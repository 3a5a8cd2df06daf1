# replaces: solution-build_vocab
# bug: sorts by (-count, word), so equal counts are ordered alphabetically instead of by first appearance
# caught by: test_build_vocab_example, test_build_vocab_frequency_order, test_build_vocab_ties, test_build_vocab_tokenize
def build_vocab(texts, max_size=None):
    counts = Counter(word for text in texts for word in tokenize(text))
    words = sorted(counts, key=lambda w: (-counts[w], w))
    if max_size is not None:
        words = words[:max_size]
    vocab = {PAD: 0}
    for word in words:
        vocab[word] = len(vocab)
    vocab[UNK] = len(vocab)
    return vocab
