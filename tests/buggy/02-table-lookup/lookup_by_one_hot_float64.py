# replaces: solution-lookup_by_one_hot
# bug: np.eye(V) is float64, so float64 @ float32 gives a float64 result for a float32 table
# caught by: test_lookup_by_one_hot_example, test_lookup_by_one_hot_random, test_lookup_by_one_hot_shapes, test_lookup_by_one_hot_empty, test_lookup_by_one_hot_dtypes
def lookup_by_one_hot(W, x):
    return np.eye(W.shape[0])[x] @ W
