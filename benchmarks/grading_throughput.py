"""Grading throughput: our sandboxed grader against nbgrader's own autograde,
on the same class of submissions and the same checks, on the same cores.

    .venv/bin/python benchmarks/grading_throughput.py [--students 50] [--jobs 2]

The class: every student submits every exercise; a third submit the solution,
a third the solution with one classic bug (tests/buggy/), a third the blank
exercise. Our grader runs `python -m autograder grade --jobs N` (student code in
bubblewrap, the suite in the grader). nbgrader runs `nbgrader autograde` with
its standard Execute step, the same hidden suite running inside each student's
kernel (benchmarks/inprocess.py: the insecure way common graders work), one
notebook at a time as nbgrader does. Writes grading_throughput.json beside this
file. Run on demand; not part of `make test`.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autograder.exercises import discover, released_path
from autograder.notebook import nbgrader_meta
from autograder.sandbox import bwrap_path

REPO = Path(__file__).resolve().parents[1]   # the course: solutions/, exercises/, tests/buggy/
RESULTS = Path(__file__).with_suffix(".json")


def exercises() -> list[str]:
    """The course's exercises that have a released student notebook."""
    return [name for name in discover() if released_path(name).exists()]


def submission(exercise: str, student: int) -> dict:
    """Student `student`'s notebook: correct, one bug, or blank."""
    kind = student % 3
    if kind == 2:
        return json.loads((REPO / "exercises" / exercise / f"{exercise}.ipynb").read_text())
    nb = json.loads((REPO / "solutions" / exercise / f"{exercise}.ipynb").read_text())
    bugs = sorted((REPO / "tests" / "buggy" / exercise).glob("*.py"))
    if kind == 1 and bugs:
        bug = bugs[(student // 3) % len(bugs)].read_text()
        target = re.search(r"^# replaces: (\S+)", bug, re.M).group(1)
        for cell in nb["cells"]:
            if nbgrader_meta(cell).get("grade_id") == target:
                cell["source"] = bug
    nb["cells"].append({"cell_type": "markdown", "metadata": {}, "source": f"student {student}"})
    return nb


def nbgrader_source(exercise: str) -> dict:
    """The solution notebook with each grade cell running the hidden suite's
    tests of its task in the kernel, the common graders' way."""
    nb = json.loads((REPO / "solutions" / exercise / f"{exercise}.ipynb").read_text())
    for cell in nb["cells"]:
        meta = nbgrader_meta(cell)
        if meta.get("grade") and not meta.get("solution"):
            task = meta["grade_id"].removeprefix("tests-")
            cell["source"] = ("from benchmarks.inprocess import run_task\n"
                              f"run_task(globals(), {exercise!r}, {task!r})")
    return nb


def run(cmd, cwd, env=None) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(map(str, cmd))} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=50)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--exercises", nargs="+", metavar="NAME", help="only these exercises (default: all)")
    args = parser.parse_args()
    names = [n for n in exercises() if not args.exercises or n in args.exercises]
    python = sys.executable
    bindir = str(Path(python).parent)
    env = {**os.environ, "PATH": bindir + os.pathsep + os.environ["PATH"]}
    with tempfile.TemporaryDirectory(prefix="throughput-") as tmp:
        tmp = Path(tmp)
        # ---- our grader
        for s in range(args.students):
            for ex in names:
                dest = tmp / "class" / f"student{s:03d}" / f"{ex}.ipynb"
                dest.parent.mkdir(parents=True, exist_ok=True)
                dest.write_text(json.dumps(submission(ex, s)))
        print(f"grading {args.students * len(names)} notebooks with our grader ({args.jobs} jobs)...", flush=True)
        ours_s = run([python, "-m", "autograder", "grade", str(tmp / "class"), "--device", "cpu",
                      "--jobs", str(args.jobs), "--json", str(tmp / "ours.json")], REPO, env)
        ours = {(Path(r["notebook"]).parent.name, r["exercise"]): r["score"]
                for r in json.loads((tmp / "ours.json").read_text())}
        # ---- nbgrader's autograde, the same checks inside the kernel
        course = tmp / "course"
        (course / "source").mkdir(parents=True)
        (course / "nbgrader_config.py").write_text(
            "c = get_config()\nc.CourseDirectory.course_id = 'throughput'\n"
            # nbgrader's default (30 s a cell) would fail chapter 5's one-epoch training test,
            # which our grader allows 240 s: give the kernel the same time.
            "c.ExecutePreprocessor.timeout = 600\nc.Execute.timeout = 600\n")
        for ex in names:
            (course / "source" / ex).mkdir()
            (course / "source" / ex / f"{ex}.ipynb").write_text(json.dumps(nbgrader_source(ex)))
            run([os.path.join(bindir, "nbgrader"), "generate_assignment", ex, "--force"], course, env)
            for s in range(args.students):
                dest = course / "submitted" / f"student{s:03d}" / ex / f"{ex}.ipynb"
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(tmp / "class" / f"student{s:03d}" / f"{ex}.ipynb", dest)
        print(f"grading the same {args.students * len(names)} notebooks with nbgrader autograde...", flush=True)
        nbg_s = sum(run([os.path.join(bindir, "nbgrader"), "autograde", ex], course, env) for ex in names)
        run([os.path.join(bindir, "nbgrader"), "export"], course, env)
        import csv
        theirs = {(r["student_id"], r["assignment"]): float(r["raw_score"] or 0)
                  for r in csv.DictReader(open(course / "grades.csv"))}
    agree = sum(abs(ours.get(k, -1) - v) < 1e-6 for k, v in theirs.items())
    differ = [{"student": k[0], "exercise": k[1], "ours": ours.get(k), "nbgrader": v}
              for k, v in sorted(theirs.items()) if not abs(ours.get(k, -1) - v) < 1e-6]
    n = args.students * len(names)
    import nbgrader
    import torch
    result = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": {"cores": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
                    "torch": torch.__version__, "nbgrader": nbgrader.__version__},
        "class": {"students": args.students, "exercises": names, "notebooks": n,
                  "mix": "a third correct, a third with one bug, a third blank"},
        "ours": {"seconds": round(ours_s, 1), "notebooks_per_second": round(n / ours_s, 3), "jobs": args.jobs,
                 "isolation": "bubblewrap sandbox + pids cgroup" if bwrap_path() else "child process only"},
        "nbgrader": {"seconds": round(nbg_s, 1), "notebooks_per_second": round(n / nbg_s, 3), "jobs": 1,
                     "isolation": "none: tests run in the student's kernel"},
        "throughput_ratio": round(nbg_s / ours_s, 2),
        "same_scores": f"{agree} of {len(theirs)}",
        "different_scores": differ,
    }
    RESULTS.write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
