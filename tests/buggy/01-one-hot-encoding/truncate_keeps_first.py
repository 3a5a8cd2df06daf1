# replaces: solution-pad_sequences
# bug: truncation keeps the first maxlen tokens (seq[:maxlen]) whatever `truncating` says
# caught by: test_pad_sequences_pre_truncating, test_pad_sequences_post_truncating
def pad_sequences(sequences, maxlen, padding="pre", truncating="pre", value=0):
    if padding not in ("pre", "post") or truncating not in ("pre", "post"):
        raise ValueError("padding and truncating must be 'pre' or 'post'")
    out = np.full((len(sequences), maxlen), value, dtype=np.int64)
    for i, seq in enumerate(sequences):
        kept = seq[:maxlen]
        if padding == "pre":
            out[i, maxlen - len(kept):] = kept
        else:
            out[i, :len(kept)] = kept
    return out
