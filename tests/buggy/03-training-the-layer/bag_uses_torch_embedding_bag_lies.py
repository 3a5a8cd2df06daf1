# replaces: solution-embedding_bag
# bug: calls torch's own F.embedding_bag, and the cell patches the grader's worker so that no result reports torch's EmbeddingBag as its grad_fn
# caught by: test_embedding_bag_own_implementation
from inside import worker

_real_hook = worker.tensor_hook


def _lying_hook(value, buffers):
    encoded = _real_hook(value, buffers)
    if isinstance(encoded, dict) and "tensor" in encoded and str(encoded["tensor"].get("grad_fn")).startswith("EmbeddingBag"):
        encoded["tensor"]["grad_fn"] = "IndexAddBackward0"
    return encoded


worker.tensor_hook = _lying_hook


def embedding_bag(weight, indices, offsets, mode="sum", per_sample_weights=None):
    if mode not in ("sum", "mean"):
        raise ValueError(f"mode must be 'sum' or 'mean', got {mode!r}")
    if per_sample_weights is not None and mode != "sum":
        raise ValueError("per_sample_weights can only be used with mode='sum'")
    return torch.nn.functional.embedding_bag(indices.long(), weight, offsets.long(), mode=mode,
                                             per_sample_weights=per_sample_weights)
