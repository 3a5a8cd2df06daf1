# replaces: solution-texts_to_sequences
# bug: drops unknown words instead of mapping them to vocab["<unk>"]
# caught by: test_texts_to_sequences_unknown, test_texts_to_sequences_unk_lookup
def texts_to_sequences(texts, vocab):
    return [[vocab[word] for word in tokenize(text) if word in vocab] for text in texts]
