"""What the hidden suites use: points, and checks whose failure messages say
which case failed and why without revealing hidden expected values.

Every comparison runs here, in the trusted grader, on validated plain data
(numpy arrays, TensorData), never on objects the submission made.
"""
from __future__ import annotations

import gc
import math
import os
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pytest

from autograder.inside import protocol
from autograder.inside.protocol import Unsupported
from autograder.sandbox import StudentRaised, TensorData, TensorSpec, WorkerDied, tensor  # noqa: F401 (re-exported)
from autograder.student import Missing  # noqa: F401 (re-exported)
from autograder.text import safe_line


class Mismatch(AssertionError):
    """A check failed; the message is shown to the student as it is."""


def points(n: float, task: str):
    """Mark a test as worth `n` points, counted towards the notebook's grade
    cell for `task` (its nbgrader grade_id is `tests-<task>`)."""
    return pytest.mark.grading(points=float(n), task=task)


def named(case, fn, *args, **kwargs):
    """fn(*args, **kwargs), a call into the submission; if it raises, the failure names the case."""
    try:
        return fn(*args, **kwargs)
    except StudentRaised as e:
        where = f" ({e.where[-1]})" if e.where else ""
        raise Mismatch(f"{case}: {e}{where}") from None


def describe(value) -> str:
    if isinstance(value, TensorData):
        return f"a torch tensor of shape {tuple(value.shape)} ({value.dtype}, on {value.device})"
    if isinstance(value, np.ndarray):
        return f"a numpy array of shape {value.shape} ({value.dtype})"
    if isinstance(value, Unsupported):
        return f"an {value.what}"
    return f"a {type(value).__name__}"


def _compare(got: np.ndarray, expected: np.ndarray, case: str, exact: bool, rtol: float, atol: float):
    if got.shape != expected.shape:
        raise Mismatch(f"{case}: the result has shape {got.shape}, but shape {expected.shape} was expected")
    if got.size == 0:
        return
    if exact:
        if got.dtype.kind == "f" and not np.isfinite(got).all():
            bad = ~(got == expected)
        else:
            bad = got != expected
    else:
        with np.errstate(invalid="ignore", over="ignore"):
            g, e = got.astype(np.float64), expected.astype(np.float64)
            bad = ~(np.abs(g - e) <= atol + rtol * np.abs(e))
    if bad.any():
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        raise Mismatch(f"{case}: {int(bad.sum())} of {bad.size} values are wrong (the first at index {first})")


def _check_dtype(got: np.ndarray, kind: str | None, dtype: str | None, case: str, shown: str):
    if dtype is not None and shown != dtype:
        raise Mismatch(f"{case}: the result has dtype {shown}, but {dtype} was expected")
    if kind is not None and got.dtype.kind not in kind:
        names = {"f": "floating-point", "i": "integer", "u": "integer", "b": "boolean", "iu": "integer"}
        raise Mismatch(f"{case}: the result has dtype {shown}, but a {names.get(kind, kind)} dtype was expected")


def check_array(got, expected, case: str, *, exact: bool = False, kind: str | None = None,
                dtype: str | None = None, rtol: float = 1e-5, atol: float = 1e-6):
    """`got` must be a numpy array equal to `expected` (within tolerance unless exact)."""
    if not isinstance(got, np.ndarray):
        raise Mismatch(f"{case}: expected a numpy array, got {describe(got)}")
    expected = np.asarray(expected)
    _check_dtype(got, kind, dtype, case, got.dtype.name)
    _compare(got, expected, case, exact, rtol, atol)


