# replaces: solution-one_hot
# bug: returns float64: np.eye's default dtype instead of float32
# caught by: test_one_hot_example, test_one_hot_shapes, test_one_hot_empty, test_one_hot_dtypes_and_extremes, test_one_hot_input_unchanged
def one_hot(indices, num_classes):
    indices = np.asarray(indices)
    if not np.issubdtype(indices.dtype, np.integer):
        raise ValueError(f"indices must have an integer dtype, got {indices.dtype}")
    if (indices < 0).any() or (indices >= num_classes).any():
        raise ValueError(f"indices must lie in 0..{num_classes - 1}")
    return np.eye(num_classes)[indices]
