# replaces: solution-one_hot
# bug: accepts only signed integer dtypes (np.signedinteger): uint8 indices, which are integers, raise ValueError
# caught by: test_one_hot_non_integer
def one_hot(indices, num_classes):
    indices = np.asarray(indices)
    if not np.issubdtype(indices.dtype, np.signedinteger):
        raise ValueError(f"indices must have an integer dtype, got {indices.dtype}")
    if (indices < 0).any() or (indices >= num_classes).any():
        raise ValueError(f"indices must lie in 0..{num_classes - 1}")
    return np.eye(num_classes, dtype=np.float32)[indices]
