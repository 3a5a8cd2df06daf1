# replaces: solution-embedding_bag
# bug: calls torch's own F.embedding_bag instead of implementing it
# caught by: test_embedding_bag_own_implementation
def embedding_bag(weight, indices, offsets, mode="sum", per_sample_weights=None):
    if mode not in ("sum", "mean"):
        raise ValueError(f"mode must be 'sum' or 'mean', got {mode!r}")
    if per_sample_weights is not None and mode != "sum":
        raise ValueError("per_sample_weights can only be used with mode='sum'")
    return torch.nn.functional.embedding_bag(indices, weight, offsets, mode=mode,
                                             per_sample_weights=per_sample_weights)
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
