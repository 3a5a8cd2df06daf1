"""Grade records (autograder/results.py): built valid or not at all, written as the
command line's JSON, Gradescope's results.json and nbgrader's grade cells.

Records are built in memory by the small factories below; one comes from the grader
itself, for a malformed notebook (it never reaches the sandbox)."""
import dataclasses
import json
import math
import os
import pickle

import pytest

from autograder.gradescope import validate_results
from autograder.results import VISIBILITIES, BadRecord, GradeRecord, TestResult

EXERCISE = "02-table-lookup"
UNSAFE = "\x1b[2J\rA\u202eB\ud800\x08"   # clears the screen, overwrites, reorders, a lone surrogate, backspace


def a_test(name="lookup returns rows", task="lookup", points=2.0, passed=True, failure="wrong rows") -> TestResult:
    return TestResult.outcome(name, task, points, passed, failure)


def a_record(tests=None, **fields) -> GradeRecord:
    """A graded record: by default two tasks, 3 of 7 points."""
    if tests is None:
        tests = [a_test("rows", "lookup", 2.0, True), a_test("shape", "lookup", 1.0, False, "shape (3,) not (3, 4)"),
                 a_test("grad", "train", 3.0, False, "no gradient"), a_test("speed", "train", 1.0, True)]
    return GradeRecord.graded(fields.pop("path", "subs/alice.ipynb"), fields.pop("exercise", EXERCISE), tests,
                              **fields)


def round_trip(record: GradeRecord) -> GradeRecord:
    return GradeRecord.from_json(json.loads(json.dumps(record.to_json(), ensure_ascii=True)))


# ---------------------------------------------------------------- the command line's records

def test_json_has_the_documented_fields_and_round_trips():
    record = a_record(claims="01-one-hot-encoding", messages=["a note"])
    data = record.to_json()
    assert list(data) == ["notebook", "exercise", "claims", "score", "max_score", "tests", "status", "messages",
                          "budget_exhausted", "student", "seconds", "fingerprints"]
    assert all(set(t) == {"name", "score", "max_score", "output", "task"} for t in data["tests"])
    assert data["score"] == 3 and data["max_score"] == 7 and data["status"] == "graded"
    assert data["tests"][0]["output"] == "passed" and data["tests"][1]["output"] == "shape (3,) not (3, 4)"
    assert round_trip(record) == record and round_trip(round_trip(record)).to_json() == data


def test_student_seconds_and_fingerprints_round_trip_and_are_checked():
    record = a_record().with_details(student="alice", seconds=2.5, fingerprints={"train": "ab" * 8, "lookup": "cd" * 8})
    assert record.fingerprints == (("lookup", "cd" * 8), ("train", "ab" * 8))
    assert round_trip(record) == record and round_trip(record).to_json()["fingerprints"] == {"lookup": "cd" * 8,
                                                                                          "train": "ab" * 8}
    older = a_record().to_json()
    for key in ("student", "seconds", "fingerprints"):
        del older[key]
    assert GradeRecord.from_json(older) == a_record()          # files written before these fields existed
    for bad in ({"seconds": -1}, {"seconds": math.nan}, {"student": 3}, {"fingerprints": [["t"]]},
                {"fingerprints": {"t": "x" * 65}}, {"fingerprints": {f"t{i}": "ab" for i in range(101)}}):
        with pytest.raises(BadRecord):
            GradeRecord.from_json({**a_record().to_json(), **bad})
    assert GradeRecord.from_json({**a_record().to_json(), "student": "a\x1b[2Jb"}).student == "a\\x1b[2Jb"
    with pytest.raises(TypeError):
        a_record().with_details(score=3)


def test_scores_are_the_tests_sums():
    record = a_record([a_test(points=0.1), a_test(points=0.2), a_test(points=0.3, passed=False)])
    assert record.score == 0.3 and record.max_score == 0.6   # rounded, not 0.30000000000000004
    assert [t.name for t in record.lost] == ["lookup returns rows"] and len(record.lost) == 1
    assert GradeRecord.graded("a.ipynb", EXERCISE, []).score == 0


@pytest.mark.parametrize("score, max_score", [
    (math.nan, 1.0), (1.0, math.nan), (math.inf, math.inf), (-math.inf, 1.0), (-0.5, 1.0), (2.0, 1.0),
    (1.0, -1.0), ("1", 2.0), (True, 1.0), (None, 1.0), (10 ** 400, 10 ** 400)])
def test_impossible_scores_are_refused(score, max_score):
    with pytest.raises(BadRecord):
        TestResult("a test", "task", score, max_score, "output")


def test_zero_point_tests_and_ints_are_fine():
    t = TestResult("a test", "task", 0, 0, "passed")
    assert (t.score, t.max_score) == (0.0, 0.0) and type(t.score) is float and t.passed


