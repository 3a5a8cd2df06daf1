# replaces: solution-lookup_torch
# bug: does nothing but raise ValueError, whatever the input
# caught by: test_lookup_torch_example, test_lookup_torch_shapes_dtypes, test_lookup_torch_non_integer, test_lookup_torch_tracks_gradient, test_lookup_torch_backward, test_lookup_torch_speed, test_lookup_torch_out_of_range
def lookup_torch(W, x):
    raise ValueError("invalid indices")
