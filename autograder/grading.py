"""Grade one notebook: run its code in the sandbox, run the exercise's hidden
pytest suite here against it, and turn the outcomes into a score record.

The record uses the field names of Gradescope's results format:
{"notebook", "exercise", "score", "max_score", "tests": [{"name", "score",
"max_score", "output", "task"}], "status", "messages"}.
"""
from __future__ import annotations

import io
import zlib
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import numpy as np
import pytest

from autograder import SUITES
from autograder.harness import Mismatch
from autograder.notebook import BadNotebook, identify, read_notebook
from autograder.sandbox import Limits, StudentRaised, WorkerDied
from autograder.student import Missing, Student


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
        self.results: list[dict] = []

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

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        report = outcome.get_result()
        if report.when == "setup" and report.failed or report.when == "call":
            marker = item.get_closest_marker("grading")
            points = marker.kwargs["points"]
            passed = report.passed
            self.results.append({
                "name": test_name(item),
                "task": marker.kwargs["task"],
                "score": points if passed else 0.0,
                "max_score": points,
                "output": "passed" if passed else failure_message(call.excinfo),
            })


def test_name(item) -> str:
    doc = (getattr(item.function, "__doc__", None) or "").strip().splitlines()
    name = doc[0].strip() if doc else item.originalname.replace("_", " ").removeprefix("test ")
    callspec = getattr(item, "callspec", None)
    return f"{name} [{callspec.id}]" if callspec else name


def failure_message(excinfo) -> str:
    """What the student sees: our own messages only. Anything else could
    carry hidden expected values (pytest's assertion rewriting, say)."""
    if excinfo is None:
        return "failed"
    e = excinfo.value
    if isinstance(e, (Mismatch, Missing)):
        return str(e)
    if isinstance(e, StudentRaised):
        where = f" ({e.where[-1]})" if e.where else ""
        return f"{e}{where}"
    if isinstance(e, WorkerDied):
        return e.reason
    return f"the result could not be checked ({type(e).__name__}); if your function returns what the exercise asks, tell your instructor"


def suite_dir(exercise: str) -> Path:
    return SUITES / exercise


def grade_notebook(path, devices: list[str], limits: Limits | None = None, tasks=None) -> dict:
    """Grade one notebook. `tasks` (a set of task names) runs only those tasks'
    tests: for checking that a known bug or a mutant loses points quickly."""
    path = Path(path)
    record = {"notebook": str(path), "exercise": None, "score": 0.0, "max_score": 0.0,
              "tests": [], "status": "graded", "messages": []}
    try:
        nb = read_notebook(path)
        record["exercise"] = identify(nb)
    except BadNotebook as e:
        record.update(status="error", messages=[str(e)])
        return record
    student = Student(nb.code_to_run(), devices, limits)
    plugin = GradingPlugin(student, devices, frozenset(tasks) if tasks is not None else None)
    args = [str(suite_dir(record["exercise"])), "-q", "-p", "no:cacheprovider", "--import-mode=importlib",
            "-p", "no:randomly", "--rootdir", str(SUITES), "-o", "python_files=test_*.py", "--timeout=0",
            "-W", "ignore::pytest.PytestAssertRewriteWarning"]
    sink = io.StringIO()
    try:
        with redirect_stdout(sink), redirect_stderr(sink):
            code = pytest.main(args, plugins=[plugin])
        report = student.load_report
    finally:
        student.close()
    if code not in (0, 1) or not plugin.results:
        record.update(status="error", messages=[f"the hidden suite could not run (pytest exit {int(code)}):\n{sink.getvalue()[-3000:]}"])
        return record
    record["tests"] = plugin.results
    record["score"] = round(sum(t["score"] for t in plugin.results), 6)
    record["max_score"] = round(sum(t["max_score"] for t in plugin.results), 6)
    if report:
        for cell in report["cells"]:
            if not cell["ok"]:
                err = cell["error"]
                record["messages"].append(f"cell {cell['index']} raised {err.get('type')}: {err.get('message', '')[:300]}")
    elif student.broken:
        record["messages"].append(student.broken)
    return record
