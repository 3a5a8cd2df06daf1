# replaces: solution-one_hot_torch
# bug: builds the result with torch.eye(...) on the default device (CPU) and moves the indices there: a cuda input gives a CPU result
# needs: cuda
# caught by: test_one_hot_torch_values, test_one_hot_torch_shapes, test_one_hot_torch_input_unchanged
def one_hot_torch(indices, num_classes):
    if indices.dtype.is_floating_point or indices.dtype.is_complex or indices.dtype == torch.bool:
        raise ValueError(f"indices must have an integer dtype, got {indices.dtype}")
    if (indices < 0).any() or (indices >= num_classes).any():
        raise ValueError(f"indices must lie in 0..{num_classes - 1}")
    return torch.eye(num_classes)[indices.long().cpu()]
