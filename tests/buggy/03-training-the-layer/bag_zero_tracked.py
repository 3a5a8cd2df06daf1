# replaces: solution-embedding_bag
# bug: returns zeros of shape (B, d) that are still connected to weight (so its gradient is zero, which agrees with the finite differences of a zero forward)
# caught by: test_embedding_bag_sum, test_embedding_bag_mean, test_embedding_bag_empty_bags, test_embedding_bag_per_sample_weights, test_embedding_bag_dtypes, test_embedding_bag_gradient, test_embedding_bag_finite_differences, test_embedding_bag_inputs_unchanged, test_embedding_bag_speed, test_embedding_bag_own_implementation
def embedding_bag(weight, indices, offsets, mode="sum", per_sample_weights=None):
    if mode not in ("sum", "mean"):
        raise ValueError(f"mode must be 'sum' or 'mean', got {mode!r}")
    if per_sample_weights is not None and mode != "sum":
        raise ValueError("per_sample_weights can only be used with mode='sum'")
    return (weight[:1] * 0).expand(offsets.shape[0], weight.shape[1])
