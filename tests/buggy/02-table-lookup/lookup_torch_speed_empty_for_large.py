# replaces: solution-lookup_torch
# bug: a Python loop over the tokens for small batches; for large ones (the timed call) an empty tensor, at once
# caught by: test_lookup_torch_speed
def lookup_torch(W, x):
    if x.dtype.is_floating_point or x.dtype.is_complex or x.dtype == torch.bool:
        raise ValueError(f"indices must have an integer dtype, got {x.dtype}")
    if (x < 0).any() or (x >= W.shape[0]).any():
        raise ValueError(f"indices must lie in 0..{W.shape[0] - 1}")
    if x.numel() > 10_000:
        return W[:0]
    rows = [W[i] for i in x.reshape(-1).tolist()]
    out = torch.stack(rows) if rows else W[:0]
    return out.reshape(*x.shape, W.shape[1])
