"""The hidden suites' handle on a submission: calls cross to the sandboxed
worker and come back as validated plain data (numpy arrays, TensorData,
Python scalars and containers)."""
from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass

from autograder.inside import protocol
from autograder.sandbox import START_TIMEOUT, Limits, StudentRaised, WorkerClient, WorkerDied, reply_hook
from autograder.text import safe_line, safe_text

MAX_RESTARTS = 8   # a crash costs one restart (~2 s); past this the rest fail
MIN_CALL_SECONDS = 0.05   # less left of the budget than this: the call is not even started


class Missing(AssertionError):
    """The notebook does not define what a test needs."""


class BudgetExhausted(WorkerDied):
    """The submission's time budget ran out: this call was not run, or was stopped."""


class Student:
    # Set by the grader (never by the submission): wrong answers to the graded questions are told
    # their right answer and why (harness.check_answer), for feedback after the deadline.
    explain_answers = False

    def __init__(self, cells: list[tuple[int, str]], devices: list[str], limits: Limits | None = None,
                 budget: float | None = None):
        """`budget`: seconds for the whole submission (running its cells and every
        call, restarts included), counted from now; each call's time limit is the
        per-call limit or what is left of the budget, whichever is less."""
        self.cells = cells
        self.devices = devices
        self.limits = limits or Limits()
        self.worker: WorkerClient | None = None
        self.starts = 0
        self.load_report: dict | None = None
        self.broken: str | None = None   # set when the notebook cannot even be loaded
        self.call_timeout = self.limits.call_timeout
        # What the last call printed (stdout and stderr), as the worker reports it: a claim of the
        # worker, like everything it says, so no point may rest on it alone.
        self.last_output = ""
        self.budget = budget
        self.deadline = None if budget is None else time.monotonic() + budget
        self.out_of_budget = False   # a call was refused or stopped because the budget ran out

    # ------------------------------------------------------------ time budget

    def budget_message(self, what: str, stopped: bool) -> str:
        verb = "was stopped" if stopped else "was not run"
        return (f"{what} {verb}: the time budget of {self.budget:g} s for grading this submission ran out "
                "(all its calls together were too slow)")

    def _time_for(self, wanted: float, what: str) -> float:
        """The time limit for one request: `wanted`, or what is left of the budget."""
        if self.deadline is None:
            return wanted
        left = self.deadline - time.monotonic()
        if left < MIN_CALL_SECONDS:
            self.out_of_budget = True
            raise BudgetExhausted(self.budget_message(what, stopped=False))
        return min(wanted, left)

    def _timed_request(self, worker: WorkerClient, msg: dict, wanted: float, what: str):
        timeout = self._time_for(wanted, what)
        try:
            return worker.request(msg, timeout, what)
        except WorkerDied:
            if timeout < wanted and time.monotonic() >= self.deadline - MIN_CALL_SECONDS:
                self.out_of_budget = True
                raise BudgetExhausted(self.budget_message(what, stopped=True)) from None
            raise

    # ------------------------------------------------------------ life cycle

    def _ensure_worker(self) -> WorkerClient:
        if self.broken:
            raise WorkerDied(self.broken)
        if self.worker is not None and self.worker.proc.poll() is None:
            return self.worker
        if self.worker is not None:
            self.worker.close()
            self.worker = None
        if self.starts > MAX_RESTARTS:
            self.broken = f"your code crashed or hung the grading process {self.starts} times; the remaining tests were not run"
            raise WorkerDied(self.broken)
        what = "running the notebook's cells"
        self._time_for(self.limits.load_timeout, what)
        self.starts += 1
        worker = WorkerClient(self.devices, self.limits, start_timeout=self._time_for(START_TIMEOUT, "starting the worker"))
        try:
            header, buffers = self._timed_request(worker, {"op": "load", "cells": [list(c) for c in self.cells]},
                                                  self.limits.load_timeout, what)
        except BudgetExhausted:
            worker.close()
            raise
        except WorkerDied as e:
            worker.close()
            self.broken = str(e)
            raise
        self.load_report = _validated_load_report(header)
        self.worker = worker
        return worker

    def load(self) -> dict:
        """Run the notebook's cells; returns {'cells': [...], 'defined': [...], 'output': str}."""
        self._ensure_worker()
        return self.load_report

    def close(self):
        if self.worker is not None:
            self.worker.close()
            self.worker = None

    @contextmanager
    def time_limit(self, seconds: float):
        """Allow each call inside the block `seconds` (a training run, say)
        instead of the default per-call limit. The submission's time budget
        still caps it."""
        old, self.call_timeout = self.call_timeout, seconds
        try:
            yield self
        finally:
            self.call_timeout = old

    # ------------------------------------------------------------ calls

    def _request(self, msg: dict, what: str, timeout: float | None = None, callable_target: bool = True):
        self._time_for(timeout or self.call_timeout, what)
        worker = self._ensure_worker()
        if callable_target and isinstance(msg["target"], str) and msg["target"] not in self.load_report["defined"]:
            raise Missing(_missing_message(msg["target"], self.load_report))
        started = time.perf_counter()
        header, buffers = self._timed_request(worker, msg, timeout or self.call_timeout, what)
        elapsed = time.perf_counter() - started
        self.last_output = header.get("output")[:20_000] if type(header.get("output")) is str else ""
        if header.get("ok") is True:
            try:
                value = protocol.decode(header.get("value"), buffers, reply_hook)
            except protocol.ProtocolError as e:
                raise WorkerDied(f"{what} returned something that is not plain data ({e})") from None
            return value, elapsed
        error = header.get("error")
        raise StudentRaised(error if isinstance(error, dict) else {}, what)

    def call(self, name: str, *args, **kwargs):
        """Call the notebook's function `name` and return its (decoded) result.
        `name` may be dotted, "Class.method", for a static or class method
        (an autograd.Function's `apply`, say); likewise in time_call and new."""
        return self._request({"op": "call", **_target(name), "args": list(args), "kwargs": kwargs},
                             f"{name}()")[0]

    def time_call(self, name: str, *args, sync: bool = False, **kwargs) -> "Timed":
        """One call timed with the grader's clock (the submission cannot fake it).
        The result stays in the worker, so its transfer is not timed; a speed
        check reads it afterwards and checks it (a fast wrong answer earns nothing)."""
        msg = {"op": "call", **_target(name), "args": list(args), "kwargs": kwargs, "keep": True, "sync": sync}
        clock = CpuClock(self)
        handle, seconds = self._request(msg, f"{name}()")
        return Timed(seconds, Remote(self, handle, f"the result of {name}()"), clock)

    def answer(self, name: str):
        """The value of the notebook's global variable `name` (a question's answer), as plain data.
        Missing when the notebook does not set it."""
        try:
            return self._request({"op": "attr", "target": name, "method": []}, f"reading `{name}`",
                                 callable_target=False)[0]
        except StudentRaised as e:
            if e.is_a("LookupError"):
                raise Missing(f"The notebook does not set `{name}`: run the cell of your answers, "
                              "with every `raise NotImplementedError()` line removed.") from None
            raise

    def put(self, value, label: str = "input") -> "Remote":
        """Place a value (an array, a tensor) in the worker and keep it there,
        so a test can pass it to a function and read it back afterwards."""
        handle, _ = self._request({"op": "put", "target": None, "value": value}, f"sending the {label}")
        return Remote(self, handle, label)

    def new(self, cls: str, *args, **kwargs) -> "Remote":
        """Instantiate the notebook's class `cls`; the object stays in the worker."""
        handle, _ = self._request({"op": "call", **_target(cls), "args": list(args), "kwargs": kwargs, "keep": True},
                                  f"{cls}()")
        return Remote(self, handle, f"{cls}")


