"""The hidden suites (autograder/suites/<exercise>/) checked against known notebooks:

(a) each solution notebook scores full marks;
(b) the solution with every solution region stripped, as nbgrader releases it, scores 0;
(c) each deliberately wrong cell in tests/buggy/<exercise>/<bug>.py loses points, only in
    tests of its own task, and at least in the tests its header names;
(d) each grade cell's points equal the points of the hidden tests of its task.

A bug file replaces one solution cell and starts with a header:

    # replaces: solution-<task>          the grade_id of the cell it replaces
    # bug: <what is wrong>
    # caught by: test_a, test_b           hidden tests that must fail (function names)
    # needs: cuda                         optional: only catchable on these devices

Every notebook is graded once, in parallel (each grading starts a sandboxed worker
and runs the suite), and the records are shared by the tests below.
"""
from __future__ import annotations

import ast
import copy
import json
import multiprocessing
import re
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from autograder.exercises import discover
from autograder.grading import grade_notebook, resolve_devices

REPO = Path(__file__).resolve().parents[1]


SOLUTIONS = REPO / "solutions"
SUITES = REPO / "autograder" / "suites"
BUGGY = Path(__file__).resolve().parent / "buggy"


def solution_path(exercise: str) -> Path:
    return SOLUTIONS / exercise / f"{exercise}.ipynb"


EXERCISES = discover(REPO)


# ---------------------------------------------------------------- bug files


@dataclass(frozen=True)
class Bug:
    exercise: str
    name: str
    path: Path
    replaces: str
    description: str
    caught_by: tuple[str, ...]
    needs: tuple[str, ...]

    @property
    def task(self) -> str:
        return self.replaces.removeprefix("solution-")

    @property
    def id(self) -> str:
        return f"{self.exercise}/{self.name}"


def parse_bug(path: Path) -> Bug:
    header = {}
    for line in path.read_text().splitlines():
        if not line.startswith("#"):
            break
        key, sep, value = line[1:].partition(":")
        if sep:
            header[key.strip()] = value.strip()

    def names(key):
        return tuple(n.strip() for n in header.get(key, "").split(",") if n.strip())

    return Bug(path.parent.name, path.stem, path, header.get("replaces", ""), header.get("bug", ""),
               names("caught by"), names("needs"))


BUGS = [parse_bug(p) for ex in EXERCISES for p in sorted((BUGGY / ex).glob("*.py"))]


# ---------------------------------------------------------------- notebooks


def cell_source(cell) -> str:
    src = cell["source"]
    return "".join(src) if isinstance(src, list) else src


