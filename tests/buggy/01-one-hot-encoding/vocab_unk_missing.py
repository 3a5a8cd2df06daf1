# replaces: solution-build_vocab
# bug: forgets "<unk>" altogether
# caught by: test_build_vocab_example, test_build_vocab_special_entries, test_build_vocab_frequency_order, test_build_vocab_ties, test_build_vocab_tokenize, test_build_vocab_max_size, test_build_vocab_empty
def build_vocab(texts, max_size=None):
    counts = Counter(word for text in texts for word in tokenize(text))
    vocab = {PAD: 0}
    for word, _ in counts.most_common(max_size):
        vocab[word] = len(vocab)
    return vocab