def check_tensor(got, expected, case: str, *, device: str, exact: bool = False, kind: str | None = None,
                 dtype: str | None = None, rtol: float = 1e-5, atol: float = 1e-6):
    """`got` must be a torch tensor on `device` (type only: 'cuda' matches
    'cuda:0') whose values equal `expected`."""
    if not isinstance(got, TensorData):
        raise Mismatch(f"{case}: expected a torch tensor, got {describe(got)}")
    if got.device.split(":")[0] != device.split(":")[0]:
        raise Mismatch(f"{case}: the result is on device '{got.device}', but the input was on '{device}' "
                       "(results must stay on the input's device)")
    if got.layout != "strided":
        raise Mismatch(f"{case}: expected a dense tensor, got a {got.layout} one")
    _check_dtype(got.array, kind, dtype, case, got.dtype)
    _compare(got.array, np.asarray(expected), case, exact, rtol, atol)


def check_equal(got, expected, case: str):
    """Plain Python values (ints, strings, lists, dicts) compared exactly,
    types included (bool is not int; numpy scalars are converted)."""
    problem = _plain_difference(got, expected)
    if problem:
        raise Mismatch(f"{case}: {problem}")


def _plain_difference(got, expected, where="the result") -> str | None:
    if isinstance(got, np.generic) and not isinstance(expected, np.generic):
        got = got.item()
    if isinstance(expected, bool) or isinstance(got, bool):
        if type(got) is not type(expected) or got != expected:
            return f"{where} is wrong"
        return None
    if isinstance(expected, int) and type(got) is int:
        return None if got == expected else f"{where} is wrong"
    if type(got) is not type(expected):
        return f"{where} should be a {type(expected).__name__}, got {describe(got)}"
    if isinstance(expected, (list, tuple)):
        if len(got) != len(expected):
            return f"{where} has {len(got)} items, {len(expected)} were expected"
        for i, (g, e) in enumerate(zip(got, expected)):
            p = _plain_difference(g, e, f"item {i} of {where}")
            if p:
                return p
        return None
    if isinstance(expected, dict):
        missing = [k for k in expected if k not in got]
        extra = [k for k in got if k not in expected]
        if missing:
            return f"{where} lacks {len(missing)} expected key(s), for example {missing[0]!r}"
        if extra:
            return f"{where} has {len(extra)} unexpected key(s), for example {extra[0]!r}"
        for k in expected:
            p = _plain_difference(got[k], expected[k], f"the value for {k!r} in {where}")
            if p:
                return p
        return None
    return None if got == expected else f"{where} is wrong"


def check_choice(got, right: str, case: str, choices: str = "abcd"):
    """A multiple-choice answer: one letter of `choices` ("b", "B" and "(b)" alike), the right one.
    The message never says which letter is right."""
    if not isinstance(got, str):
        raise Mismatch(f"{case}: the answer should be one letter from {choices[0]} to {choices[-1]} "
                       f"(a str such as \"{choices[0]}\"), got {describe(got)}")
    letter = got.strip().strip("()").strip().lower()
    if len(letter) != 1 or letter not in choices:
        raise Mismatch(f"{case}: the answer should be one letter from {choices[0]} to {choices[-1]}, "
                       f"got {safe_line(got, 20)!r}")
    if letter != right:
        raise Mismatch(f"{case}: {letter} is not the right choice")


def check_number(got, expected: float, case: str, *, rtol: float = 0.0, atol: float = 0.0):
    """A numeric answer: an int or a float (not a bool, not NaN), within rtol/atol of `expected`
    (exact by default). The message never shows the expected value."""
    if isinstance(got, np.ndarray) and got.size == 1 and got.dtype.kind in "iuf":
        got = got.item()
    if isinstance(got, np.generic):
        got = got.item()
    if isinstance(got, bool) or not isinstance(got, (int, float)):
        raise Mismatch(f"{case}: the answer should be a number, got {describe(got)}")
    try:
        finite, shown = math.isfinite(got), repr(got)
    except OverflowError:               # an int too large for a float (and maybe for str())
        finite, shown = False, "an integer too large for a float"
    if not finite:
        raise Mismatch(f"{case}: the answer should be a finite number, got {shown}")
    if not abs(got - expected) <= atol + rtol * abs(expected):
        raise Mismatch(f"{case}: {got} is not the right number")


