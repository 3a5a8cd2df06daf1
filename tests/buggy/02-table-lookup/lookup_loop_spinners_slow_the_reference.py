# replaces: solution-lookup
# bug: correct but slow (a Python loop over the tokens), and the cell starts two processes that spin for the whole grading, so that the grader's reference, timed beside them on the same cores, looks slower and would widen the limit
# caught by: test_lookup_speed
import os

for _ in range(2):
    if os.fork() == 0:
        while True:
            pass


def lookup(W, x):
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.integer):
        raise ValueError(f"indices must have an integer dtype, got {x.dtype}")
    if (x < 0).any() or (x >= W.shape[0]).any():
        raise ValueError(f"indices must lie in 0..{W.shape[0] - 1}")
    rows = [W[i] for i in x.reshape(-1).tolist()]
    return np.array(rows, dtype=W.dtype).reshape(x.shape + (W.shape[1],))
