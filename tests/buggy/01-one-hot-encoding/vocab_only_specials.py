# replaces: solution-build_vocab
# bug: ignores the texts and returns only the two special entries
# caught by: test_build_vocab_example, test_build_vocab_special_entries, test_build_vocab_frequency_order, test_build_vocab_ties, test_build_vocab_tokenize, test_build_vocab_max_size, test_build_vocab_empty
def build_vocab(texts, max_size=None):
    return {PAD: 0, UNK: 1}
