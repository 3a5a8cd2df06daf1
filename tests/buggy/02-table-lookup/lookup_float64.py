# replaces: solution-lookup
# bug: fills a result made with np.zeros(...), whose default dtype is float64, whatever W's dtype
# caught by: test_lookup_example, test_lookup_shapes, test_lookup_empty, test_lookup_dtypes, test_lookup_inputs_unchanged
def lookup(W, x):
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.integer):
        raise ValueError(f"indices must have an integer dtype, got {x.dtype}")
    if (x < 0).any() or (x >= W.shape[0]).any():
        raise ValueError(f"indices must lie in 0..{W.shape[0] - 1}")
    out = np.zeros(x.shape + (W.shape[1],))
    out[...] = W[x]
    return out