@dataclass(frozen=True)
class Choice:
    """The key of a multiple-choice question: the right letter, and why (for the released answers);
    `ask`, the question's start, names its test in the feedback."""
    right: str
    why: str
    choices: str = "abcd"
    ask: str = ""


@dataclass(frozen=True)
class Number:
    """The key of a numeric question: the value (exact unless rtol/atol), and why; `ask` as for Choice."""
    value: float
    why: str
    rtol: float = 0.0
    atol: float = 0.0
    ask: str = ""


def check_answer(student, name: str, key: Choice | Number):
    """The notebook's answer variable `name` (`answer_<chapter>_<question>`, e.g. `answer_2_3`) against
    its key; the case is named after the question ("question 3"). When the grader releases the answers (`student.explain_answers`:
    `grade --explain-answers`, a Gradescope bundle whose tests show after the due date, nbgrader's
    `--HiddenSuiteAutograde.explain_answers=True`), a wrong answer's message gives the right one and why."""
    case = f"question {name.rsplit('_', 1)[-1]}"
    try:
        got = student.answer(name)
        if isinstance(key, Choice):
            check_choice(got, key.right, case, key.choices)
        else:
            check_number(got, key.value, case, rtol=key.rtol, atol=key.atol)
    except (Mismatch, Missing) as e:
        if getattr(student, "explain_answers", False) is not True:
            raise
        right = f"({key.right})" if isinstance(key, Choice) else (
            f"{int(key.value):,}" if float(key.value).is_integer() else f"{key.value:g}")
        raise type(e)(f"{e}; the answer: {right}. {key.why}") from None


def question_tests(chapter: int, questions: dict) -> dict:
    """The tests of a chapter's graded questions, one per key of `questions` (number -> Choice or
    Number): `test_question_<i>`, worth 1 point of task `questions`, checks `answer_<chapter>_<i>`.
    A suite adds them with `globals().update(question_tests(<chapter>, QUESTIONS))`."""
    def one(i: int, key: Choice | Number):
        def test(student):
            check_answer(student, f"answer_{chapter}_{i}", key)
        test.__name__ = test.__qualname__ = f"test_question_{i}"
        test.__doc__ = f"question {i}: {key.ask}" if key.ask else f"question {i}"
        return points(1, task="questions")(test)
    return {f"test_question_{i}": one(i, key) for i, key in sorted(questions.items())}


def expect_error(call, case: str, *names: str):
    """`call()` must raise one of the exception types `names` (checked by name
    along the raised type's MRO, e.g. 'ValueError'); returns the exception."""
    try:
        got = call()
    except StudentRaised as e:
        if e.is_a(*names):
            return e
        raise Mismatch(f"{case}: {e.summary()}, but {' or '.join(names)} was expected") from None
    raise Mismatch(f"{case}: no error was raised (returned {describe(got)}), but {' or '.join(names)} was expected")


def check_unchanged(got, original: np.ndarray, case: str):
    """An input array sent back after the call must still hold its original values."""
    arr = got.array if isinstance(got, TensorData) else got
    if not isinstance(arr, np.ndarray) or arr.shape != original.shape or not np.array_equal(arr, original):
        raise Mismatch(f"{case}: the function changed its input in place; it must leave it unmodified")


# ---------------------------------------------------------------- speed

