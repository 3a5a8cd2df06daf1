# replaces: solution-lookup
# bug: correct for small batches, but for large ones (the timed call) it returns None at once instead of the rows
# caught by: test_lookup_speed
def lookup(W, x):
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.integer):
        raise ValueError(f"indices must have an integer dtype, got {x.dtype}")
    if (x < 0).any() or (x >= W.shape[0]).any():
        raise ValueError(f"indices must lie in 0..{W.shape[0] - 1}")
    if x.size > 10_000:
        return None
    return W[x]
