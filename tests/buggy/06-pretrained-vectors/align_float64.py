# replaces: solution-align
# bug: the matrix is float64 (built with numpy's default dtype)
# caught by: test_align_shapes_and_dtypes
def pretrained_matrix(itos, words, vectors, seed=0, padding_idx=0):
    """(float32 matrix (len(itos), d), bool found (len(itos),)): pretrained rows where known, random elsewhere."""
    row_of = {word: j for j, word in enumerate(words)}
    std = float(np.std(vectors))
    generator = torch.Generator().manual_seed(seed)
    matrix = torch.randn(len(itos), vectors.shape[1], generator=generator, dtype=torch.float64) * std   # the OOV policy: random rows
    found = torch.zeros(len(itos), dtype=torch.bool)
    known = [(i, row_of[w.lower()]) for i, w in enumerate(itos) if i != padding_idx and w.lower() in row_of]
    if known:
        rows, sources = zip(*known)
        matrix[list(rows)] = torch.as_tensor(np.asarray(vectors, dtype=np.float64)[list(sources)])
        found[list(rows)] = True
    matrix[padding_idx] = 0.0
    return matrix, found
