# replaces: solution-pad_sequences
# bug: np.full without dtype: the result takes the padding value's type (int32 for np.int32(-1)), not int64
# caught by: test_pad_sequences_post_padding
def pad_sequences(sequences, maxlen, padding="pre", truncating="pre", value=0):
    if padding not in ("pre", "post"):
        raise ValueError(f"padding must be 'pre' or 'post', got {padding!r}")
    if truncating not in ("pre", "post"):
        raise ValueError(f"truncating must be 'pre' or 'post', got {truncating!r}")
    out = np.full((len(sequences), maxlen), value)
    for i, seq in enumerate(sequences):
        seq = list(seq)
        kept = seq[max(len(seq) - maxlen, 0):] if truncating == "pre" else seq[:maxlen]
        if padding == "pre":
            out[i, maxlen - len(kept):] = kept
        else:
            out[i, :len(kept)] = kept
    return out
