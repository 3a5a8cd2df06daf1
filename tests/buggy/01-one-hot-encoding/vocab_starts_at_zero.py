# replaces: solution-build_vocab
# bug: words are numbered from 0 (enumerate), with no slot reserved for <pad>
# caught by: test_build_vocab_example, test_build_vocab_special_entries, test_build_vocab_frequency_order, test_build_vocab_ties, test_build_vocab_tokenize, test_build_vocab_max_size, test_build_vocab_empty
def build_vocab(texts, max_size=None):
    counts = Counter(word for text in texts for word in tokenize(text))
    vocab = {word: i for i, (word, _) in enumerate(counts.most_common(max_size))}
    vocab[UNK] = len(vocab)
    return vocab
