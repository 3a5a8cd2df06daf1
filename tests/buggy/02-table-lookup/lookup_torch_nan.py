# replaces: solution-lookup_torch
# bug: validates the indices, then returns NaN of the right shape, dtype and device
# caught by: test_lookup_torch_example, test_lookup_torch_shapes_dtypes, test_lookup_torch_non_integer, test_lookup_torch_tracks_gradient, test_lookup_torch_backward, test_lookup_torch_speed, test_lookup_torch_out_of_range
def lookup_torch(W, x):
    if x.dtype.is_floating_point or x.dtype.is_complex or x.dtype == torch.bool:
        raise ValueError(f"indices must have an integer dtype, got {x.dtype}")
    if (x < 0).any() or (x >= W.shape[0]).any():
        raise ValueError(f"indices must lie in 0..{W.shape[0] - 1}")
    return torch.full((*x.shape, W.shape[1]), float("nan"), dtype=W.dtype, device=W.device)
