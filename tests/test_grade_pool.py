"""`grade --jobs N`: a grading process that dies loses no other notebook's record.

The pool is driven with a stand-in for the grading function (spawned processes import
it from this module), so a process can be made to die on one notebook, at once."""
import os
import time

from autograder.cli import grade_in_pool
from autograder.results import GradeRecord, TestResult


def dies_on_killer(path, devices, limits, expected, expected_from, budget):
    """Stands in for grading.grade_file: the grading process dies (as if killed by the
    out-of-memory killer) on any notebook named 'killer'."""
    if "killer" in path:
        os._exit(9)
    time.sleep(0.3)   # still in flight when the other process dies
    return "digest-" + path, GradeRecord.graded(path, expected, [TestResult.outcome("a test", "task", 1.0, True)])


def test_a_dying_grading_process_loses_no_other_record():
    names = ["a.ipynb", "killer.ipynb", "b.ipynb", "c.ipynb", "d.ipynb", "e.ipynb"]
    items = [(i, (name, ["cpu"], None, "01-one-hot-encoding", "--exercise", 10.0)) for i, name in enumerate(names)]
    finished = {}

    def finish(i, result):
        assert i not in finished, f"{names[i]} finished twice"
        finished[i] = result

    grade_in_pool(items, 2, dies_on_killer, finish)
    assert set(finished) == set(range(len(names)))
    for i, name in enumerate(names):
        digest, record = finished[i]
        assert record.notebook == name
        if name == "killer.ipynb":
            assert digest is None and record.status == "error"
            assert "grading process died while grading this notebook" in record.messages[0]
            assert record.exercise == "01-one-hot-encoding"
        else:
            assert digest == "digest-" + name and record.status == "graded" and record.score == 1, record
