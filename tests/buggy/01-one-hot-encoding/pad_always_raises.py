# replaces: solution-pad_sequences
# bug: does nothing but raise ValueError, whatever the arguments
# caught by: test_pad_sequences_example, test_pad_sequences_pre_padding, test_pad_sequences_post_padding, test_pad_sequences_pre_truncating, test_pad_sequences_post_truncating, test_pad_sequences_empty_batch, test_pad_sequences_bad_mode
def pad_sequences(sequences, maxlen, padding="pre", truncating="pre", value=0):
    raise ValueError("unknown mode")
