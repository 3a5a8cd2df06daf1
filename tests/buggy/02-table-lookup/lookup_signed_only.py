# replaces: solution-lookup
# bug: accepts only signed integer dtypes (np.signedinteger): uint8 indices, which are integers, raise ValueError
# caught by: test_lookup_non_integer
def lookup(W, x):
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.signedinteger):
        raise ValueError(f"indices must have an integer dtype, got {x.dtype}")
    if (x < 0).any() or (x >= W.shape[0]).any():
        raise ValueError(f"indices must lie in 0..{W.shape[0] - 1}")
    return W[x]
