# replaces: solution-lookup
# bug: a Python loop over the tokens, whose results are remembered by the indices' bytes: the first timed attempt
#      is slow, a repeated attempt with the same indices returns the remembered rows at once
# caught by: test_lookup_speed
_remembered = {}


def lookup(W, x):
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.integer):
        raise ValueError(f"indices must have an integer dtype, got {x.dtype}")
    if (x < 0).any() or (x >= W.shape[0]).any():
        raise ValueError(f"indices must lie in 0..{W.shape[0] - 1}")
    key = (W.tobytes(), x.shape, x.tobytes())
    if key not in _remembered:
        rows = [W[i] for i in x.reshape(-1).tolist()]
        _remembered[key] = np.array(rows, dtype=W.dtype).reshape(x.shape + (W.shape[1],))
    return _remembered[key].copy()
