# replaces: solution-embedding_bag
# bug: a Python loop over the bags whose results are cached by the inputs' contents: a repeated call with the same inputs (a second timed attempt) returns the cached result at once
# caught by: test_embedding_bag_speed
_cache = {}


def embedding_bag(weight, indices, offsets, mode="sum", per_sample_weights=None):
    if mode not in ("sum", "mean"):
        raise ValueError(f"mode must be 'sum' or 'mean', got {mode!r}")
    if per_sample_weights is not None and mode != "sum":
        raise ValueError("per_sample_weights can only be used with mode='sum'")
    key = None
    if per_sample_weights is None and not weight.requires_grad:
        key = (hash(weight.detach().cpu().numpy().tobytes()), hash(indices.cpu().numpy().tobytes()),
               hash(offsets.cpu().numpy().tobytes()), tuple(weight.shape), mode)
        if key in _cache:
            return _cache[key].clone()
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
    out = torch.stack(rows) if rows else weight.new_zeros(0, weight.shape[1])
    if key is not None:
        _cache[key] = out.clone()
    return out
