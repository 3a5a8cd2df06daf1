# replaces: solution-embedding
# bug: for large batches forward returns a tensor subclass that gathers its rows by a Python loop over the tokens
#      only when it is first used (when the worker sends it back): the timed call itself is instant
# caught by: test_embedding_speed
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


class Embedding(torch.nn.Module):
    def __init__(self, num_embeddings, embedding_dim):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.randn(num_embeddings, embedding_dim))

    def forward(self, x):
        if x.numel() > 10_000:
            out = torch.empty(*x.shape, self.weight.shape[1], device=x.device).as_subclass(LazyRows)
            out._pending = (self.weight.detach(), x)
            return out
        return self.weight[x.long()]
