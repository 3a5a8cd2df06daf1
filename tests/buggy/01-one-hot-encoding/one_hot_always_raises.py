# replaces: solution-one_hot
# bug: does nothing but raise ValueError, whatever the input
# caught by: test_one_hot_example, test_one_hot_shapes, test_one_hot_empty, test_one_hot_dtypes_and_extremes, test_one_hot_negative, test_one_hot_too_large, test_one_hot_non_integer, test_one_hot_input_unchanged
def one_hot(indices, num_classes):
    raise ValueError("invalid indices")
