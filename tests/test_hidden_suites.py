"""The hidden suites (autograder/suites/<exercise>/) checked against known notebooks:

(a) each solution notebook scores full marks;
(b) the released exercise (the solution with every solution region stripped by nbgrader) scores 0;
(c) each deliberately wrong cell in tests/buggy/<exercise>/<bug>.py loses points in the tests
    of its own task, at least in the tests its header names (graded with its task's tests only,
    less the slow ones of SLOW_TESTS its header does not name);
(c') the first bug of every task (by file name), graded against the whole suite, loses points
    only in tests of its own task: a wrong cell costs nothing elsewhere (a slow task, chapter 5's
    training, is graded once for all of its exercise's bugs of other tasks at once; a bug of the
    slow task itself leaves out the slow tests its header does not name, as in (c));
(d) each grade cell's points equal the points of the hidden tests of its task.

A bug file replaces one solution cell and starts with a header:

    # replaces: solution-<task>          the grade_id of the cell it replaces
    # bug: <what is wrong>
    # caught by: test_a, test_b           hidden tests that must fail (function names)
    # needs: cuda                         optional: only catchable on these devices

Every notebook is graded once, two at a time in the session's grading processes (conftest's
`gradings`, which also grades the solutions once for every test file), and the records are
shared by the tests below. (a) and (d) are part of `make check`; the rest is marked slow.
"""
from __future__ import annotations

import ast
import copy
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest

from autograder.exercises import discover, released_path
from autograder.harness import question_tests
from autograder.grading import resolve_devices
from test_questions import suite_keys

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


_HIDDEN_TEST_NAMES: dict[str, dict[str, str]] = {}


def hidden_test_names(exercise: str) -> dict[str, str]:
    """Hidden test function name -> the name its grade record shows (the docstring's first line)."""
    if exercise not in _HIDDEN_TEST_NAMES:
        _HIDDEN_TEST_NAMES[exercise] = _hidden_test_names(exercise)
    return _HIDDEN_TEST_NAMES[exercise]


def hidden_test_nodes(exercise: str) -> dict[str, str]:
    """Hidden test function name -> its pytest node id under autograder/suites."""
    (path,) = sorted((SUITES / exercise).glob("test_*.py"))
    return {name: f"{exercise}/{path.name}::{name}" for name in hidden_test_names(exercise)}


def _hidden_test_names(exercise: str) -> dict[str, str]:
    """From the suite's source (importing it would run its module code in this session): its test
    functions, and the question tests its `globals().update(question_tests(N, QUESTIONS))` adds."""
    out = {}
    for path in sorted((SUITES / exercise).glob("test_*.py")):
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                doc = (ast.get_docstring(node) or "").strip().splitlines()
                out[node.name] = doc[0].strip() if doc else node.name.replace("_", " ").removeprefix("test ")
    keys, calls = suite_keys(exercise)
    if calls:
        out.update({name: test.__doc__ for name, test in question_tests(int(exercise[:2]), keys).items()})
    return out


# ---------------------------------------------------------------- grading, once, in parallel


DEVICES = resolve_devices("auto")


def catchable(bug: Bug) -> bool:
    return set(bug.needs) <= set(DEVICES)


def first_bug_of_each_task() -> list[Bug]:
    """The whole-suite batch of (c'): for every task of every exercise, its first catchable bug."""
    first = {}
    for bug in BUGS:
        if catchable(bug):
            first.setdefault((bug.exercise, bug.task), bug)
    return list(first.values())


WHOLE_SUITE = first_bug_of_each_task()

# Hidden tests that train for tens of seconds: chapter 5's one epoch on the Brown corpus (25 s with a
# correct train_sgns). In (c), a bug runs them only when its header names them (6 of the 8 training
# bugs are caught by the small replayed runs). In (c'), a bug of another task is graded against the
# whole suite less their tasks, and one notebook holding the exercise's bugs of every other task at
# once is graded on those tasks alone: one Brown epoch instead of one per task; the first bug of the
# slow task is graded on the whole suite less the slow tests its header does not name.
SLOW_TESTS = {"05-word2vec": {"test_train_wordsim353_on_brown"}}
SLOW_TASKS = {"05-word2vec": {"train"}}


def left_out(bug: Bug) -> set[str]:
    """The slow hidden tests of the bug's task (pytest node ids under autograder/suites) that its
    header does not name."""
    if bug.task not in SLOW_TASKS.get(bug.exercise, set()):
        return set()
    nodes = hidden_test_nodes(bug.exercise)
    return {nodes[name] for name in SLOW_TESTS.get(bug.exercise, set()) - set(bug.caught_by)}


