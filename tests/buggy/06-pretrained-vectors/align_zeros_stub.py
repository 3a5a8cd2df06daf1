# replaces: solution-align
# bug: a stub: a zero matrix of the right shape and dtype, nothing found
# caught by: test_align_shapes_and_dtypes, test_align_padding_row, test_align_known_rows, test_align_unknown_rows
def pretrained_matrix(itos, words, vectors, seed=0, padding_idx=0):
    """(float32 matrix (len(itos), d), bool found (len(itos),)): pretrained rows where known, random elsewhere."""
    return torch.zeros(len(itos), vectors.shape[1]), torch.zeros(len(itos), dtype=torch.bool)
