# replaces: solution-one_hot
# bug: validates with indices.min() / indices.max(), which raise on an empty batch
# caught by: test_one_hot_empty
def one_hot(indices, num_classes):
    indices = np.asarray(indices)
    if not np.issubdtype(indices.dtype, np.integer):
        raise ValueError(f"indices must have an integer dtype, got {indices.dtype}")
    if indices.min() < 0 or indices.max() >= num_classes:
        raise ValueError(f"indices must lie in 0..{num_classes - 1}")
    return np.eye(num_classes, dtype=np.float32)[indices]
