# replaces: solution-lookup_torch
# bug: checks for floating-point and bool dtypes only: complex indices get to the range check, which raises RuntimeError
# caught by: test_lookup_torch_non_integer
def lookup_torch(W, x):
    if x.dtype.is_floating_point or x.dtype == torch.bool:
        raise ValueError(f"indices must have an integer dtype, got {x.dtype}")
    if (x < 0).any() or (x >= W.shape[0]).any():
        raise ValueError(f"indices must lie in 0..{W.shape[0] - 1}")
    return W[x.long()]
