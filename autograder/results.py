"""Grade records, typed: what grading one submission found, and the forms it is
written in.

A `GradeRecord` holds one submission's outcome: the notebook, the exercise it
was graded as, the exercise it claims to be when that is another one, its
`TestResult`s, whether it could be graded ("graded") or not ("error"), the
messages for the student and whether its time budget ran out. It is built
here only: the grader (grading.py), the command line (cli.py), the Gradescope
bundle (gradescope.py) and the nbgrader course (nbgrader_course.py) all make
and read records through this module, and each writes them in its own form:

- `to_json()` / `from_json()`: the command line's records (`grade --json FILE`,
  and FILE.d/, which `grade` reads back to resume):
  {"notebook", "exercise", "claims", "score", "max_score", "tests": [{"name",
  "task", "score", "max_score", "output"}], "status", "messages", "budget_exhausted",
  "student", "seconds", "fingerprints"} (the last three may be missing in older files);
- `to_gradescope()`: Gradescope's results.json;
- `to_nbgrader()`: the feedback and the points of one nbgrader grade cell.

Every record is valid when built: its scores are finite numbers with 0 <= score
<= max_score for each test, the record's score and max_score are its tests'
sums, a record that could not be graded has no test results, and every string
in it is safe to print and to write as JSON (autograder/text.py), whatever the
submission or a file read back held. Anything else raises BadRecord.
"""
from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import NamedTuple

from autograder.text import safe_line, safe_path, safe_text

STATUSES = ("graded", "error")
# Gradescope's visibility settings, for a test or for the whole results.
VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")

# Lengths kept of a record's strings (longer ones are cut, saying so).
NAME_LIMIT = 500
TASK_LIMIT = 100
OUTPUT_LIMIT = 4000
MESSAGE_LIMIT = 4000
PATH_LIMIT = 1000
EXERCISE_LIMIT = 100

TEST_KEYS = ("name", "task", "score", "max_score", "output")
RECORD_KEYS = ("notebook", "exercise", "claims", "score", "max_score", "tests", "status", "messages",
               "budget_exhausted")
# Keys a record may have besides (records written before they existed are read without them).
OPTIONAL_KEYS = ("student", "seconds", "fingerprints")
STUDENT_LIMIT = 200
FINGERPRINT_LIMIT = 64     # a hex digest
MAX_FINGERPRINTS = 100


class BadRecord(ValueError):
    """Not a valid grade record (a damaged or edited file, a grader bug); says what is wrong."""


