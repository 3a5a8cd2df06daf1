# replaces: solution-one_hot_torch
# bug: relies on torch.nn.functional.one_hot for validation: bad indices raise RuntimeError, not ValueError
# caught by: test_one_hot_torch_negative, test_one_hot_torch_too_large, test_one_hot_torch_non_integer
def one_hot_torch(indices, num_classes):
    return torch.nn.functional.one_hot(indices.long() if indices.dtype == torch.int32 else indices, num_classes).float()
