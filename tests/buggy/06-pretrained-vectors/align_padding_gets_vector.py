# replaces: solution-align
# bug: the padding entry gets the pretrained vector of '<pad>' when the vectors have one
# caught by: test_align_padding_row
def pretrained_matrix(itos, words, vectors, seed=0, padding_idx=0):
    """(float32 matrix (len(itos), d), bool found (len(itos),)): pretrained rows where known, random elsewhere."""
    row_of = {word: j for j, word in enumerate(words)}
    std = float(np.std(vectors))
    generator = torch.Generator().manual_seed(seed)
    matrix = torch.randn(len(itos), vectors.shape[1], generator=generator) * std   # the OOV policy: random rows
    found = torch.zeros(len(itos), dtype=torch.bool)
    known = [(i, row_of[w.lower()]) for i, w in enumerate(itos) if w.lower() in row_of]
    if known:
        rows, sources = zip(*known)
        matrix[list(rows)] = torch.as_tensor(np.asarray(vectors)[list(sources)], dtype=torch.float32)
        found[list(rows)] = True
    return matrix, found
