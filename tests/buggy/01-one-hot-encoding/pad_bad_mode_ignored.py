# replaces: solution-pad_sequences
# bug: any mode other than 'pre' is treated as 'post' instead of raising ValueError
# caught by: test_pad_sequences_bad_mode
def pad_sequences(sequences, maxlen, padding="pre", truncating="pre", value=0):
    out = np.full((len(sequences), maxlen), value, dtype=np.int64)
    for i, seq in enumerate(sequences):
        kept = seq[max(len(seq) - maxlen, 0):] if truncating == "pre" else seq[:maxlen]
        if padding == "pre":
            out[i, maxlen - len(kept):] = kept
        else:
            out[i, :len(kept)] = kept
    return out
