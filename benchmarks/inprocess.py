"""The hidden suites run the way common notebook graders run tests: inside the
student's own kernel. INSECURE by design — the submission can patch anything
these tests use — and kept only so that a benchmark can compare our sandboxed
grader with nbgrader's own autograde on the same checks
(benchmarks/grading_throughput.py). Never grade a class with it: it lives
here, outside the grader's package, for that reason.
"""
from __future__ import annotations

import io
import os
from contextlib import redirect_stderr, redirect_stdout

import pytest

from autograder.inside import protocol
from autograder.exercises import suite_dir
from autograder.grading import GradingPlugin, hermetic_pytest
from autograder.sandbox import StudentRaised, reply_hook


class _Remote:
    def __init__(self, student, obj, label):
        self.student, self.obj, self.label = student, obj, label

    @property
    def handle(self):   # suites pass a Remote's handle back as an argument: here that is the Remote
        return self

    def call(self, method, *args, keep=False, **kwargs):
        fn = self.obj
        for part in method.split("."):
            fn = getattr(fn, part)
        return self.student._finish(fn, args, kwargs, keep, f"{self.label}.{method}()")

    def __call__(self, *args, keep=False, **kwargs):
        return self.student._finish(self.obj, args, kwargs, keep, f"{self.label}(...)")

    def time_call(self, method, *args, sync=False, **kwargs):
        import time
        from autograder.student import Timed
        fn = self.obj
        for part in method.split("."):
            fn = getattr(fn, part)
        args = [self.student._arg(a) for a in args]
        start = time.perf_counter()
        value = fn(*args, **kwargs)
        return Timed(time.perf_counter() - start, _Remote(self.student, value, f"the result of {method}()"))

    def attr(self, path, keep=False):
        obj = self.obj
        for part in path.split(".") if path else []:
            obj = getattr(obj, part)
        return _Remote(self.student, obj, path) if keep else self.student._plain(obj)

    def set(self, path, value):
        *parents, name = path.split(".")
        obj = self.obj
        for part in parents:
            obj = getattr(obj, part)
        import torch
        value = self.student._arg(value)
        current = getattr(obj, name, None)
        if isinstance(current, torch.Tensor) and isinstance(value, torch.Tensor):
            with torch.no_grad():
                current.copy_(value)
        else:
            setattr(obj, name, value)

    def value(self):
        return self.student._plain(self.obj)


class InProcessStudent:
    """Same interface as autograder.student.Student, on a namespace in this process."""

    out_of_budget = False   # read by GradingPlugin before each test; there is no budget here

    def __init__(self, namespace: dict):
        self.ns = namespace

    def _arg(self, value):
        import torch
        from autograder.sandbox import TensorSpec
        if isinstance(value, TensorSpec):
            t = torch.from_numpy(value.array.copy()).to(value.device)
            return t.requires_grad_(True) if value.requires_grad else t
        if isinstance(value, _Remote):
            return value.obj
        if isinstance(value, (list, tuple)):
            return type(value)(self._arg(v) for v in value)
        if isinstance(value, dict):
            return {k: self._arg(v) for k, v in value.items()}
        return value.copy() if hasattr(value, "copy") and not isinstance(value, (str, bytes)) else value

    def _plain(self, value):
        # The same plain-data round trip as the sandboxed route, for comparable results.
        from autograder.inside.worker import tensor_hook
        buffers = []
        return protocol.decode(protocol.encode(value, buffers, tensor_hook), buffers, reply_hook)

    def _finish(self, fn, args, kwargs, keep, what):
        try:
            value = fn(*[self._arg(a) for a in args], **{k: self._arg(v) for k, v in kwargs.items()})
        except Exception as e:
            raise StudentRaised({"type": type(e).__name__, "mro": [c.__name__ for c in type(e).__mro__],
                                 "message": str(e)}, what) from None
        return _Remote(self, value, what) if keep else self._plain(value)

    def _lookup(self, name):
        head, *rest = name.split(".")
        from autograder.student import Missing
        if head not in self.ns:
            raise Missing(f"The notebook defines no function or class named `{head}`")
        obj = self.ns[head]
        for part in rest:
            obj = getattr(obj, part)
        return obj

    def call(self, name, *args, **kwargs):
        return self._finish(self._lookup(name), args, kwargs, False, f"{name}()")

    def new(self, cls, *args, **kwargs):
        return self._finish(self._lookup(cls), args, kwargs, True, f"{cls}()")

    def put(self, value, label="input"):
        return _Remote(self, self._arg(value), label)

    def time_call(self, name, *args, sync=False, **kwargs):
        import time
        fn = self._lookup(name)
        args = [self._arg(a) for a in args]
        from autograder.student import Timed
        start = time.perf_counter()
        value = fn(*args, **kwargs)
        return Timed(time.perf_counter() - start, _Remote(self, value, f"the result of {name}()"))

    def time_limit(self, seconds):
        from contextlib import nullcontext
        return nullcontext(self)


class _TaskFilter:
    def __init__(self, task):
        self.task = task

    def pytest_collection_modifyitems(self, items):
        items[:] = [i for i in items if i.get_closest_marker("grading").kwargs["task"] == self.task]


def run_task(namespace: dict, exercise: str, task: str, devices=("cpu",)) -> float:
    """Run the hidden tests of one task against `namespace`; prints one line per
    test and returns the points earned (nbgrader reads the cell's last value)."""
    plugin = GradingPlugin(InProcessStudent(namespace), list(devices))
    sink = io.StringIO()
    with redirect_stdout(sink), redirect_stderr(sink), hermetic_pytest():
        pytest.main([str(suite_dir(exercise)), "-q", "-c", os.devnull, "-p", "no:cacheprovider",
                     "--import-mode=importlib", "-o", "python_files=test_*.py"], plugins=[plugin, _TaskFilter(task)])
    for t in plugin.results:      # results.TestResult
        print(f"{'✓' if t.passed else '✗'} {t.name}")
    return float(sum(t.score for t in plugin.results))