def tasks_of(exercise: str) -> set[str]:
    return {nbgrader(c)["grade_id"].removeprefix("solution-") for c in load(exercise)["cells"] if nbgrader(c).get("solution")}


def other_tasks(bug: Bug) -> set[str] | None:
    """The tasks (c') grades `bug` on: all of them (None), or all but the slow ones of another task."""
    slow = SLOW_TASKS.get(bug.exercise, set())
    return None if not slow or bug.task in slow else tasks_of(bug.exercise) - slow


def slow_task_batches() -> dict[str, list[Bug]]:
    """Exercise -> its bugs of (c') graded on its slow tasks in one notebook."""
    return {ex: [b for b in WHOLE_SUITE if b.exercise == ex and b.task not in slow] for ex, slow in SLOW_TASKS.items()
            if ex in EXERCISES}


class Records(dict):
    """Futures of grade records; looking one up waits for it."""

    def __getitem__(self, key) -> dict:
        return super().__getitem__(key).result()


def submit_gradings(gradings) -> Records:
    """(kind, exercise[, bug]) -> the future grade record of every notebook the tests below look at.
    conftest.py calls this when the session starts, so the gradings go on while the tests of other
    files run; each test below waits for its own. Those that run a slow task go first."""
    root = gradings.folder / "hidden-suites"
    root.mkdir()
    specs = []   # (key, notebook path, tasks or None for all, hidden tests left out)

    def write(name, nb):
        path = root / name
        path.write_text(json.dumps(nb))
        return path

    for ex, bugs in slow_task_batches().items():
        nb = load(ex)
        for bug in bugs:
            changed = with_cell(nb, bug.replaces, bug.path.read_text())
            nb = nb if changed is None else changed   # a bad header fails test_bug_files_are_well_formed
        specs.append((("together", ex), write(f"{ex}-together.ipynb", nb), SLOW_TASKS[ex], ()))
    for bug in BUGS:
        nb = with_cell(load(bug.exercise), bug.replaces, bug.path.read_text())
        if nb is not None and catchable(bug):
            path = write(f"{bug.exercise}-{bug.name}.ipynb", nb)
            specs.append((("bug", bug.exercise, bug.name), path, {bug.task}, left_out(bug)))
            if bug in WHOLE_SUITE:
                specs.append((("whole", bug.exercise, bug.name), path, other_tasks(bug), left_out(bug)))

    def runs_a_slow_test(spec):
        key, _, tasks, leave_out = spec
        slow = SLOW_TASKS.get(key[1], set())
        return bool(slow) and (tasks is None or bool(slow & set(tasks))) and not leave_out

    jobs = {("solution", ex): gradings.submit(solution_path(ex)) for ex in EXERCISES}
    for key, path, tasks, leave_out in sorted(specs, key=lambda spec: not runs_a_slow_test(spec)):   # stable
        jobs[key] = gradings.submit(path, tasks, leave_out)
    return Records(jobs)


@pytest.fixture(scope="module")
def graded(gradings) -> Records:
    return gradings.batch(submit_gradings)


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
def test_solution_scores_full_marks(gradings, exercise):
    record = gradings.record(solution_path(exercise))
    assert record["status"] == "graded", record["messages"]
    assert record["max_score"] > 0
    assert not lost(record), f"the solution of {exercise} loses points:\n{show(lost(record))}"
    assert record["score"] == record["max_score"]
    assert not record["messages"], f"cells of the solution raised: {record['messages']}"


def test_left_out_hidden_tests_do_not_run(gradings):
    """What (c) relies on to skip chapter 5's Brown epoch: a test left out is not run at all."""
    exercise = EXERCISES[0]
    names, nodes = hidden_test_names(exercise), hidden_test_nodes(exercise)
    full = gradings.record(solution_path(exercise))
    task = full["tests"][0]["task"]
    ran = [name for name, shown in names.items() if any(t["name"] == shown and t["task"] == task for t in full["tests"])]
    assert len(ran) >= 2, f"task {task} of {exercise} needs two tests for this check"
    record = gradings.record(solution_path(exercise), {task}, [nodes[ran[0]]])
    shown = {t["name"] for t in record["tests"]}
    assert names[ran[0]] not in shown and {names[n] for n in ran[1:]} <= shown
    assert record["score"] == record["max_score"] > 0


