# replaces: solution-embedding_bag
# bug: mean divides by the number of bags B instead of each bag's length
# caught by: test_embedding_bag_mean, test_embedding_bag_empty_bags, test_embedding_bag_dtypes, test_embedding_bag_gradient, test_embedding_bag_inputs_unchanged
def embedding_bag(weight, indices, offsets, mode="sum", per_sample_weights=None):
    if mode not in ("sum", "mean"):
        raise ValueError(f"mode must be 'sum' or 'mean', got {mode!r}")
    if per_sample_weights is not None and mode != "sum":
        raise ValueError("per_sample_weights can only be used with mode='sum'")
    n_bags = offsets.shape[0]
    ends = torch.cat([offsets[1:], offsets.new_tensor([indices.shape[0]])])
    lengths = (ends - offsets).long()
    bag_of_token = torch.repeat_interleave(torch.arange(n_bags, device=weight.device), lengths)
    rows = weight[indices.long()]
    if per_sample_weights is not None:
        rows = rows * per_sample_weights.unsqueeze(1)
    out = weight.new_zeros(n_bags, weight.shape[1]).index_add(0, bag_of_token, rows)
    if mode == "mean":
        out = out / max(n_bags, 1)
    return out