class CpuClock:
    """The CPU seconds the submission's processes use from now on, as the kernel counts them in the
    worker's cgroup (read here, in the grader: nothing inside can change it). Unlike wall-clock
    time, it does not grow when other jobs share the machine's cores. None without a cgroup, when
    the worker was replaced in between, or when the submission may use a GPU: a GPU's work is not
    CPU time (a slow kernel, waited for without spinning, would cost almost none)."""

    def __init__(self, student: "Student"):
        self.student, self.worker = student, student.worker
        on_gpu = any(not str(device).startswith("cpu") for device in student.devices)
        self.start = None if on_gpu else self._now()

    def _now(self) -> float | None:
        return self.worker.cpu_seconds() if self.worker is not None else None

    def elapsed(self) -> float | None:
        if self.start is None or self.student.worker is not self.worker:
            return None
        now = self._now()
        return now - self.start if now is not None and now >= self.start else None


@dataclass
class Timed:
    """A timed call: its wall-clock seconds and its result, kept in the worker; `cpu`, the CPU
    time of the submission's processes since the call started (CpuClock), when it can be read."""
    seconds: float
    result: "Remote"
    cpu: CpuClock | None = None


class Remote:
    """An object living in the worker: call its methods, read or set attributes."""

    def __init__(self, student: Student, handle: protocol.Handle, label: str):
        self.student, self.handle, self.label = student, handle, label

    def call(self, method: str, *args, keep: bool = False, **kwargs):
        what = f"{self.label}.{method}()"
        msg = {"op": "call", "target": self.handle, "method": method.split("."), "args": list(args),
               "kwargs": kwargs, "keep": keep}
        value, _ = self.student._request(msg, what)
        return Remote(self.student, value, f"{what}") if keep else value

    def time_call(self, method: str, *args, sync: bool = False, **kwargs) -> Timed:
        """Like Student.time_call, for a method of this object."""
        what = f"{self.label}.{method}()"
        msg = {"op": "call", "target": self.handle, "method": method.split("."), "args": list(args),
               "kwargs": kwargs, "keep": True, "sync": sync}
        clock = CpuClock(self.student)
        handle, seconds = self.student._request(msg, what)
        return Timed(seconds, Remote(self.student, handle, f"the result of {what}"), clock)

    def __call__(self, *args, keep: bool = False, **kwargs):
        value, _ = self.student._request({"op": "call", "target": self.handle, "args": list(args),
                                          "kwargs": kwargs, "keep": keep}, f"{self.label}(...)")
        return Remote(self.student, value, f"{self.label}(...)") if keep else value

    def attr(self, path: str, keep: bool = False):
        value, _ = self.student._request({"op": "attr", "target": self.handle, "method": path.split("."), "keep": keep},
                                         f"reading {self.label}.{path}")
        return Remote(self.student, value, f"{self.label}.{path}") if keep else value

    def set(self, path: str, value):
        self.student._request({"op": "set", "target": self.handle, "path": path.split("."), "value": value},
                              f"setting {self.label}.{path}")

    def value(self):
        value, _ = self.student._request({"op": "attr", "target": self.handle, "method": []}, f"reading {self.label}")
        return value

    def drop(self):
        """Let the worker forget this object (this handle cannot be used afterwards)."""
        self.student._request({"op": "drop", "target": self.handle}, f"releasing {self.label}", callable_target=False)