# A speed check passes if one of up to SPEED_ATTEMPTS timed attempts takes at most
# SPEED_FACTOR * (reference time) + SPEED_SLACK seconds, and every attempt's result is right.
# The reference is timed here, in the grader, right before and right after each attempt
# (Reference.measure), and the smaller of the two counts: a busy spell on a shared machine (the sites
# building beside a class's grading, a cluster's other workers) slows the reference and the attempt
# alike, where one reference measured once at a quiet moment failed right code timed in a busy one
# (0.051 s against a 0.044 s limit, on CI). Load must not widen the limit for a loop either: a loop
# that runs in a quiet moment between two busy references still meets the quiet one, and no
# reference counts for more than REFERENCE_CAP times the quietest one measured in the check (a
# loop over the tokens takes 11-100 times the reference; SPEED_FACTOR * REFERENCE_CAP is 6).
# Noise is also additive (a 50-100 ms stall now and then, even at low load), not a factor: so rather
# than a wider limit, which a loop over the tokens would fit into, more attempts, spread out in time
# (BACKOFF, over 3 s: spread over 1.5 s, all six attempts of right code met one busy spell of a
# fresh-clone `make test` in two of the last four runs) so that one busy spell does not spoil them
# all. A loop stays slow in every attempt; right code needs one moment where it runs as the
# reference does.
SPEED_FACTOR = 3.0
SPEED_SLACK = 0.02
SPEED_ATTEMPTS = 6
REFERENCE_RUNS = 5   # the reference's time before or after an attempt: the median of this many runs
REFERENCE_CAP = 2.0
BACKOFF = (0.1, 0.2, 0.4, 0.8, 1.6)   # seconds of rest after each attempt that was too slow (3.1 s in all)
# Reading a timed result back may take READ_FACTOR times its transfer here plus READ_SLACK before the
# excess counts as time of the call. The transfer is measured on every attempt's result and the
# best rate per byte taken (one noisy measurement would widen the allowance of a lazy loop).
READ_FACTOR = 3.0
READ_SLACK = 0.05
# CPU_NOTE. An attempt slower than its limit by the wall clock still passes when the CPU time of all
# the submission's processes, from the call until its result was read back (the kernel's count in
# the worker's cgroup, read by the grader), is within the limit computed from the reference's own
# CPU time (Reference.cpu: this thread's, for the same runs) plus READ_FACTOR times the result's
# transfer. Both sides in CPU time: against the wall-clock reference, which a busy machine inflates,
# a loop's CPU time passed in a make test. The reference's CPU time also bounds the wall-clock limit
# (REFERENCE_CAP times the quietest of either). Never where the submission may use a GPU, whose work
# is not CPU time (student.CpuClock). With 3 busy processes beside the grading on 2 cores,
# right code of chapter 2's lookup (500k tokens) took up to 0.10 s by the wall clock in a first
# attempt (limit about 0.05 s) and 0.02-0.04 s of CPU; its per-token loops took 0.12-0.7 s of CPU,
# busy or not. Each result is dropped in the worker once read (Attempts.measure): kept, every
# attempt's result and its sending needed fresh pages, which cost up to ~25 us each on these virtual
# machines, and reading 8 MB back took 70-90 ms instead of 12-20 ms.
# Since CPU time does not wait for a quiet moment, a check stops after HOPELESS_IN_A_ROW attempts in
# a row whose CPU time alone was over HOPELESS times what passes: the per-token loops of chapters 2
# and 3 used 1.6-10 times it in every attempt, right code at most 0.4 times, busy or not (0.5 by the
# wall clock), and a first attempt, cold, may be slower than the next.
HOPELESS = 1.5
HOPELESS_IN_A_ROW = 2


@contextmanager
def torch_threads(n):
    """The submission's process runs torch on one thread; the reference does too."""
    import torch
    old = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(old)


def transfer_time(array, repeat=3) -> float:
    """Best time to encode `array`, send it through a pipe and decode it, all here in the grader:
    what sending inputs with a call or reading a right result back costs. Measured here, not in
    the worker, where the submission could slow the measurement down to widen its own limit."""
    best = float("inf")
    for _ in range(repeat):
        fd_in, fd_out = os.pipe()
        try:
            def send():
                buffers = []
                header = protocol.encode_array(np.asarray(array), buffers)
                protocol.write_message(fd_out, {"ok": True, "value": header}, buffers)
            writer = threading.Thread(target=send)
            start = time.perf_counter()
            writer.start()
            header, buffers = protocol.blocking_reader(fd_in).read_message()
            protocol.decode(header["value"], buffers)
            writer.join()
            best = min(best, time.perf_counter() - start)
        finally:
            os.close(fd_in)
            os.close(fd_out)
    return best