def test_unsafe_text_is_made_safe_wherever_it_enters():
    record = GradeRecord.graded(os.fsdecode(b"subs/\xff" + UNSAFE.encode("utf-8", "surrogatepass")[:4] + b".ipynb"),
                                EXERCISE, [a_test(UNSAFE, UNSAFE, 1.0, False, UNSAFE + "\nsecond line")],
                                claims="01\n-one-hot", messages=[UNSAFE])
    t = record.tests[0]
    assert "\\xff" in record.notebook and "\\x1b" in record.notebook
    assert t.name == t.task == "\\x1b[2J\\rA\\u202eB\ufffd\\x08"
    assert t.output == t.name + "\nsecond line" and record.messages == (t.name,)   # text keeps its lines
    assert record.claims == "01\\n-one-hot"   # a one-line field does not
    json.dumps(record.to_json(), ensure_ascii=False).encode("utf-8")   # no lone surrogate left
    # A stored record someone edited is made safe as it is read back, like a new one.
    tampered = {**record.to_json(), "messages": [UNSAFE], "notebook": UNSAFE}
    back = GradeRecord.from_json(tampered)
    assert back.messages == record.messages and "\x1b" not in back.notebook


def test_long_text_is_cut_once():
    record = a_record([a_test(passed=False, failure="x" * 10_000)], messages=["m" * 10_000])
    assert len(record.tests[0].output) < 4100 and record.tests[0].output.endswith("[... cut]")
    assert round_trip(record) == record


