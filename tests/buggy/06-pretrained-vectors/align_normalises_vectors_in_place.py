# replaces: solution-align
# bug: the pretrained vectors are scaled to unit length in place (the caller's array changes)
# caught by: test_align_leaves_vectors_unchanged, test_align_known_rows
def pretrained_matrix(itos, words, vectors, seed=0, padding_idx=0):
    """(float32 matrix (len(itos), d), bool found (len(itos),)): pretrained rows where known, random elsewhere."""
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-12
    row_of = {word: j for j, word in enumerate(words)}
    std = float(np.std(vectors))
    generator = torch.Generator().manual_seed(seed)
    matrix = torch.randn(len(itos), vectors.shape[1], generator=generator) * std   # the OOV policy: random rows
    found = torch.zeros(len(itos), dtype=torch.bool)
    known = [(i, row_of[w.lower()]) for i, w in enumerate(itos) if i != padding_idx and w.lower() in row_of]
    if known:
        rows, sources = zip(*known)
        matrix[list(rows)] = torch.as_tensor(np.asarray(vectors)[list(sources)], dtype=torch.float32)
        found[list(rows)] = True
    matrix[padding_idx] = 0.0
    return matrix, found
