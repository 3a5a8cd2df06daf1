# replaces: solution-one_hot
# bug: flattens the caller's array in place (indices.shape = -1, meant as a reshape) and never restores it
# caught by: test_one_hot_input_unchanged
def one_hot(indices, num_classes):
    indices = np.asarray(indices)
    if not np.issubdtype(indices.dtype, np.integer):
        raise ValueError(f"indices must have an integer dtype, got {indices.dtype}")
    if (indices < 0).any() or (indices >= num_classes).any():
        raise ValueError(f"indices must lie in 0..{num_classes - 1}")
    shape = indices.shape
    indices.shape = (-1,)                     # modifies the caller's array object
    out = np.zeros((indices.size, num_classes), dtype=np.float32)
    out[np.arange(indices.size), indices] = 1
    return out.reshape(shape + (num_classes,))
