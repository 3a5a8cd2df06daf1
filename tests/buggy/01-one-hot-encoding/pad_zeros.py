# replaces: solution-pad_sequences
# bug: checks the modes, then returns zeros of the right shape and dtype, whatever the sequences
# caught by: test_pad_sequences_example, test_pad_sequences_pre_padding, test_pad_sequences_post_padding, test_pad_sequences_pre_truncating, test_pad_sequences_post_truncating, test_pad_sequences_empty_batch, test_pad_sequences_bad_mode
def pad_sequences(sequences, maxlen, padding="pre", truncating="pre", value=0):
    if padding not in ("pre", "post") or truncating not in ("pre", "post"):
        raise ValueError("unknown mode")
    return np.zeros((len(sequences), maxlen), np.int64)
