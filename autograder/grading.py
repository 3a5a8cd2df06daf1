"""Grade one notebook: run its code in the sandbox, run the exercise's hidden
pytest suite here against it, and turn the outcomes into a grade record
(results.GradeRecord: its fields, its checks and the forms it is written in).
"""
from __future__ import annotations

import hashlib
import io
import os
import sys
import traceback
import zlib
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from pathlib import Path

import numpy as np
import pytest

from autograder import SUITES
from autograder.defaults import BUDGET
from autograder.exercises import suite_dir
from autograder.harness import Mismatch
from autograder.notebook import BadNotebook, claims, identify, known_exercises, parse_notebook, read_notebook
from autograder.sandbox import Limits, StudentRaised, WorkerDied
from autograder.report import code_fingerprints
from autograder.results import GradeRecord, TestResult
from autograder.student import BudgetExhausted, Missing, Student
from autograder.text import safe_line, safe_path, safe_text


class DeviceUnavailable(Exception):
    pass


def resolve_devices(option: str) -> list[str]:
    """'cpu' -> cpu only; 'cuda' -> the GPU (an error without one);
    'auto' -> cpu, and cuda too when a GPU is present."""
    import torch
    has_cuda = torch.cuda.is_available()
    if option == "cpu":
        return ["cpu"]
    if option == "cuda":
        if not has_cuda:
            raise DeviceUnavailable("--device cuda was requested, but PyTorch sees no CUDA GPU on this machine "
                                    f"(torch {torch.__version__}, cuda build: {torch.version.cuda or 'no'}). "
                                    "Grade with --device cpu or --device auto, or run on a machine with a GPU.")
        return ["cuda"]
    if option == "auto":
        return ["cpu", "cuda"] if has_cuda else ["cpu"]
    raise ValueError(f"unknown device {option!r}: use cpu, cuda or auto")


class GradingPlugin:
    """Gives the suite its fixtures and collects each test's points."""

    def __init__(self, student: Student, devices: list[str], tasks: frozenset[str] | None = None):
        self._student = student
        self._devices = devices
        self._tasks = tasks
        self.results: list[TestResult] = []
        self.out_of_time = 0   # tests stopped or not run because the time budget ran out

    @pytest.fixture
    def student(self):
        return self._student

    @pytest.fixture
    def devices(self):
        return list(self._devices)

    @pytest.fixture
    def rng(self, request):
        # Same seed for the same test every run, different across tests.
        return np.random.default_rng(zlib.crc32(request.node.nodeid.encode()))

    def pytest_configure(self, config):
        config.addinivalue_line("markers", "grading(points, task): points of a hidden test and its grade cell")

    def pytest_collection_modifyitems(self, config, items):
        for item in items:
            if item.get_closest_marker("grading") is None:
                raise pytest.UsageError(f"{item.nodeid} has no @points(...) marker")
        if self._tasks is not None:
            kept = [i for i in items if i.get_closest_marker("grading").kwargs["task"] in self._tasks]
            config.hook.pytest_deselected(items=[i for i in items if i not in kept])
            items[:] = kept

    def pytest_runtest_setup(self, item):
        # Once the budget is spent, the remaining tests fail at once (no reference is computed for nothing).
        if self._student.out_of_budget:
            raise BudgetExhausted(self._student.budget_message("this test", stopped=False))

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        report = outcome.get_result()
        if report.when == "setup" and report.failed or report.when == "call":
            marker = item.get_closest_marker("grading")
            points = marker.kwargs["points"]
            passed = report.passed
            if call.excinfo is not None and isinstance(call.excinfo.value, BudgetExhausted):
                self.out_of_time += 1
            self.results.append(TestResult.outcome(test_name(item), marker.kwargs["task"], points, passed,
                                                   "" if passed else failure_message(call.excinfo)))


def test_name(item) -> str:
    doc = (getattr(item.function, "__doc__", None) or "").strip().splitlines()
    name = doc[0].strip() if doc else item.originalname.replace("_", " ").removeprefix("test ")
    callspec = getattr(item, "callspec", None)
    return safe_line(f"{name} [{callspec.id}]" if callspec else name, 500)


