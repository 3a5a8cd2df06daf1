# replaces: solution-pad_sequences
# bug: always pads at the end ('post'), even when 'pre' (the default) is asked for
# caught by: test_pad_sequences_example, test_pad_sequences_pre_padding, test_pad_sequences_post_padding, test_pad_sequences_pre_truncating, test_pad_sequences_post_truncating
def pad_sequences(sequences, maxlen, padding="pre", truncating="pre", value=0):
    if padding not in ("pre", "post") or truncating not in ("pre", "post"):
        raise ValueError("padding and truncating must be 'pre' or 'post'")
    out = np.full((len(sequences), maxlen), value, dtype=np.int64)
    for i, seq in enumerate(sequences):
        kept = seq[max(len(seq) - maxlen, 0):] if truncating == "pre" else seq[:maxlen]
        out[i, :len(kept)] = kept
    return out