def _number(value, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise BadRecord(f"{what} is not a number: {safe_line(repr(value), 60)}")
    try:
        number = float(value)
    except OverflowError:
        raise BadRecord(f"{what} is not a finite number") from None
    if not math.isfinite(number):
        raise BadRecord(f"{what} is not a finite number: {number!r}")
    return number


def _text(value, what: str, limit: int, *, line: bool) -> str:
    if not isinstance(value, str):
        raise BadRecord(f"{what} is not text: {type(value).__name__}")
    return safe_line(value, limit) if line else safe_text(value, limit)


def _optional_line(value, what: str, limit: int) -> str | None:
    return None if value is None else _text(value, what, limit, line=True)


def _set(obj, name: str, value):
    object.__setattr__(obj, name, value)   # frozen dataclasses: only while building


def _keys(data, keys: tuple[str, ...], what: str, optional: tuple[str, ...] = ()) -> dict:
    if not isinstance(data, dict):
        raise BadRecord(f"{what} is not a JSON object")
    missing, extra = [k for k in keys if k not in data], sorted(set(data) - set(keys) - set(optional), key=str)
    if missing or extra:
        raise BadRecord(f"{what}: " + "; ".join(
            ([f"missing {', '.join(missing)}"] if missing else [])
            + ([f"unknown {', '.join(safe_line(k, 40) for k in extra)}"] if extra else [])))
    return data


@dataclass(frozen=True)
class TestResult:
    """One hidden test's outcome: `score` of its `max_score` points, and what the
    student is told (`output`: "passed", or why it failed). `task` is the
    exercise's task (its grade cell, `tests-<task>`) the test belongs to."""
    __test__ = False   # a result, not a pytest test class

    name: str
    task: str
    score: float
    max_score: float
    output: str

    def __post_init__(self):
        _set(self, "name", _text(self.name, "a test's name", NAME_LIMIT, line=True))
        _set(self, "task", _text(self.task, f"the task of test {self.name!r}", TASK_LIMIT, line=True))
        _set(self, "output", _text(self.output, f"the output of test {self.name!r}", OUTPUT_LIMIT, line=False))
        score = _number(self.score, f"the score of test {self.name!r}")
        max_score = _number(self.max_score, f"the max_score of test {self.name!r}")
        if not 0 <= score <= max_score:
            raise BadRecord(f"test {self.name!r}: score {score:g} is outside 0..{max_score:g}")
        _set(self, "score", score)
        _set(self, "max_score", max_score)

    @classmethod
    def outcome(cls, name: str, task: str, points: float, passed: bool, failure: str = "failed") -> TestResult:
        """A test worth `points`: all of them when it passed, else none, with why it failed."""
        return cls(name, task, points if passed else 0.0, points, "passed" if passed else failure)

    @property
    def passed(self) -> bool:
        return self.score == self.max_score

    def to_json(self) -> dict:
        return {"name": self.name, "task": self.task, "score": self.score, "max_score": self.max_score,
                "output": self.output}

    @classmethod
    def from_json(cls, data) -> TestResult:
        data = _keys(data, TEST_KEYS, "a test result")
        return cls(**data)


class CellGrade(NamedTuple):
    """An nbgrader grade cell's outcome: the feedback it shows, and its points."""
    text: str
    score: float


@dataclass(frozen=True)
class GradeRecord:
    """One submission's grade. Build it with `graded`, `error` or `from_json`;
    it is immutable (`with_messages` and `renamed` return a new one)."""
    notebook: str
    exercise: str | None = None
    claims: str | None = None
    tests: tuple[TestResult, ...] = ()
    status: str = "graded"
    messages: tuple[str, ...] = ()
    budget_exhausted: bool = False
    student: str | None = None          # who submitted it, when the layout says (report.identify)
    seconds: float | None = None        # how long grading it took
    fingerprints: tuple[tuple[str, str], ...] = ()   # (task, digest of its normalised code): report.py

    def __post_init__(self):
        _set(self, "notebook", _text(self.notebook, "notebook", PATH_LIMIT, line=True))
        _set(self, "exercise", _optional_line(self.exercise, "exercise", EXERCISE_LIMIT))
        _set(self, "claims", _optional_line(self.claims, "claims", EXERCISE_LIMIT))
        if isinstance(self.tests, (str, bytes, dict)) or not isinstance(self.tests, Iterable):
            raise BadRecord("tests is not a list of test results")
        tests = tuple(self.tests)
        if not all(isinstance(t, TestResult) for t in tests):
            raise BadRecord("tests holds something that is not a TestResult")
        _set(self, "tests", tests)
        if self.status not in STATUSES:
            raise BadRecord(f"status is {safe_line(repr(self.status), 40)}, not one of {', '.join(STATUSES)}")
        if self.status == "error" and tests:
            raise BadRecord("a record of a submission that could not be graded has test results")
        if isinstance(self.messages, (str, bytes, dict)) or not isinstance(self.messages, Iterable):
            raise BadRecord("messages is not a list of text")
        _set(self, "messages", tuple(_text(m, "a message", MESSAGE_LIMIT, line=False) for m in self.messages))
        if not isinstance(self.budget_exhausted, bool):
            raise BadRecord("budget_exhausted is not true or false")
        _set(self, "student", _optional_line(self.student, "student", STUDENT_LIMIT))
        if self.seconds is not None:
            seconds = _number(self.seconds, "seconds")
            if seconds < 0:
                raise BadRecord("seconds is negative")
            _set(self, "seconds", seconds)
        if isinstance(self.fingerprints, (str, bytes, dict)) or not isinstance(self.fingerprints, Iterable):
            raise BadRecord("fingerprints is not a list of (task, digest) pairs")
        pairs = tuple(self.fingerprints)
        if len(pairs) > MAX_FINGERPRINTS or not all(isinstance(p, tuple) and len(p) == 2 for p in pairs):
            raise BadRecord("fingerprints is not a list of (task, digest) pairs")
        for _, digest in pairs:
            if not (isinstance(digest, str) and 0 < len(digest) <= FINGERPRINT_LIMIT
                    and all(ch in "0123456789abcdef" for ch in digest)):
                raise BadRecord("a fingerprint is not a hex digest")
        _set(self, "fingerprints", tuple((_text(task, "a fingerprint's task", TASK_LIMIT, line=True), digest)
                                         for task, digest in pairs))

    # ------------------------------------------------------------ building

    @classmethod
    def graded(cls, path, exercise: str, tests: Iterable[TestResult], *, claims: str | None = None,
               messages: Iterable[str] = (), budget_exhausted: bool = False) -> GradeRecord:
        """The record of a notebook the hidden suite graded."""
        return cls(safe_path(path), exercise, claims, tuple(tests), "graded", tuple(messages), budget_exhausted)

    @classmethod
    def error(cls, path, message, exercise: str | None = None, *, claims: str | None = None) -> GradeRecord:
        """The record of a submission that could not be graded, with the reason
        (any text: an exception's message, say, is made safe here)."""
        return cls(safe_path(path), exercise, claims, status="error", messages=(safe_text(message, MESSAGE_LIMIT),))

    def with_messages(self, before: Iterable[str] = (), after: Iterable[str] = ()) -> GradeRecord:
        """This record with more messages, before and after its own."""
        return replace(self, messages=(*before, *self.messages, *after))

    def renamed(self, path) -> GradeRecord:
        """This record, of the notebook at `path` (a stored record reused for a file of the same bytes)."""
        return replace(self, notebook=safe_path(path))

    def with_details(self, **fields) -> GradeRecord:
        """This record with `student`, `seconds` or `fingerprints` (a dict task -> digest) set."""
        if isinstance(fields.get("fingerprints"), dict):
            fields["fingerprints"] = tuple(sorted(fields["fingerprints"].items()))
        unknown = set(fields) - set(OPTIONAL_KEYS)
        if unknown:
            raise TypeError(f"with_details takes {', '.join(OPTIONAL_KEYS)}, not {', '.join(sorted(unknown))}")
        return replace(self, **fields)

    # ------------------------------------------------------------ reading

    @property
    def score(self) -> float:
        return round(sum(t.score for t in self.tests), 6)

    @property
    def max_score(self) -> float:
        return round(sum(t.max_score for t in self.tests), 6)

    @property
    def lost(self) -> list[TestResult]:
        """The tests that did not earn all their points."""
        return [t for t in self.tests if not t.passed]

    # ------------------------------------------------------------ the command line's records

    def to_json(self) -> dict:
        return {"notebook": self.notebook, "exercise": self.exercise, "claims": self.claims, "score": self.score,
                "max_score": self.max_score, "tests": [t.to_json() for t in self.tests], "status": self.status,
                "messages": list(self.messages), "budget_exhausted": self.budget_exhausted,
                "student": self.student, "seconds": self.seconds, "fingerprints": dict(self.fingerprints)}

    @classmethod
    def from_json(cls, data) -> GradeRecord:
        """A record as to_json wrote it; BadRecord if it is anything else (a
        score that is not its tests' sum, say, or a field missing)."""
        data = _keys(data, RECORD_KEYS, "a grade record", OPTIONAL_KEYS)
        if not isinstance(data["tests"], list) or not isinstance(data["messages"], list):
            raise BadRecord("tests and messages must be lists")
        prints = data.get("fingerprints") or {}
        if not isinstance(prints, dict):
            raise BadRecord("fingerprints is not an object")
        record = cls(data["notebook"], data["exercise"], data["claims"],
                     tuple(TestResult.from_json(t) for t in data["tests"]), data["status"], tuple(data["messages"]),
                     data["budget_exhausted"], data.get("student"), data.get("seconds"), tuple(prints.items()))
        for key in ("score", "max_score"):
            if _number(data[key], key) != getattr(record, key):
                raise BadRecord(f"{key} {data[key]!r} is not the sum of the tests' ({getattr(record, key):g})")
        return record

    # ------------------------------------------------------------ Gradescope

    def to_gradescope(self, visibility: str = "after_due_date") -> dict:
        """Gradescope's results.json: the score, a summary with the messages as
        the output shown to the student, each test with `visibility`, and the
        rest of the record in `extra_data` (stored by Gradescope, not shown).

        The summary is always visible. With `after_due_date` tests it names the checks not passed,
        with their task and points but not why (the hidden details): feedback check by check
        before the deadline, the reasons after it. With `hidden` tests, the score alone."""
        if visibility not in VISIBILITIES:
            raise ValueError(f"visibility must be one of {', '.join(VISIBILITIES)}, not {visibility!r}")
        lines = [f"{self.exercise or 'unknown exercise'}: {self.score:g} / {self.max_score:g}"]
        lines += [f"! {m}" for m in self.messages]
        if visibility == "after_due_date" and self.tests:
            missed = [t for t in self.tests if not t.passed]
            if missed:
                lines.append(f"Checks not passed ({len(missed)} of {len(self.tests)}; why each failed is shown "
                             "after the due date):")
                lines += [f"  \u2717 [{t.task}] {t.name} ({t.score:g}/{t.max_score:g})" for t in missed]
            else:
                lines.append(f"Every check passed ({len(self.tests)} of {len(self.tests)}).")
        tests = [{"name": t.name, "score": t.score, "max_score": t.max_score, "output": t.output,
                  "visibility": visibility} for t in self.tests]
        extra = {"notebook": self.notebook, "exercise": self.exercise, "claims": self.claims, "status": self.status,
                 "max_score": self.max_score, "budget_exhausted": self.budget_exhausted, "student": self.student}
        return {"score": self.score, "output": "\n".join(lines), "visibility": "visible",
                "stdout_visibility": "hidden", "extra_data": extra, "tests": tests}

    # ------------------------------------------------------------ nbgrader

    def to_nbgrader(self, task: str, cell_points: float) -> CellGrade:
        """A grade cell's feedback and points: the tests of its task, each with its
        points and why it failed, and the record's messages (what happened to the
        whole notebook is said in every grade cell). Its points are the cell's
        scaled by the share its tests earned (the two agree unless the course
        was edited), never outside 0..cell_points."""
        tests = [t for t in self.tests if t.task == task]
        earned, possible = sum(t.score for t in tests), sum(t.max_score for t in tests)
        lines = [f"{'✓' if t.passed else '✗'} {t.name} ({t.score:g}/{t.max_score:g})"
                 + ("" if t.passed else f": {t.output}") for t in tests]
        if not tests:
            lines = ["No hidden tests ran for this cell."]
        lines += [f"! {m}" for m in self.messages]
        if not (isinstance(cell_points, (int, float)) and math.isfinite(cell_points) and cell_points > 0):
            cell_points = 0.0
        score = cell_points * earned / possible if possible else 0.0
        return CellGrade("\n".join(lines) + "\n", float(round(min(max(score, 0.0), cell_points), 6)))


def write_json_atomic(path: Path, data):
    """Write `data` as JSON to `path` all at once: a reader sees the old file or the new one, never part."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=1, ensure_ascii=True)   # ASCII: lone surrogates cannot break it either
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
