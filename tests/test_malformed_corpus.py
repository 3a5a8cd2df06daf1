"""Malformed submissions get a clear, specific message and lose only what cannot be graded.

Built from the chapter-1 solution (39 points) and graded in one batch. Whatever the file
holds (wrong types anywhere the grader looks, JSON nested too deeply or too big to parse
within bounded memory), the result is a record with a message, never a grader error."""
import json
from pathlib import Path

import pytest

from conftest import load_json, run_grader, solution

pytestmark = pytest.mark.slow

BASE = "01-one-hot-encoding"


def cells_of(nb):
    return nb["cells"]


def grade_id(cell):
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")


def variant(transform):
    def make(d: Path, name: str):
        nb = json.loads(solution(BASE).read_text())
        result = transform(nb)
        data = result if isinstance(result, bytes) else json.dumps(nb if result is None else result).encode()
        (d / f"{name}.ipynb").write_bytes(data)
    return make


def replace_source(gid, source):
    def t(nb):
        for c in nb["cells"]:
            if grade_id(c) == gid:
                c["source"] = source
    return t


def huge_outputs(nb):
    blob = "x" * (1 << 20)
    nb["cells"][1]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": blob} for _ in range(60)]


def raw(data: bytes):
    """A file with exactly these bytes."""
    def make(d: Path, name: str):
        (d / f"{name}.ipynb").write_bytes(data)
    return make


def first_grade_cell(nb, **fields):
    for c in nb["cells"]:
        if grade_id(c).startswith("tests-"):
            c["metadata"]["nbgrader"].update(fields)
            return


def sparse(size: int):
    """A file of `size` bytes that takes no disk (the size check must refuse it unread)."""
    def make(d: Path, name: str):
        with open(d / f"{name}.ipynb", "wb") as f:
            f.truncate(size)
    return make


EMPTY = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}}
DEEP = 200_000
# Wrong types where the grader reads the notebook, and JSON built to exhaust the parser.
MALFORMED = {
    "exercise-a-list": (variant(lambda nb: nb["metadata"]["course"].update(exercise=["01-one-hot-encoding"])),
                        "error", "course.exercise is a list, not text", None),
    "course-a-string": (variant(lambda nb: nb["metadata"].update(course="01-one-hot-encoding")),
                        "error", "field course is text, not an object", None),
    "metadata-a-list": (variant(lambda nb: nb.update(metadata=[])), "error", "metadata is a list", None),
    "nbformat-a-list": (variant(lambda nb: nb.update(nbformat=[4])), "error", "format version a list", None),
    "cell-a-number": (variant(lambda nb: nb["cells"].insert(3, 7)), "error", "cell 3 is a number", None),
    "source-a-number": (variant(lambda nb: nb["cells"][1].update(source=12)), "error", "cell 1's source is a number", None),
    "source-line-a-list": (variant(lambda nb: nb["cells"][1].update(source=["x = 1\n", ["y"]])),
                           "error", "a line of cell 1's source is a list", None),
    "cell-metadata-text": (variant(lambda nb: nb["cells"][1].update(metadata="nbgrader")),
                           "error", "cell 1's metadata is text", None),
    "grade-flag-text": (variant(lambda nb: first_grade_cell(nb, grade="yes")),
                        "error", "nbgrader.grade is text, not true or false", None),
    "grade-id-a-list": (variant(lambda nb: first_grade_cell(nb, grade_id=["tests-one_hot"])),
                        "error", "nbgrader.grade_id is a list", None),
    "points-an-object": (variant(lambda nb: first_grade_cell(nb, points={"n": 7})),
                         "error", "nbgrader.points is an object, not a number", None),
    "deeply-nested": (raw(b'{"cells": [], "metadata": {"x": ' + b"[" * DEEP + b"]" * DEEP + b"}}"),
                      "error", "nested too deeply", None),
    "deep-list": (raw(b"[" * DEEP + b"]" * DEEP), "error", "nested too deeply", None),
    # 3 million empty objects: 9 MB that would take ~230 MB to parse; refused after counting
    "many-empty-objects": (raw(json.dumps(EMPTY)[:-1].encode() + b', "x": [' + b"{}," * 3_000_000 + b"{}]}"),
                           "error", "JSON brackets, commas and colons", None),
    "huge-integer": (raw(json.dumps(EMPTY)[:-1].encode() + b', "cells": [], "x": ' + b"9" * 5000 + b"}"),
                     "error", "JSON cannot be read", None),
    "over-the-size-limit": (sparse(101 << 20), "error", "over the 100 MB limit", None),
    "lone-surrogates": (variant(lambda nb: nb["cells"].append(
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
         "source": "note = '\ud800 \udfff'  # lone surrogates in the code itself\n"})), "graded", "", set()),
}


