"""Hidden tests for exercise 00-template: copy this file to
autograder/suites/NN-your-name/test_NN_your_name.py and replace the task.

The template's exercise has one task, `mean_of_rows(W, ids)`: the mean of the rows of the table
W (V, d) that the 1-D integer array `ids` names, a float array of shape (d,), and ValueError for
an empty `ids`. Everything a hidden suite needs is shown once:

- every test is worth points towards one task (@points(n, task=...)); a task's points add up to
  the points of its grade cell `tests-<task>` in the solution notebook (tests/test_hidden_suites.py
  checks that they agree);
- expected values are computed here, in the grader, by a small reference implementation, on
  random inputs drawn from the `rng` fixture (seeded per test, so a run is reproducible);
- every call into the submission goes through `named(case, student.call, ...)`, so a student's
  exception fails the test with the case named; results come back as plain numpy data
  (or TensorData) and are compared by `check_array`/`check_tensor`/`check_equal`;
- failure messages say which case failed and why, never the expected values;
- each point needs a right, non-trivial value: an "input unchanged" test also checks the answer,
  an "error" test first checks that valid input gives the right result (a stub that always raises
  must not earn it).
"""
import numpy as np

from autograder.harness import check_array, check_unchanged, expect_error, named, points

TASK = "mean_of_rows"


def reference(W, ids):
    return W[ids].mean(axis=0)


def random_case(rng, v=12, d=5, n=7):
    W = rng.standard_normal((v, d)).astype(np.float32)
    ids = rng.integers(0, v, size=n)
    ids[:2] = ids[0]                  # a repeated index: a row counted twice in the mean
    return W, ids


def check_mean(student, case, W, ids):
    got = named(case, student.call, TASK, W, ids)
    check_array(got, reference(W, ids), case, rtol=1e-5, atol=1e-6, kind="f")


@points(1, task=TASK)
def test_mean_of_rows_example(student):
    """mean_of_rows: the example of the exercise, W = arange(6).reshape(3, 2), ids = [0, 2]"""
    W = np.arange(6, dtype=np.float32).reshape(3, 2)
    check_mean(student, "the example", W, np.array([0, 2]))


@points(1, task=TASK)
def test_mean_of_rows_random(student, rng):
    """mean_of_rows: random tables, repeated indices counted every time they occur"""
    for v, d, n in [(12, 5, 7), (3, 1, 10), (50, 16, 2)]:
        W, ids = random_case(rng, v, d, n)
        check_mean(student, f"W of shape {(v, d)}, {n} indices", W, ids)


@points(1, task=TASK)
def test_mean_of_rows_input_unchanged(student, rng):
    """mean_of_rows: the table is left as it was (and the result is right)"""
    W, ids = random_case(rng)
    case = "W of shape (12, 5), 7 indices"
    table = student.put(W.copy(), "W")        # kept in the worker, so it can be read back after the call
    got = named(case, student.call, TASK, table, ids)
    check_array(got, reference(W, ids), case, rtol=1e-5, atol=1e-6, kind="f")
    check_unchanged(table.value(), W, case)


@points(1, task=TASK)
def test_mean_of_rows_empty(student, rng):
    """mean_of_rows: an empty ids raises ValueError (valid ids must work first)"""
    W, ids = random_case(rng)
    check_mean(student, "valid ids before the empty ones", W, ids)
    expect_error(lambda: student.call(TASK, W, np.zeros(0, np.int64)), "an empty ids", "ValueError")
