# replaces: solution-lookup_torch
# bug: correct for small batches; for large ones it returns a 3-element zero tensor of a torch.Tensor subclass, at once
# caught by: test_lookup_torch_speed
class Rows(torch.Tensor):
    pass


def lookup_torch(W, x):
    if x.dtype.is_floating_point or x.dtype.is_complex or x.dtype == torch.bool:
        raise ValueError(f"indices must have an integer dtype, got {x.dtype}")
    if (x < 0).any() or (x >= W.shape[0]).any():
        raise ValueError(f"indices must lie in 0..{W.shape[0] - 1}")
    if x.numel() > 10_000:
        return torch.zeros(3, dtype=W.dtype, device=W.device).as_subclass(Rows)
    return W[x.long()]