# name: (how to make it, expected status, text in its messages or in the affected tests' outputs,
#        tasks that must score 0 — every other task keeps full marks)
CORPUS = {
    "not-json": (lambda d, n: (d / f"{n}.ipynb").write_text('{"cells": ['), "error", "not valid JSON", None),
    "truncated": (variant(lambda nb: json.dumps(nb).encode()[:5000]), "error", "may be truncated", None),
    "empty-file": (lambda d, n: (d / f"{n}.ipynb").write_bytes(b""), "error", "is empty", None),
    "not-utf8": (lambda d, n: (d / f"{n}.ipynb").write_bytes(b'{"cells": [], "nbformat": 4, "x": "\xff"}'),
                 "error", "not UTF-8", None),
    "nbformat-3": (lambda d, n: (d / f"{n}.ipynb").write_text(json.dumps({"nbformat": 3, "worksheets": []})),
                   "error", "format version 3", None),
    "not-a-notebook": (lambda d, n: (d / f"{n}.ipynb").write_text("[1, 2, 3]"), "error", "not a Jupyter notebook", None),
    "unknown-exercise": (lambda d, n: (d / f"{n}.ipynb").write_text(
        json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": []})),
        "error", "cannot tell which exercise", None),
    "renamed-function": (variant(replace_source("solution-one_hot", "def one_hot_v2(indices, num_classes):\n    return None")),
                         "graded", "defines no function or class named `one_hot`", {"one_hot"}),
    "wrong-signature": (variant(replace_source("solution-pad_sequences", "def pad_sequences(sequences):\n    return None")),
                        "graded", "TypeError", {"pad_sequences"}),
    "deleted-solution-cell": (variant(lambda nb: {**nb, "cells": [c for c in nb["cells"]
                                                                    if grade_id(c) != "solution-build_vocab"]}),
                              "graded", "defines no function or class named `build_vocab`", {"build_vocab"}),
    "duplicated-cells": (variant(lambda nb: {**nb, "cells": nb["cells"] + nb["cells"]}), "graded", "", set()),
    "cells-out-of-order": (variant(lambda nb: {**nb, "cells": nb["cells"][::-1]}), "graded", "", set()),
    "edited-grade-cells": (variant(lambda nb: [c.update(source="print('31 / 31 passed')") for c in nb["cells"]
                                                if grade_id(c).startswith("tests-")] and nb), "graded", "", set()),
    "deleted-grade-cells": (variant(lambda nb: {**nb, "cells": [c for c in nb["cells"]
                                                                  if not grade_id(c).startswith("tests-")]}),
                            "graded", "", set()),
    "huge-outputs": (variant(huge_outputs), "graded", "", set()),
    "metadata-stripped": (variant(lambda nb: {**nb, "metadata": {}, "cells": [{**c, "metadata": {}} for c in nb["cells"]]}),
                          "graded", "", set()),
}


CORPUS.update(MALFORMED)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    d = tmp_path_factory.mktemp("malformed")
    for name, (make, *_rest) in CORPUS.items():
        make(d, name)
    # without metadata or grade cells, the file name tells the exercise
    (d / "metadata-stripped.ipynb").rename(d / f"{BASE}-metadata-stripped.ipynb")
    done = run_grader("grade", d, "--device", "cpu", "--jobs", "2", "--json", d / "out.json")
    records = {Path(r["notebook"]).stem.removeprefix(f"{BASE}-"): r for r in load_json(d / "out.json")}
    return done, records


def test_malformed_files_never_reach_an_internal_error(graded):
    done, records = graded
    assert "Traceback" not in done.stderr and "internal grader error" not in done.stdout, done.stderr[-3000:]
    for name, record in records.items():
        assert record["messages"] or record["status"] == "graded", name
        assert not any("internal grader error" in m for m in record["messages"]), (name, record["messages"])


def test_the_batch_finishes_and_says_not_everything_was_graded(graded):
    done, records = graded
    assert set(records) == set(CORPUS)
    assert done.returncode == 1 and "not graded" in done.stdout


@pytest.mark.parametrize("name", CORPUS)
def test_clear_message_and_only_what_cannot_be_graded_is_lost(graded, name):
    _, status, text, zero = CORPUS[name]
    record = graded[1][name]
    assert record["status"] == status, record["messages"]
    if status == "error":
        assert record["score"] == 0 and text in record["messages"][0]
        return
    for test in record["tests"]:
        if test["task"] in zero:
            assert test["score"] == 0 and text in test["output"], test
        else:
            assert test["score"] == test["max_score"], (name, test)
    assert record["max_score"] == 39
