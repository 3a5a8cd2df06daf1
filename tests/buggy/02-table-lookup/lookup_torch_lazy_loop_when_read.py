# replaces: solution-lookup_torch
# bug: for large batches it returns a tensor subclass that gathers its rows by a Python loop over the tokens only
#      when it is first used (when the worker sends it back): the timed call itself is instant
# caught by: test_lookup_torch_speed
class LazyRows(torch.Tensor):
    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        for a in args:
            pending = getattr(a, "_pending", None) if isinstance(a, LazyRows) else None
            if pending is not None:
                a._pending = None
                W, x = pending
                with torch._C.DisableTorchFunctionSubclass():
                    rows = [W[i] for i in x.reshape(-1).tolist()]
                    a.copy_(torch.stack(rows).reshape(a.shape))
        return super().__torch_function__(func, types, args, kwargs or {})


def lookup_torch(W, x):
    if x.dtype.is_floating_point or x.dtype.is_complex or x.dtype == torch.bool:
        raise ValueError(f"indices must have an integer dtype, got {x.dtype}")
    if (x < 0).any() or (x >= W.shape[0]).any():
        raise ValueError(f"indices must lie in 0..{W.shape[0] - 1}")
    if x.numel() > 10_000:
        out = torch.empty(*x.shape, W.shape[1], dtype=W.dtype, device=W.device).as_subclass(LazyRows)
        out._pending = (W.detach(), x)
        return out
    return W[x.long()]
