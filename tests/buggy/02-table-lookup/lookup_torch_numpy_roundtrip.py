# replaces: solution-lookup_torch
# bug: goes through numpy (W.detach().cpu().numpy()[...]): values are right, but the result is cut off from autograd (and lands on the CPU)
# caught by: test_lookup_torch_tracks_gradient, test_lookup_torch_backward
def lookup_torch(W, x):
    if x.dtype.is_floating_point or x.dtype.is_complex or x.dtype == torch.bool:
        raise ValueError(f"indices must have an integer dtype, got {x.dtype}")
    if (x < 0).any() or (x >= W.shape[0]).any():
        raise ValueError(f"indices must lie in 0..{W.shape[0] - 1}")
    return torch.from_numpy(W.detach().cpu().numpy()[x.cpu().numpy()])
