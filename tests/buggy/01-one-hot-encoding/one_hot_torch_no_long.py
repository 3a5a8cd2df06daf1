# replaces: solution-one_hot_torch
# bug: indexes with the indices as they are: int16 indices raise IndexError, uint8 ones act as a mask
# caught by: test_one_hot_torch_values
def one_hot_torch(indices, num_classes):
    if indices.dtype.is_floating_point or indices.dtype.is_complex or indices.dtype == torch.bool:
        raise ValueError(f"indices must have an integer dtype, got {indices.dtype}")
    if (indices < 0).any() or (indices >= num_classes).any():
        raise ValueError(f"indices must lie in 0..{num_classes - 1}")
    eye = torch.eye(num_classes, dtype=torch.float32, device=indices.device)
    return eye[indices]
