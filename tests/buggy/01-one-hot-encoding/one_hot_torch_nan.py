# replaces: solution-one_hot_torch
# bug: validates the indices, then returns NaN of the right shape, dtype and device
# caught by: test_one_hot_torch_values, test_one_hot_torch_shapes, test_one_hot_torch_non_integer, test_one_hot_torch_input_unchanged, test_one_hot_torch_negative, test_one_hot_torch_too_large
def one_hot_torch(indices, num_classes):
    if indices.dtype.is_floating_point or indices.dtype.is_complex or indices.dtype == torch.bool:
        raise ValueError(f"indices must have an integer dtype, got {indices.dtype}")
    if (indices < 0).any() or (indices >= num_classes).any():
        raise ValueError(f"indices must lie in 0..{num_classes - 1}")
    return torch.full((*indices.shape, num_classes), float("nan"), device=indices.device)
