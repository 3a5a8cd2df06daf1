"""The standard nbgrader workflow, with the hidden suites deciding the points."""
import csv
import os
import shutil
import sys
from pathlib import Path

import pytest

from conftest import EXERCISES, run_grader, solution

NAME = "02-table-lookup"


def nbgrader(*args, cwd):
    import subprocess
    bindir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": bindir + os.pathsep + os.environ["PATH"]}
    done = subprocess.run([os.path.join(bindir, "nbgrader"), *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = tmp_path_factory.mktemp("course")
    done = run_grader("course", root, "--device", "cpu")
    assert done.returncode == 0, done.stderr
    nbgrader("generate_assignment", NAME, cwd=root)
    released = root / "release" / NAME / f"{NAME}.ipynb"
    for student, source in (("alice", solution(NAME)), ("bob", released)):
        dest = root / "submitted" / student / NAME
        dest.mkdir(parents=True)
        shutil.copy(source, dest / f"{NAME}.ipynb")
    nbgrader("autograde", NAME, cwd=root)
    nbgrader("generate_feedback", NAME, cwd=root)
    nbgrader("export", cwd=root)
    return root


def test_export_has_full_marks_for_the_solution_and_zero_for_the_exercise(course):
    rows = {r["student_id"]: r for r in csv.DictReader(open(course / "grades.csv"))}
    assert set(rows) == {"alice", "bob"}
    max_score = float(rows["alice"]["max_score"])
    assert max_score > 0
    assert float(rows["alice"]["score"]) == max_score
    assert float(rows["bob"]["score"]) == 0.0


def test_feedback_shows_per_test_results_without_hidden_source(course, repo):
    html = (course / "feedback" / "bob" / NAME / f"{NAME}.html").read_text()
    assert "✗" in html and "NotImplementedError" in html
    suite = (repo / "autograder" / "suites" / NAME / f"test_{NAME.replace('-', '_')}.py").read_text()
    longest = max((line.strip() for line in suite.splitlines()), key=len)
    assert longest not in html
