# replaces: solution-lookup
# bug: does nothing but raise ValueError, whatever the input
# caught by: test_lookup_example, test_lookup_shapes, test_lookup_empty, test_lookup_dtypes, test_lookup_negative, test_lookup_too_large, test_lookup_non_integer, test_lookup_inputs_unchanged, test_lookup_speed
def lookup(W, x):
    raise ValueError("invalid indices")