def failure_message(excinfo) -> str:
    """What the student sees: our own messages only. Anything else could
    carry hidden expected values (pytest's assertion rewriting, say). They
    quote the submission's text (its exceptions, its process's last words):
    made safe here, where they enter the record."""
    if excinfo is None:
        return "failed"
    e = excinfo.value
    if isinstance(e, (Mismatch, Missing)):
        message = str(e)
    elif isinstance(e, StudentRaised):
        where = f" ({e.where[-1]})" if e.where else ""
        message = f"{e}{where}"
    elif isinstance(e, WorkerDied):
        message = e.reason
    else:
        message = (f"the result could not be checked ({type(e).__name__}); if your function returns what the "
                   "exercise asks, tell your instructor")
    return safe_text(message, 2000)


def choose_exercise(nb, expected: str | None, expected_from: str) -> tuple[str, str | None, list[str]]:
    """(exercise to grade against, the exercise the notebook claims instead or None, notes).

    With an expected exercise (the instructor's choice), that one is graded and a
    notebook naming another is flagged. Without, the notebook's own account decides,
    unless its file name names another exercise: then which one the instructor wants
    is unclear, and guessing could grade an easier exercise than the one assigned
    (a chapter-1 notebook saved as 05-word2vec.ipynb), so it is not graded and the
    message asks for --exercise."""
    said = claims(nb)
    if expected is not None:
        if expected not in known_exercises():
            raise ValueError(f"unknown exercise {expected!r}")
        other = [(name, where) for name, where in said if name != expected]
        if not other:
            return expected, None, []
        name, where = other[0]
        return expected, name, [f"this notebook names the exercise {name} ({where}), but the exercise expected here "
                                f"is {expected} (from {expected_from}): it was graded as {expected}"]
    exercise = identify(nb)
    stem = nb.path.stem
    by_name = [name for name in known_exercises() if stem.startswith(name) and name != exercise]
    if by_name and said:
        raise BadNotebook(f"the file name says {by_name[0]}, but the notebook names the exercise {exercise} "
                          f"({said[0][1]}): not graded, since which exercise is expected here is unclear. "
                          f"Grade it with --exercise NAME (the assignment's exercise)")
    return exercise, None, []


def grade_file(path: str, devices: list[str], limits, expected, expected_from,
               budget, explain_answers: bool = False) -> tuple[str | None, GradeRecord]:
    """(digest of the bytes graded, record). Runs in a grading process: reads the file
    once, so the record is stored under the hash of exactly what was graded. The record says
    how long grading took."""
    import time

    from autograder.notebook import read_submission
    started = time.perf_counter()
    try:
        data = read_submission(path)
    except BadNotebook as e:
        return None, GradeRecord.error(path, str(e), expected)
    record = grade_safely(path, devices, limits, expected=expected, expected_from=expected_from, budget=budget,
                          data=data, explain_answers=explain_answers)
    return hashlib.sha256(data).hexdigest(), record.with_details(seconds=round(time.perf_counter() - started, 3))


def grade_safely(path, devices: list[str], limits: Limits | None = None, **options) -> GradeRecord:
    """grade_notebook, and a record whatever happens: a grader bug is reported
    in the notebook's own record (its traceback goes to standard error)."""
    try:
        return grade_notebook(path, devices, limits, **options)
    except (Exception, SystemExit) as e:
        print(f"internal grader error while grading {safe_path(path)}:", file=sys.stderr)
        traceback.print_exc(file=sys.stderr)
        return GradeRecord.error(path, f"internal grader error while grading this notebook: {type(e).__name__}: {e} "
                                  "(the traceback is on the grader's standard error)", options.get("expected"))


