# replaces: solution-lookup
# bug: correct but slow: a Python loop over the tokens (the fastest kind: over a flat list of ints)
# caught by: test_lookup_speed
def lookup(W, x):
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.integer):
        raise ValueError(f"indices must have an integer dtype, got {x.dtype}")
    if (x < 0).any() or (x >= W.shape[0]).any():
        raise ValueError(f"indices must lie in 0..{W.shape[0] - 1}")
    rows = [W[i] for i in x.reshape(-1).tolist()]
    return np.array(rows, dtype=W.dtype).reshape(x.shape + (W.shape[1],))
