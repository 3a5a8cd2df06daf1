# replaces: solution-build_vocab
# bug: splits on whitespace instead of using tokenize, so "Hello," and "hello" become different words
# caught by: test_build_vocab_example, test_build_vocab_frequency_order, test_build_vocab_tokenize, test_build_vocab_max_size, test_build_vocab_empty
def build_vocab(texts, max_size=None):
    counts = Counter(word for text in texts for word in text.split())
    vocab = {PAD: 0}
    for word, _ in counts.most_common(max_size):
        vocab[word] = len(vocab)
    vocab[UNK] = len(vocab)
    return vocab
