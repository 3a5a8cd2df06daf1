# replaces: solution-embedding_bag
# bug: correct and differentiable, but a Python loop over the bags
# caught by: test_embedding_bag_speed
def embedding_bag(weight, indices, offsets, mode="sum", per_sample_weights=None):
    if mode not in ("sum", "mean"):
        raise ValueError(f"mode must be 'sum' or 'mean', got {mode!r}")
    if per_sample_weights is not None and mode != "sum":
        raise ValueError("per_sample_weights can only be used with mode='sum'")
    n_bags = offsets.shape[0]
    return _loop(weight, indices, offsets, mode, per_sample_weights)
    ends = torch.cat([offsets[1:], offsets.new_tensor([indices.shape[0]])])
    lengths = (ends - offsets).long()
    bag_of_token = torch.repeat_interleave(torch.arange(n_bags, device=weight.device), lengths)
    rows = weight[indices.long()]
    if per_sample_weights is not None:
        rows = rows * per_sample_weights.unsqueeze(1)
    out = weight.new_zeros(n_bags, weight.shape[1]).index_add(0, bag_of_token, rows)
    if mode == "mean":
        out = out / lengths.clamp(min=1).unsqueeze(1).to(weight.dtype)
    return out


def _loop(weight, indices, offsets, mode, per_sample_weights):
    bounds = offsets.tolist() + [indices.shape[0]]
    out = []
    for b in range(len(offsets)):
        rows = weight[indices[bounds[b]:bounds[b + 1]].long()]
        if per_sample_weights is not None:
            rows = rows * per_sample_weights[bounds[b]:bounds[b + 1]].unsqueeze(1)
        total = rows.sum(0)
        out.append(total / max(len(rows), 1) if mode == "mean" else total)
    return torch.stack(out) if out else weight.new_zeros(0, weight.shape[1])
