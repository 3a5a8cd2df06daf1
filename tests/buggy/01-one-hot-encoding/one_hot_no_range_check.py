# replaces: solution-one_hot
# bug: no range check at all: negative indices wrap around, too-large ones raise numpy's IndexError instead of ValueError
# caught by: test_one_hot_negative, test_one_hot_too_large
def one_hot(indices, num_classes):
    indices = np.asarray(indices)
    if not np.issubdtype(indices.dtype, np.integer):
        raise ValueError(f"indices must have an integer dtype, got {indices.dtype}")
    return np.eye(num_classes, dtype=np.float32)[indices]
