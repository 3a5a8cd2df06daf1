# replaces: solution-align
# bug: rows of words the vectors don't cover are left as zeros, although the policy says random
# caught by: test_align_unknown_rows
def pretrained_matrix(itos, words, vectors, seed=0, padding_idx=0):
    """(float32 matrix (len(itos), d), bool found (len(itos),)): pretrained rows where known, random elsewhere."""
    row_of = {word: j for j, word in enumerate(words)}
    std = float(np.std(vectors))
    generator = torch.Generator().manual_seed(seed)
    matrix = torch.zeros(len(itos), vectors.shape[1])   # the OOV policy: random rows
    found = torch.zeros(len(itos), dtype=torch.bool)
    known = [(i, row_of[w.lower()]) for i, w in enumerate(itos) if i != padding_idx and w.lower() in row_of]
    if known:
        rows, sources = zip(*known)
        matrix[list(rows)] = torch.as_tensor(np.asarray(vectors)[list(sources)], dtype=torch.float32)
        found[list(rows)] = True
    matrix[padding_idx] = 0.0
    return matrix, found
