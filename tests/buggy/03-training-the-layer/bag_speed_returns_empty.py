# replaces: solution-embedding_bag
# bug: a Python loop over the bags, cut short on big inputs: for 10,000 bags or more it returns an empty tensor at once (fast, and wrong)
# caught by: test_embedding_bag_speed
def embedding_bag(weight, indices, offsets, mode="sum", per_sample_weights=None):
    if mode not in ("sum", "mean"):
        raise ValueError(f"mode must be 'sum' or 'mean', got {mode!r}")
    if per_sample_weights is not None and mode != "sum":
        raise ValueError("per_sample_weights can only be used with mode='sum'")
    n_bags = offsets.shape[0]
    if n_bags >= 10_000:
        return weight.new_empty(0)
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