@contextmanager
def hermetic_pytest():
    """The hidden suite runs the same whatever pytest set-up surrounds the grader. pytest reads
    PYTEST_ADDOPTS (options: -x would stop at the first lost point, -k could select nothing),
    PYTEST_PLUGINS (plugins that may rewrite outcomes), and loads every plugin installed beside it
    (pytest-randomly reorders, pytest-timeout reads PYTEST_TIMEOUT, xdist...). While a suite runs,
    none of the PYTEST_* variables is seen and no plugin is loaded but ours; the configuration file
    is none (`-c os.devnull` in grade_notebook), not a pytest.ini or pyproject.toml found above the
    suites. It changes the process's environment for that time: a grading process grades in one
    thread (the command's pool, the cluster's workers with --nthreads 1)."""
    saved = {name: os.environ.pop(name) for name in list(os.environ) if name.startswith("PYTEST_")}
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    try:
        yield
    finally:
        del os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"]
        os.environ.update(saved)


def grade_notebook(path, devices: list[str], limits: Limits | None = None, tasks=None, *,
                   expected: str | None = None, expected_from: str = "the instructor",
                   budget: float | None = BUDGET, data: bytes | None = None, leave_out=(),
                   explain_answers: bool = False) -> GradeRecord:
    """Grade one notebook. `tasks` (a set of task names) runs only those tasks'
    tests: for checking that a known bug or a mutant loses points quickly.
    `expected`: the exercise to grade against (the instructor's choice; `expected_from`
    says who chose it, for the message); None: the one the notebook names.
    `budget`: seconds for the whole submission (None: no limit but the per-call ones).
    `data`: the file's bytes, when already read (so the bytes graded are those hashed).
    `leave_out`: hidden tests not to run, as node ids under autograder/suites
    ('05-word2vec/test_05_word2vec.py::test_x'): for the project's own tests of known bugs.
    `explain_answers`: a wrong answer to a graded question is told the right one and why (feedback
    after the deadline)."""
    path = Path(path)
    try:
        nb = parse_notebook(data, path) if data is not None else read_notebook(path)
        exercise, claimed, messages = choose_exercise(nb, expected, expected_from)
    except BadNotebook as e:
        return GradeRecord.error(path, safe_text(e, 2000), expected)
    student = Student(nb.code_to_run(), devices, limits, budget)
    student.explain_answers = explain_answers is True
    plugin = GradingPlugin(student, devices, frozenset(tasks) if tasks is not None else None)
    # --tb=line: the points and feedback come from the plugin, and pytest's long traceback of every
    # failed test (source parsed for each frame) was a third of the grader's own time; collection
    # errors are still printed in full. No unraisable-exception plugin: its gc.collect() at the end
    # of every grading took 0.1 s in a process that holds torch and the suites' data.
    args = [str(suite_dir(exercise)), "-q", "-c", os.devnull, "-p", "no:cacheprovider", "--import-mode=importlib",
            "--rootdir", str(SUITES), "-o", "python_files=test_*.py",
            "-W", "ignore::pytest.PytestAssertRewriteWarning", "--tb=line", "-p", "no:unraisableexception",
            *(f"--deselect={node}" for node in leave_out)]
    sink = io.StringIO()
    try:
        with redirect_stdout(sink), redirect_stderr(sink), hermetic_pytest():
            code = pytest.main(args, plugins=[plugin])
        report = student.load_report
    finally:
        student.close()
    if code not in (0, 1) or not plugin.results:
        output = safe_text(sink.getvalue()[-3000:], 3000)
        return GradeRecord.error(path, f"the hidden suite could not run (pytest exit {int(code)}):\n{output}", exercise,
                                 claims=claimed)
    if report:
        for cell in report["cells"]:
            if not cell["ok"]:
                err = cell["error"]
                messages.append(safe_text(f"cell {cell['index']} raised {err.get('type')}: "
                                          f"{err.get('message', '')[:300]}", 400))
    elif student.broken:
        messages.append(safe_text(student.broken, 1000))
    if student.out_of_budget:
        messages.append(f"the time budget of {budget:g} s for grading this submission ran out: "
                        f"{plugin.out_of_time} test(s) were stopped or not run and score 0 "
                        "(its functions are far too slow, or wait on purpose)")
    record = GradeRecord.graded(path, exercise, plugin.results, claims=claimed, messages=messages,
                                budget_exhausted=student.out_of_budget)
    try:
        return record.with_details(fingerprints=code_fingerprints(nb))
    except Exception:          # fingerprints are an aid for the report: never a reason to lose a record
        return record
