# replaces: solution-one_hot_torch
# bug: does nothing but raise ValueError, whatever the input
# caught by: test_one_hot_torch_values, test_one_hot_torch_shapes, test_one_hot_torch_non_integer, test_one_hot_torch_input_unchanged, test_one_hot_torch_negative, test_one_hot_torch_too_large
def one_hot_torch(indices, num_classes):
    raise ValueError("invalid indices")