DAMAGE = {
    "a field missing": lambda d: d.pop("budget_exhausted"),
    "an unknown field": lambda d: d.update(grade="A"),
    "a score not the tests' sum": lambda d: d.update(score=d["score"] + 1),
    "a max_score not a number": lambda d: d.update(max_score=float("nan")),
    "a negative test score": lambda d: d["tests"][0].update(score=-1.0),
    "a test score over its max": lambda d: d["tests"][0].update(score=5.0),
    "a test without its task": lambda d: d["tests"][0].pop("task"),
    "a test not an object": lambda d: d["tests"].append("passed"),
    "an unknown status": lambda d: d.update(status="maybe"),
    "not graded, with test results": lambda d: d.update(status="error"),
    "messages a string": lambda d: d.update(messages="one message"),
    "a message not text": lambda d: d.update(messages=[1]),
    "no notebook": lambda d: d.update(notebook=None),
    "an exercise not text": lambda d: d.update(exercise=["02-table-lookup"]),
    "budget_exhausted not a bool": lambda d: d.update(budget_exhausted="yes"),
    "tests an object": lambda d: d.update(tests={}),
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_anything_but_a_record_is_refused_when_read_back(damage):
    data = a_record().to_json()
    DAMAGE[damage](data)
    with pytest.raises(BadRecord):
        GradeRecord.from_json(data)


@pytest.mark.parametrize("data", [None, [], "record", 3])
def test_non_objects_are_refused(data):
    with pytest.raises(BadRecord):
        GradeRecord.from_json(data)


def test_records_are_immutable_and_cross_processes():
    record = a_record(messages=["first"])
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.status = "error"
    more = record.with_messages(before=["zeroth"], after=["last"])
    assert more.messages == ("zeroth", "first", "last") and record.messages == ("first",)
    assert record.renamed("other.ipynb").notebook == "other.ipynb" and record.notebook == "subs/alice.ipynb"
    assert pickle.loads(pickle.dumps(record)) == record


def test_budget_exhausted_is_kept_everywhere():
    record = a_record(budget_exhausted=True, messages=["the time budget of 6 s ... ran out"])
    assert record.to_json()["budget_exhausted"] is True and round_trip(record).budget_exhausted
    assert record.to_gradescope()["extra_data"]["budget_exhausted"] is True
    assert a_record().budget_exhausted is False


# ---------------------------------------------------------------- a submission that could not be graded

def test_a_malformed_notebook_gets_an_error_record(tmp_path):
    from autograder.grading import grade_notebook
    path = tmp_path / f"{EXERCISE}.ipynb"
    path.write_bytes(b'{"cells": [')
    record = grade_notebook(path, ["cpu"], expected=EXERCISE)
    assert record.status == "error" and record.exercise == EXERCISE and not record.tests
    assert record.score == record.max_score == 0 and "not valid JSON" in record.messages[0]
    assert round_trip(record) == record
    results = record.to_gradescope()
    assert validate_results(results) == [] and results["score"] == 0 and results["tests"] == []
    assert "not valid JSON" in results["output"] and results["extra_data"]["status"] == "error"
    text, points = record.to_nbgrader("lookup", 2.0)
    assert points == 0 and "No hidden tests ran" in text and "not valid JSON" in text


def test_error_records_take_any_message():
    record = GradeRecord.error("a.ipynb", ValueError("grader bug \ud800"), EXERCISE)
    assert record.messages == ("grader bug \ufffd",) and record.status == "error"
    with pytest.raises(BadRecord):
        dataclasses.replace(record, tests=(a_test(),))


# ---------------------------------------------------------------- Gradescope

def test_gradescope_results_follow_the_schema():
    record = a_record(claims="01-one-hot-encoding", messages=["this notebook names the exercise 01-..."])
    results = record.to_gradescope("hidden")
    assert validate_results(results) == []
    assert {"score", "output", "visibility", "stdout_visibility", "tests", "extra_data"} == set(results)
    assert isinstance(results["score"], float) and results["score"] == sum(t["score"] for t in results["tests"]) == 3
    assert results["visibility"] == "visible" and results["stdout_visibility"] == "hidden"
    for test, ours in zip(results["tests"], record.tests):
        assert set(test) == {"name", "score", "max_score", "output", "visibility"}
        assert isinstance(test["name"], str) and isinstance(test["output"], str)
        assert type(test["score"]) is type(test["max_score"]) is float and test["visibility"] == "hidden"
        assert (test["name"], test["score"], test["output"]) == (ours.name, ours.score, ours.output)
    assert results["output"].splitlines() == [f"{EXERCISE}: 3 / 7", "! this notebook names the exercise 01-..."]
    assert results["extra_data"] == {"notebook": "subs/alice.ipynb", "exercise": EXERCISE,
                                     "claims": "01-one-hot-encoding", "status": "graded", "max_score": 7.0,
                                     "budget_exhausted": False, "student": None}
    json.dumps(results, ensure_ascii=False).encode("utf-8")


def test_before_the_due_date_the_summary_names_the_failed_checks_not_why():
    """Tests shown after the due date: the always-visible summary names each check not passed, with
    its task and points, and none of the reasons (those are the tests' outputs, shown later)."""
    results = a_record().to_gradescope("after_due_date")
    assert {t["visibility"] for t in results["tests"]} == {"after_due_date"}
    assert results["visibility"] == "visible"
    assert results["output"].splitlines() == [
        f"{EXERCISE}: 3 / 7",
        "Checks not passed (2 of 4; why each failed is shown after the due date):",
        "  \u2717 [lookup] shape (0/1)",
        "  \u2717 [train] grad (0/3)"]
    assert "no gradient" not in results["output"] and "shape (3,)" not in results["output"]
    full = a_record([a_test("rows", "lookup", 2.0, True)]).to_gradescope("after_due_date")
    assert full["output"].splitlines()[1:] == ["Every check passed (1 of 1)."]
    for visibility in ("visible", "hidden"):       # visible: the tests say it; hidden: the score alone
        assert "Checks not passed" not in a_record().to_gradescope(visibility)["output"]


@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_every_gradescope_visibility(visibility):
    assert validate_results(a_record().to_gradescope(visibility)) == []


def test_an_unknown_visibility_is_refused():
    with pytest.raises(ValueError):
        a_record().to_gradescope("sometimes")


def test_unsafe_text_stays_safe_in_gradescope_results():
    results = a_record([a_test(UNSAFE, passed=False, failure=UNSAFE)], messages=[UNSAFE]).to_gradescope()
    text = json.dumps(results, ensure_ascii=False)
    assert "\x1b" not in text and "\u202e" not in text and "\\\\x1b" in text
    text.encode("utf-8")


# ---------------------------------------------------------------- nbgrader

def test_nbgrader_cells_get_their_tasks_points_and_feedback():
    record = a_record(messages=["graded as 02-table-lookup"])
    text, points = record.to_nbgrader("lookup", 3.0)
    assert points == 2.0 and type(points) is float
    assert text.splitlines() == ["✓ rows (2/2)", "✗ shape (0/1): shape (3,) not (3, 4)", "! graded as 02-table-lookup"]
    assert record.to_nbgrader("train", 8.0).score == 2.0    # scaled to the cell's points: 1 of 4 earned
    assert record.to_nbgrader("missing", 5.0) == ("No hidden tests ran for this cell.\n! graded as 02-table-lookup\n",
                                                  0.0)


@pytest.mark.parametrize("cell_points", [0.0, -3.0, math.nan, math.inf])
def test_nbgrader_points_stay_within_the_cell(cell_points):
    assert a_record().to_nbgrader("lookup", cell_points).score == 0.0


def test_a_placeholder_still_in_place_is_called_not_implemented_yet():
    from autograder.sandbox import StudentRaised
    placeholder = StudentRaised({"type": "NotImplementedError", "mro": ["NotImplementedError", "RuntimeError"],
                                 "message": "", "where": ["<cell 3>, line 13, in lookup"]}, "lookup()")
    assert str(placeholder).startswith("lookup() is not implemented yet")
    assert "raised NotImplementedError:" not in str(placeholder)
    other = StudentRaised({"type": "ValueError", "mro": ["ValueError", "Exception"], "message": "bad index"}, "lookup()")
    assert str(other) == "lookup() raised ValueError: bad index"
