# replaces: solution-one_hot
# bug: negative indices wrap around: only the upper bound is checked, so np.eye(V)[-1] silently gives the last row
# caught by: test_one_hot_negative
def one_hot(indices, num_classes):
    indices = np.asarray(indices)
    if not np.issubdtype(indices.dtype, np.integer):
        raise ValueError(f"indices must have an integer dtype, got {indices.dtype}")
    if (indices >= num_classes).any():
        raise ValueError(f"indices must be smaller than {num_classes}")
    return np.eye(num_classes, dtype=np.float32)[indices]
