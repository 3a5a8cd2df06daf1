# replaces: solution-mean_of_rows
# bug: averages each row's entries (axis=1) instead of averaging the rows
# caught by: test_mean_of_rows_example, test_mean_of_rows_random, test_mean_of_rows_input_unchanged, test_mean_of_rows_empty
def mean_of_rows(W, ids):
    if len(ids) == 0:
        raise ValueError("ids is empty")
    return W[ids].mean(axis=1)