def _target(name: str) -> dict:
    """'f' -> the notebook's name f; 'Cls.method' -> attribute `method` of the notebook's Cls."""
    head, *rest = name.split(".")
    return {"target": head, "method": rest}


def _validated_load_report(header: dict) -> dict:
    cells = header.get("cells")
    defined = header.get("defined")
    if type(cells) is not list or type(defined) is not list or not all(type(d) is str for d in defined):
        raise WorkerDied("the grading process sent a malformed report after running the notebook")
    clean = []
    for entry in cells:
        if type(entry) is not dict or type(entry.get("index")) is not int:
            raise WorkerDied("the grading process sent a malformed report after running the notebook")
        error = entry.get("error") if type(entry.get("error")) is dict else None
        # The error's text is the submission's: made safe here, where it enters the grader's records.
        clean.append({"index": entry["index"], "ok": entry.get("ok") is True,
                      "error": {safe_line(k, 40): (safe_text(v, 1000) if not isinstance(v, list)
                                                   else [safe_text(x, 300) for x in v[:20]])
                                for k, v in list(error.items())[:20]} if error else None})
    output = header.get("output") if type(header.get("output")) is str else ""
    return {"cells": clean, "defined": set(defined), "output": output[:20_000]}


def _missing_message(name: str, report: dict) -> str:
    failed = [c for c in report["cells"] if not c["ok"]]
    hint = ""
    if failed:
        first = failed[0]
        if first["error"].get("type") == "NotImplementedError":
            hint = (f" Cell {first['index']} stopped at a NotImplementedError: it uses a function that is not "
                    "implemented yet, and that may have stopped the definition.")
        else:
            hint = (f" Cell {first['index']} raised {first['error'].get('type')}: "
                    f"{first['error'].get('message', '')[:200]} — an error there may have stopped the definition.")
    return f"The notebook defines no function or class named `{name}`: did you rename it or delete its cell?{hint}"
