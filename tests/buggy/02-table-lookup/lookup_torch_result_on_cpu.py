# replaces: solution-lookup_torch
# bug: moves the table and the indices to the CPU (W.cpu()[x.cpu()]): right values and gradients, wrong device for cuda inputs
# needs: cuda
# caught by: test_lookup_torch_example, test_lookup_torch_shapes_dtypes, test_lookup_torch_tracks_gradient
def lookup_torch(W, x):
    if x.dtype.is_floating_point or x.dtype.is_complex or x.dtype == torch.bool:
        raise ValueError(f"indices must have an integer dtype, got {x.dtype}")
    if (x < 0).any() or (x >= W.shape[0]).any():
        raise ValueError(f"indices must lie in 0..{W.shape[0] - 1}")
    return W.cpu()[x.cpu().long()]
