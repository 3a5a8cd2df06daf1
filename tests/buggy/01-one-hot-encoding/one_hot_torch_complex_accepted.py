# replaces: solution-one_hot_torch
# bug: checks for floating-point and bool dtypes only: complex indices get to the range check, which raises RuntimeError
# caught by: test_one_hot_torch_non_integer
def one_hot_torch(indices, num_classes):
    if indices.dtype.is_floating_point or indices.dtype == torch.bool:
        raise ValueError(f"indices must have an integer dtype, got {indices.dtype}")
    if (indices < 0).any() or (indices >= num_classes).any():
        raise ValueError(f"indices must lie in 0..{num_classes - 1}")
    eye = torch.eye(num_classes, dtype=torch.float32, device=indices.device)
    return eye[indices.long()]
