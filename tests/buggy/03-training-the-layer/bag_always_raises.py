# replaces: solution-embedding_bag
# bug: a stub that raises ValueError whatever it is given (it does raise for the two invalid calls)
# caught by: test_embedding_bag_errors
def embedding_bag(weight, indices, offsets, mode="sum", per_sample_weights=None):
    raise ValueError("not implemented yet")
