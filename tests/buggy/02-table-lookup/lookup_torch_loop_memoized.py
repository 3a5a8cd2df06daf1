# replaces: solution-lookup_torch
# bug: a Python loop over the tokens, whose results are remembered per index tensor: the first timed attempt is
#      slow, a repeated attempt with the same index tensor returns the remembered rows at once
# caught by: test_lookup_torch_speed
_remembered = {}


def lookup_torch(W, x):
    if x.dtype.is_floating_point or x.dtype.is_complex or x.dtype == torch.bool:
        raise ValueError(f"indices must have an integer dtype, got {x.dtype}")
    if (x < 0).any() or (x >= W.shape[0]).any():
        raise ValueError(f"indices must lie in 0..{W.shape[0] - 1}")
    key = (id(W), id(x))
    if key not in _remembered or _remembered[key][0] is not x:
        rows = [W[i] for i in x.reshape(-1).tolist()]
        out = torch.stack(rows) if rows else W[:0]
        _remembered[key] = (x, out.reshape(*x.shape, W.shape[1]))
    return _remembered[key][1]
