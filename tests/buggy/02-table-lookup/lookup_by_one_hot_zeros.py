# replaces: solution-lookup_by_one_hot
# bug: returns zeros of the right shape and dtype
# caught by: test_lookup_by_one_hot_example, test_lookup_by_one_hot_random, test_lookup_by_one_hot_shapes, test_lookup_by_one_hot_empty, test_lookup_by_one_hot_dtypes
def lookup_by_one_hot(W, x):
    return np.zeros(np.shape(x) + (W.shape[1],), W.dtype)
