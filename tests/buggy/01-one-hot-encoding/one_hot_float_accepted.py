# replaces: solution-one_hot
# bug: float (and bool) indices are silently converted with astype(int) instead of being rejected
# caught by: test_one_hot_non_integer
def one_hot(indices, num_classes):
    indices = np.asarray(indices).astype(np.int64)
    if (indices < 0).any() or (indices >= num_classes).any():
        raise ValueError(f"indices must lie in 0..{num_classes - 1}")
    return np.eye(num_classes, dtype=np.float32)[indices]