def nbgrader(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def load(exercise: str) -> dict:
    return json.loads(solution_path(exercise).read_text())


def with_cell(nb: dict, grade_id: str, source: str) -> dict | None:
    """A copy of `nb` whose cell `grade_id` holds `source`; None if there is no such cell."""
    nb = copy.deepcopy(nb)
    cells = [c for c in nb["cells"] if nbgrader(c).get("grade_id") == grade_id]
    if len(cells) != 1:
        return None
    cells[0]["source"] = source
    return nb


SOLUTION_REGION = re.compile(r"^([ \t]*)### BEGIN SOLUTION[^\n]*\n.*?^[ \t]*### END SOLUTION[^\n]*$",
                             re.MULTILINE | re.DOTALL)


def strip_solutions(nb: dict) -> dict:
    """What nbgrader's ClearSolutions does to code cells."""
    nb = copy.deepcopy(nb)
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["source"] = SOLUTION_REGION.sub(
                lambda m: f"{m[1]}# YOUR CODE HERE\n{m[1]}raise NotImplementedError()", cell_source(cell))
    return nb


def hidden_test_names(exercise: str) -> dict[str, str]:
    """Hidden test function name -> the name its grade record shows (the docstring's first line)."""
    out = {}
    for path in sorted((SUITES / exercise).glob("test_*.py")):
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                doc = (ast.get_docstring(node) or "").strip().splitlines()
                out[node.name] = doc[0].strip() if doc else node.name.replace("_", " ").removeprefix("test ")
    return out


# ---------------------------------------------------------------- grading, once, in parallel


DEVICES = resolve_devices("auto")


def catchable(bug: Bug) -> bool:
    return set(bug.needs) <= set(DEVICES)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """(kind, exercise[, bug]) -> grade record, for every notebook the tests below look at."""
    root = tmp_path_factory.mktemp("notebooks")
    jobs = {}

    def write(name, nb):
        path = root / name
        path.write_text(json.dumps(nb))
        return path

    for ex in EXERCISES:
        jobs[("solution", ex)] = solution_path(ex)
        jobs[("stripped", ex)] = write(f"{ex}-stripped.ipynb", strip_solutions(load(ex)))
    for bug in BUGS:
        nb = with_cell(load(bug.exercise), bug.replaces, bug.path.read_text())
        if nb is not None and catchable(bug):
            jobs[("bug", bug.exercise, bug.name)] = write(f"{bug.exercise}-{bug.name}.ipynb", nb)
    # Each grading spawns its own sandboxed worker; two at a time fill two cores.
    with ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = {key: pool.submit(grade_notebook, str(path), DEVICES) for key, path in jobs.items()}
        return {key: future.result().to_json() for key, future in futures.items()}


def lost(record) -> list[dict]:
    return [t for t in record["tests"] if t["score"] < t["max_score"]]


def show(tests) -> str:
    return "\n".join(f"  [{t['task']}] {t['name']}: {t['output']}" for t in tests)


# ---------------------------------------------------------------- (a), (b), (d)


def test_every_suite_has_a_solution():
    assert EXERCISES, "no exercise has both a hidden suite and a solution notebook"
    for suite in SUITES.iterdir():
        if suite.is_dir() and not suite.name.startswith(("_", ".")):
            assert suite.name in EXERCISES, f"suite {suite.name} has no solution notebook {solution_path(suite.name)}"


@pytest.mark.parametrize("exercise", EXERCISES)
def test_solution_scores_full_marks(graded, exercise):
    record = graded[("solution", exercise)]
    assert record["status"] == "graded", record["messages"]
    assert record["max_score"] > 0
    assert not lost(record), f"the solution of {exercise} loses points:\n{show(lost(record))}"
    assert record["score"] == record["max_score"]
    assert not record["messages"], f"cells of the solution raised: {record['messages']}"


@pytest.mark.parametrize("exercise", EXERCISES)
def test_stripped_solution_scores_zero(graded, exercise):
    record = graded[("stripped", exercise)]
    assert record["status"] == "graded", record["messages"]
    assert record["max_score"] == graded[("solution", exercise)]["max_score"]
    passed = [t for t in record["tests"] if t["score"] > 0]
    assert not passed, f"with the solutions stripped, {exercise} still scores:\n{show(passed)}"


@pytest.mark.parametrize("exercise", EXERCISES)
def test_grade_cell_points_match_hidden_tests(graded, exercise):
    cells = load(exercise)["cells"]
    grade_cells = {nbgrader(c)["grade_id"].removeprefix("tests-"): nbgrader(c).get("points")
                   for c in cells if nbgrader(c).get("grade") and not nbgrader(c).get("solution")}
    solution_cells = {nbgrader(c)["grade_id"].removeprefix("solution-")
                      for c in cells if nbgrader(c).get("solution")}
    hidden = defaultdict(float)
    for t in graded[("solution", exercise)]["tests"]:
        hidden[t["task"]] += t["max_score"]
    assert set(grade_cells) == set(hidden), "grade cells (tests-<task>) and hidden-test tasks differ"
    assert solution_cells == set(hidden), "solution cells (solution-<task>) and hidden-test tasks differ"
    for task, pts in grade_cells.items():
        assert pts == hidden[task], f"grade cell tests-{task} is worth {pts} points, its hidden tests {hidden[task]}"


# ---------------------------------------------------------------- (c)


def test_bug_files_are_well_formed():
    dirs = {d.name for d in BUGGY.iterdir() if d.is_dir()}
    assert dirs <= set(EXERCISES), f"tests/buggy has folders for unknown exercises: {dirs - set(EXERCISES)}"
    for bug in BUGS:
        ids = {nbgrader(c).get("grade_id") for c in load(bug.exercise)["cells"] if nbgrader(c).get("solution")}
        assert bug.replaces in ids, f"{bug.id}: '# replaces: {bug.replaces}' names no solution cell of {bug.exercise}"
        assert bug.description, f"{bug.id}: the header has no '# bug:' line"
        assert bug.caught_by, f"{bug.id}: the header has no '# caught by:' line"
        unknown = set(bug.caught_by) - set(hidden_test_names(bug.exercise))
        assert not unknown, f"{bug.id}: '# caught by:' names unknown tests {sorted(unknown)}"
        compile(bug.path.read_text(), str(bug.path), "exec")


@pytest.mark.parametrize("bug", BUGS, ids=lambda b: b.id)
def test_bug_is_caught(graded, bug):
    if not catchable(bug):
        pytest.skip(f"{bug.id} ({bug.description}) can only be caught on {', '.join(bug.needs)}, "
                    f"and this machine grades on {', '.join(DEVICES)}")
    record = graded[("bug", bug.exercise, bug.name)]
    what = f"bug {bug.id} ({bug.description})"
    assert record["status"] == "graded", f"{what}: {record['messages']}"
    failed = lost(record)
    assert failed, f"{what} was not caught: the notebook scored full marks"
    elsewhere = [t for t in failed if t["task"] != bug.task]
    assert not elsewhere, f"{what} also cost points outside task {bug.task}:\n{show(elsewhere)}"
    names = hidden_test_names(bug.exercise)
    missed = [fn for fn in bug.caught_by if names[fn] not in {t["name"] for t in failed}]
    assert not missed, f"{what} was not caught by {missed}; it lost points in:\n{show(failed)}"