@pytest.mark.slow
@pytest.mark.parametrize("exercise", EXERCISES)
def test_stripped_solution_scores_zero(gradings, exercise):
    """The released exercise (nbgrader's copy of the solution with its solution regions stripped:
    test_exercises.py checks it is exactly that) scores nothing."""
    record = gradings.record(released_path(exercise, REPO))
    assert record["status"] == "graded", record["messages"]
    assert record["max_score"] == gradings.record(solution_path(exercise))["max_score"]
    passed = [t for t in record["tests"] if t["score"] > 0]
    assert not passed, f"with the solutions stripped, {exercise} still scores:\n{show(passed)}"


@pytest.mark.parametrize("exercise", EXERCISES)
def test_grade_cell_points_match_hidden_tests(gradings, exercise):
    cells = load(exercise)["cells"]
    grade_cells = {nbgrader(c)["grade_id"].removeprefix("tests-"): nbgrader(c).get("points")
                   for c in cells if nbgrader(c).get("grade") and not nbgrader(c).get("solution")}
    solution_cells = {nbgrader(c)["grade_id"].removeprefix("solution-")
                      for c in cells if nbgrader(c).get("solution")}
    hidden = defaultdict(float)
    for t in gradings.record(solution_path(exercise))["tests"]:
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


@pytest.mark.slow
@pytest.mark.parametrize("bug", BUGS, ids=lambda b: b.id)
def test_bug_is_caught(graded, bug):
    """Graded with the tests of its own task only (the whole-suite batch is below), less the slow
    ones its header does not name."""
    if not catchable(bug):
        pytest.skip(f"{bug.id} ({bug.description}) can only be caught on {', '.join(bug.needs)}, "
                    f"and this machine grades on {', '.join(DEVICES)}")
    record = graded[("bug", bug.exercise, bug.name)]
    what = f"bug {bug.id} ({bug.description})"
    assert record["status"] == "graded", f"{what}: {record['messages']}"
    assert {t["task"] for t in record["tests"]} == {bug.task}, f"{what}: graded with other tasks' tests"
    failed = lost(record)
    assert failed, f"{what} was not caught: its task's tests all passed"
    names = hidden_test_names(bug.exercise)
    missed = [fn for fn in bug.caught_by if names[fn] not in {t["name"] for t in failed}]
    assert not missed, f"{what} was not caught by {missed}; it lost points in:\n{show(failed)}"


@pytest.mark.slow
@pytest.mark.parametrize("bug", WHOLE_SUITE, ids=lambda b: b.id)
def test_bug_costs_nothing_in_other_tasks(graded, bug):
    """The first bug of each task, graded against the whole suite: it loses points, and only in
    tests of its own task. (The slow tasks of SLOW_TASKS: graded once for all the exercise's bugs
    of other tasks at once, which must keep full marks there.)"""
    record = graded[("whole", bug.exercise, bug.name)]
    what = f"bug {bug.id} ({bug.description})"
    assert record["status"] == "graded", f"{what}: {record['messages']}"
    every = {t["task"] for t in graded[("solution", bug.exercise)]["tests"]}
    assert {t["task"] for t in record["tests"]} == (other_tasks(bug) or every), f"{what}: not graded on the other tasks"
    failed = lost(record)
    assert failed, f"{what} was not caught: the notebook scored full marks"
    elsewhere = [t for t in failed if t["task"] != bug.task]
    assert not elsewhere, f"{what} also cost points outside task {bug.task}:\n{show(elsewhere)}"
    names = hidden_test_names(bug.exercise)
    missed = [fn for fn in bug.caught_by if names[fn] not in {t["name"] for t in failed}]
    assert not missed, f"{what} was not caught by {missed}; it lost points in:\n{show(failed)}"
    if other_tasks(bug) is not None:
        together = graded[("together", bug.exercise)]
        assert together["status"] == "graded" and together["tests"], together["messages"]
        assert {t["task"] for t in together["tests"]} == SLOW_TASKS[bug.exercise]
        assert not lost(together), (f"{what}, with the exercise's other tasks' bugs, cost points in "
                                    f"{sorted(SLOW_TASKS[bug.exercise])}:\n{show(lost(together))}")


def test_every_task_with_bugs_is_in_the_whole_suite_batch():
    tasks = {(bug.exercise, bug.task) for bug in BUGS if catchable(bug)}
    assert tasks == {(bug.exercise, bug.task) for bug in WHOLE_SUITE}
