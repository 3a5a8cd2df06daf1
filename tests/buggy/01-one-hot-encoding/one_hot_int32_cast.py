# replaces: solution-one_hot
# bug: casts the indices to int32 before checking them: an int64 index of 2**32 + 1 wraps around to 1 and passes
# caught by: test_one_hot_too_large
def one_hot(indices, num_classes):
    indices = np.asarray(indices)
    if not np.issubdtype(indices.dtype, np.integer):
        raise ValueError(f"indices must have an integer dtype, got {indices.dtype}")
    indices = indices.astype(np.int32)
    if (indices < 0).any() or (indices >= num_classes).any():
        raise ValueError(f"indices must lie in 0..{num_classes - 1}")
    return np.eye(num_classes, dtype=np.float32)[indices]
