# replaces: solution-lookup_by_one_hot
# bug: assumes x is a 2-D (batch, seq) array: einsum "bsv,vd->bsd" fails for 1-D and 3-D indices
# caught by: test_lookup_by_one_hot_shapes, test_lookup_by_one_hot_empty
def lookup_by_one_hot(W, x):
    one_hot = np.eye(W.shape[0], dtype=W.dtype)[x]
    return np.einsum("bsv,vd->bsd", one_hot, W)
