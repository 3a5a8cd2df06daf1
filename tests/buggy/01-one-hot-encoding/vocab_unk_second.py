# replaces: solution-build_vocab
# bug: <unk> gets index 1 right after <pad> (as in some libraries) instead of the last index
# caught by: test_build_vocab_example, test_build_vocab_special_entries, test_build_vocab_frequency_order, test_build_vocab_ties, test_build_vocab_tokenize, test_build_vocab_max_size
def build_vocab(texts, max_size=None):
    counts = Counter(word for text in texts for word in tokenize(text))
    vocab = {PAD: 0, UNK: 1}
    for word, _ in counts.most_common(max_size):
        vocab[word] = len(vocab)
    return vocab