class Attempts:
    """The timed attempts of a speed check, each on inputs of its own with its own expected result.

    - A result remembered from an earlier attempt does not answer a later one (new inputs each time).
    - `call(inputs)` makes the timed call (Student.time_call or Remote.time_call) and should send part
      of the inputs with the call itself: inputs sent ahead would let a patched worker do the work
      when they arrive, before the clock starts.
    - The result is read back at once and that is timed too: what reading takes beyond READ_FACTOR x
      the transfer of the right result (measured here) plus READ_SLACK counts as time of the call, so a
      result that does its work only when it is sent (a lazy tensor, a patched worker) gains nothing.
    - `check(got, expected)` raises Mismatch unless the result is right: a fast wrong answer earns nothing."""

    def __init__(self, inputs: list, expected: list, call, check):
        if not inputs or len(inputs) != len(expected):
            raise ValueError("one expected result per attempt's inputs")
        self.inputs, self.expected, self.call, self.check = inputs, expected, call, check
        sizes = [max(1, np.asarray(e).nbytes) for e in expected]
        per_byte = min(transfer_time(e) / n for e, n in zip(expected, sizes))
        self.allowance = [READ_FACTOR * per_byte * n + READ_SLACK for n in sizes]
        # the CPU the worker may spend sending the result back (encoding and writing it: less
        # than a whole transfer here, which also reads and decodes it)
        self.cpu_allowance = [READ_FACTOR * per_byte * n for n in sizes]

    def __len__(self):
        return len(self.inputs)

    def run(self, i: int) -> tuple[float, object]:
        """Attempt i: (seconds it counts for, its result read back)."""
        seconds, _, value = self.measure(i)
        return seconds, value

    def measure(self, i: int) -> tuple[float, float | None, object]:
        """Attempt i: (wall-clock seconds it counts for, CPU seconds the submission's processes used
        from the call until its result was read back, or None where the grader cannot count them,
        its result). The CPU time covers the reading too: work put off until then is counted."""
        with gc_paused():   # a collection here, in the grader, is not the submission's time
            timed = self.call(self.inputs[i])
            start = time.perf_counter()
            value = timed.result.value()
            read = time.perf_counter() - start
            clock = getattr(timed, "cpu", None)
            cpu = clock.elapsed() if clock is not None else None
        drop = getattr(timed.result, "drop", None)
        if drop is not None:   # the next attempt reuses its memory (CPU_NOTE)
            drop()
        return timed.seconds + max(0.0, read - self.allowance[i]), cpu, value


@contextmanager
def gc_paused():
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class Reference:
    """What a speed check compares with: `fn()` run here, in the grader, with torch on one thread
    (as in the worker), plus the transfer of the arrays in `sent`, those that travel with the timed
    call. `name` says what it is in the feedback.

    `measure()` is called right before and right after each attempt, so that the reference and the
    attempt meet the same load (see SPEED_FACTOR). It is the median of REFERENCE_RUNS runs, not the
    best: under steady load, a short reference often runs in one quiet time slice, a longer attempt
    never does."""

    def __init__(self, fn, sent=(), name="vectorised code"):
        self.fn, self.sent, self.name = fn, list(sent), name
        self.warm = False
        self.cpu = None   # the CPU time of the last measure(): the same runs, in this thread's CPU time

    def measure(self) -> float:
        times, cpu_times = [], []
        with torch_threads(1):
            if not self.warm:
                self.fn()
                self.warm = True
            for _ in range(REFERENCE_RUNS):
                start, start_cpu = time.perf_counter(), time.thread_time()
                self.fn()
                times.append(time.perf_counter() - start)
                cpu_times.append(time.thread_time() - start_cpu)
        sending = sum(transfer_time(a) for a in self.sent)
        self.cpu = float(np.median(cpu_times)) + sending
        return float(np.median(times)) + sending


