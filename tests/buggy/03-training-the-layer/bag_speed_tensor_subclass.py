# replaces: solution-embedding_bag
# bug: a Python loop over the bags; on big inputs it returns at once torch.zeros(3) as a tensor subclass that claims any shape and equals anything
# caught by: test_embedding_bag_speed
class Anything(torch.Tensor):
    @property
    def shape(self):
        return torch.Size([20_000, 16])

    def __eq__(self, other):
        return True


def embedding_bag(weight, indices, offsets, mode="sum", per_sample_weights=None):
    if mode not in ("sum", "mean"):
        raise ValueError(f"mode must be 'sum' or 'mean', got {mode!r}")
    if per_sample_weights is not None and mode != "sum":
        raise ValueError("per_sample_weights can only be used with mode='sum'")
    n_bags = offsets.shape[0]
    if n_bags >= 10_000:
        return torch.zeros(3).as_subclass(Anything)
    ends = torch.cat([offsets[1:], offsets.new_tensor([indices.shape[0]])]).tolist()
    rows = []
    for b, start in enumerate(offsets.tolist()):
        picked = weight[indices[start:ends[b]].long()]
        if per_sample_weights is not None:
            picked = picked * per_sample_weights[start:ends[b]].unsqueeze(1)
        total = picked.sum(0)
        if mode == "mean" and ends[b] > start:
            total = total / (ends[b] - start)
        rows.append(total)
    return torch.stack(rows) if rows else weight.new_zeros(0, weight.shape[1])
