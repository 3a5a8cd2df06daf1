# replaces: solution-lookup
# bug: validates the indices, then returns zeros of the right shape and dtype instead of W's rows
# caught by: test_lookup_example, test_lookup_shapes, test_lookup_empty, test_lookup_dtypes, test_lookup_negative, test_lookup_too_large, test_lookup_non_integer, test_lookup_inputs_unchanged, test_lookup_speed
def lookup(W, x):
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.integer):
        raise ValueError(f"indices must have an integer dtype, got {x.dtype}")
    if (x < 0).any() or (x >= W.shape[0]).any():
        raise ValueError(f"indices must lie in 0..{W.shape[0] - 1}")
    return np.zeros(x.shape + (W.shape[1],), W.dtype)
