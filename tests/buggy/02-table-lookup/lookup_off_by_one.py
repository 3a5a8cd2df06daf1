# replaces: solution-lookup
# bug: off by one: treats the indices as 1-based (W[x - 1]), so index 0 silently wraps to the last row
# caught by: test_lookup_example, test_lookup_shapes, test_lookup_dtypes, test_lookup_inputs_unchanged
def lookup(W, x):
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.integer):
        raise ValueError(f"indices must have an integer dtype, got {x.dtype}")
    if (x < 0).any() or (x >= W.shape[0]).any():
        raise ValueError(f"indices must lie in 0..{W.shape[0] - 1}")
    return W[x - 1]
