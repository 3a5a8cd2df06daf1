"""Gradescope: build an autograder bundle for one exercise, and the entry point
its run_autograder calls.

Gradescope unpacks the bundle into /autograder/source, runs setup.sh once when
the image is built, then for every submission runs /autograder/run_autograder
with the student's files in /autograder/submission, and reads
/autograder/results/results.json:
{"score", "output", "visibility", "tests": [{"name", "score", "max_score", "output", "visibility"}]}.
"""
from __future__ import annotations

import os
import stat
import zipfile
from pathlib import Path

from autograder import REPO, SUITES

VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")

SETUP_SH = """#!/usr/bin/env bash
# Runs once when Gradescope builds the autograder image (Ubuntu, as root).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq python3.11 python3.11-venv bubblewrap >/dev/null
python3.11 -m venv /autograder/venv
/autograder/venv/bin/pip install --quiet --upgrade pip
/autograder/venv/bin/pip install --quiet -r /autograder/source/requirements.txt -c /autograder/source/constraints.txt
# Student code must not read the hidden suites if the sandbox cannot start here:
# the grader then runs it as this unprivileged user, who cannot enter the source.
id -u grader-student >/dev/null 2>&1 || useradd --system --no-create-home grader-student
chmod -R go-rwx /autograder/source
chmod -R go+rX /autograder/venv
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for every submission.
set -uo pipefail
ROOT="${{AUTOGRADER_ROOT:-/autograder}}"
PYTHON="${{AUTOGRADER_PYTHON:-$ROOT/venv/bin/python}}"
cd "$ROOT/source"
export COURSE_GRADER_USER="${{COURSE_GRADER_USER:-grader-student}}"
exec "$PYTHON" -m autograder gradescope-run --exercise {exercise} --visibility {visibility} \\
    --submission "$ROOT/submission" --results "$ROOT/results/results.json"
"""


def build_bundle(exercise: str, out: Path, visibility: str = "after_due_date") -> Path:
    """A zip with setup.sh and run_autograder at its top, and what the grader
    needs: the autograder package with this exercise's suite only, and the pins.
    No solutions: the exercise is fixed by the bundle."""
    if not (SUITES / exercise).is_dir():
        raise SystemExit(f"error: no hidden suite for exercise {exercise!r}")
    if visibility not in VISIBILITIES:
        raise SystemExit(f"error: visibility must be one of {', '.join(VISIBILITIES)}")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        _add(z, "setup.sh", SETUP_SH, executable=True)
        _add(z, "run_autograder", RUN_AUTOGRADER.format(exercise=exercise, visibility=visibility), executable=True)
        for name in ("requirements.txt", "constraints.txt"):
            z.write(REPO / name, name)
        for path in sorted((REPO / "autograder").rglob("*")):
            rel = path.relative_to(REPO)
            if (path.is_file() and "__pycache__" not in rel.parts and path.suffix == ".py"
                    and (rel.parts[:2] != ("autograder", "suites") or rel.parts[2:3] == (exercise,))):
                z.write(path, str(rel))
    return out


def _add(z: zipfile.ZipFile, name: str, text: str, executable: bool = False):
    info = zipfile.ZipInfo(name)
    info.external_attr = ((0o755 if executable else 0o644) | stat.S_IFREG) << 16
    z.writestr(info, text)


def to_results(record: dict, visibility: str) -> dict:
    """Our record in Gradescope's results schema."""
    lines = [f"{record['exercise'] or 'unknown exercise'}: {record['score']:g} / {record['max_score']:g}"]
    lines += [f"! {m}" for m in record["messages"]]
    tests = [{"name": t["name"], "score": float(t["score"]), "max_score": float(t["max_score"]),
              "output": t["output"], "visibility": visibility} for t in record["tests"]]
    return {"score": float(record["score"]), "output": "\n".join(lines), "visibility": "visible",
            "stdout_visibility": "hidden", "tests": tests}


def run(exercise: str, submission: Path, results: Path, visibility: str) -> int:
    from autograder.grading import grade_notebook, resolve_devices
    from autograder.cli import write_json_atomic
    notebooks = sorted(p for p in Path(submission).rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    preferred = [p for p in notebooks if p.stem == exercise]
    if not notebooks:
        record = {"exercise": exercise, "score": 0.0, "max_score": 0.0, "tests": [],
                  "messages": [f"No .ipynb file was submitted: upload {exercise}.ipynb"]}
    else:
        chosen = (preferred or notebooks)[0]
        record = grade_notebook(chosen, resolve_devices(os.environ.get("COURSE_GRADER_DEVICE", "auto")))
        if record["exercise"] not in (None, exercise):
            record = {**record, "score": 0.0, "tests": [],
                      "messages": [f"{chosen.name} is the exercise {record['exercise']}, not {exercise}: "
                                   "submit the right notebook"]}
        elif len(notebooks) > 1:
            record["messages"].append(f"{len(notebooks)} notebooks were submitted; graded {chosen.name}")
    write_json_atomic(Path(results), to_results(record, visibility))
    return 0


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

