# replaces: solution-align
# bug: index misalignment: the vector of entry i is placed at row i + 1
# caught by: test_align_known_rows
def pretrained_matrix(itos, words, vectors, seed=0, padding_idx=0):
    """(float32 matrix (len(itos), d), bool found (len(itos),)): pretrained rows where known, random elsewhere."""
    row_of = {word: j for j, word in enumerate(words)}
    std = float(np.std(vectors))
    generator = torch.Generator().manual_seed(seed)
    matrix = torch.randn(len(itos), vectors.shape[1], generator=generator) * std   # the OOV policy: random rows
    found = torch.zeros(len(itos), dtype=torch.bool)
    known = [(i + 1, row_of[w.lower()]) for i, w in enumerate(itos) if i != padding_idx and w.lower() in row_of and i + 1 < len(itos)]
    if known:
        rows, sources = zip(*known)
        matrix[list(rows)] = torch.as_tensor(np.asarray(vectors)[list(sources)], dtype=torch.float32)
        found[list(rows)] = True
    matrix[padding_idx] = 0.0
    return matrix, found
