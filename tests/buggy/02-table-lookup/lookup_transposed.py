# replaces: solution-lookup
# bug: indexes the transposed table (W.T[x]): looks up columns instead of rows
# caught by: test_lookup_example, test_lookup_shapes, test_lookup_empty, test_lookup_dtypes, test_lookup_inputs_unchanged, test_lookup_speed
def lookup(W, x):
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.integer):
        raise ValueError(f"indices must have an integer dtype, got {x.dtype}")
    if (x < 0).any() or (x >= W.shape[0]).any():
        raise ValueError(f"indices must lie in 0..{W.shape[0] - 1}")
    return W.T[x]
