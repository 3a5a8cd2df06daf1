# replaces: solution-embedding_bag
# bug: calls torch's own F.embedding_bag and hides it behind a .clone(), so the result's grad_fn is CloneBackward0
# caught by: test_embedding_bag_own_implementation
def embedding_bag(weight, indices, offsets, mode="sum", per_sample_weights=None):
    if mode not in ("sum", "mean"):
        raise ValueError(f"mode must be 'sum' or 'mean', got {mode!r}")
    if per_sample_weights is not None and mode != "sum":
        raise ValueError("per_sample_weights can only be used with mode='sum'")
    return torch.nn.functional.embedding_bag(indices.long(), weight, offsets.long(), mode=mode,
                                             per_sample_weights=per_sample_weights).clone()
