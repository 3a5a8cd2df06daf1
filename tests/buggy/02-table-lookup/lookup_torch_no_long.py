# replaces: solution-lookup_torch
# bug: indexes with x as it is: int16 indices raise IndexError, uint8 ones act as a mask
# caught by: test_lookup_torch_shapes_dtypes
def lookup_torch(W, x):
    if x.dtype.is_floating_point or x.dtype.is_complex or x.dtype == torch.bool:
        raise ValueError(f"indices must have an integer dtype, got {x.dtype}")
    if (x < 0).any() or (x >= W.shape[0]).any():
        raise ValueError(f"indices must lie in 0..{W.shape[0] - 1}")
    return W[x]
