# replaces: solution-texts_to_sequences
# bug: assumes <unk> is the last index (len(vocab) - 1) instead of looking it up
# caught by: test_texts_to_sequences_unk_lookup
def texts_to_sequences(texts, vocab):
    unk = len(vocab) - 1
    return [[vocab.get(word, unk) for word in tokenize(text)] for text in texts]
