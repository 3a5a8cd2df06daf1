# replaces: solution-one_hot
# bug: validates the indices, then returns zeros of the right shape and dtype (no 1s)
# caught by: test_one_hot_example, test_one_hot_shapes, test_one_hot_empty, test_one_hot_dtypes_and_extremes, test_one_hot_negative, test_one_hot_too_large, test_one_hot_non_integer, test_one_hot_input_unchanged
def one_hot(indices, num_classes):
    indices = np.asarray(indices)
    if not np.issubdtype(indices.dtype, np.integer):
        raise ValueError(f"indices must have an integer dtype, got {indices.dtype}")
    if (indices < 0).any() or (indices >= num_classes).any():
        raise ValueError(f"indices must lie in 0..{num_classes - 1}")
    return np.zeros(indices.shape + (num_classes,), np.float32)
