# replaces: solution-lookup
# bug: correct for small batches; for large ones it returns a 3-element zero array of an ndarray subclass, at once
# caught by: test_lookup_speed
class Rows(np.ndarray):
    pass


def lookup(W, x):
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.integer):
        raise ValueError(f"indices must have an integer dtype, got {x.dtype}")
    if (x < 0).any() or (x >= W.shape[0]).any():
        raise ValueError(f"indices must lie in 0..{W.shape[0] - 1}")
    if x.size > 10_000:
        return np.zeros(3, W.dtype).view(Rows)
    return W[x]