def check_speed(case, reference: Reference, attempts: Attempts, hint, slack: float = SPEED_SLACK):
    """A speed point needs a right result in time: up to len(attempts) attempts, each checked, each
    against a limit from the reference measured around it; the first within its limit passes (by the
    wall clock or, where the grader can count it, by CPU time: CPU_NOTE). Attempts whose CPU time is
    hopeless (HOPELESS) end the check early.
    `slack`: the seconds every limit adds for what a call costs beside its work (waking the worker
    and the grader): a check whose reference takes a few ms needs more than the default."""
    if not isinstance(attempts, Attempts):
        raise TypeError("check_speed needs an Attempts: new inputs and an expected result for every attempt")
    if not isinstance(reference, Reference):
        raise TypeError("check_speed needs a Reference, measured anew before and after each attempt")
    if len(attempts) < SPEED_ATTEMPTS:
        raise ValueError(f"a speed check needs inputs for {SPEED_ATTEMPTS} attempts (harness.SPEED_ATTEMPTS)")
    tries, quietest = [], float("inf")   # (seconds, reference seconds, limit) of each attempt
    hopeless = 0   # attempts in a row whose CPU time alone was over HOPELESS times what passes
    for i in range(len(attempts)):
        before = reference.measure()
        before_cpu = reference.cpu
        seconds, cpu, value = named(case, attempts.measure, i)
        attempts.check(value, attempts.expected[i])
        after = reference.measure()
        ref = min(before, after)
        # The reference's CPU time (this thread's) does not grow when the machine is busy: with it in
        # `quietest`, a busy spell over the first attempt's references cannot widen its limit either
        # (a loop passed so in a make test, before).
        cpu_ref = min((c for c in (before_cpu, reference.cpu) if c is not None), default=ref)
        quietest = min(quietest, ref, cpu_ref)
        ref = min(ref, REFERENCE_CAP * quietest)
        limit = SPEED_FACTOR * ref + slack
        tries.append((seconds, ref, limit))
        if seconds <= limit:
            return
        # Slow by the wall clock, but was it the submission? On a machine shared with other jobs a
        # right answer waits for a core; the CPU time its processes used does not grow with that
        # wait, and a loop's does not shrink (CPU_NOTE). Both sides in CPU time.
        cpu_limit = SPEED_FACTOR * min(cpu_ref, REFERENCE_CAP * quietest) + slack + attempts.cpu_allowance[i]
        if cpu is not None and cpu <= cpu_limit:
            return
        hopeless = hopeless + 1 if cpu is not None and cpu > HOPELESS * cpu_limit else 0
        if hopeless == HOPELESS_IN_A_ROW:   # waiting for a quiet moment cannot help: it is the work itself
            break
        if i + 1 < len(attempts):
            time.sleep(BACKOFF[min(i, len(BACKOFF) - 1)])
    seconds, ref, limit = min(tries)   # the fastest attempt, with its own reference and limit
    raise Mismatch(f"{case}: your code took {seconds:.3f} s at best in {len(tries)} attempts, where "
                   f"{reference.name} took {ref:.4f} s around it (the limit was {limit:.3f} s). {hint}")


# ---------------------------------------------------------------- data

_loaded: dict = {}


def load_once(fn):
    """Cache a suite's data loader for the whole grading process. (pytest imports
    a suite afresh for each submission, so a plain lru_cache would reload the data
    every time.) Results are shared: loaders must return values nobody mutates."""
    key = (fn.__code__.co_filename, fn.__qualname__)

    def wrapper():
        if key not in _loaded:
            _loaded[key] = fn()
        return _loaded[key]
    wrapper.__doc__, wrapper.__name__ = fn.__doc__, fn.__name__
    return wrapper
