"""The standard nbgrader workflow, with the hidden suites deciding the points, for every exercise:
two students, one submitting the solution and one the untouched release."""
import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import EXERCISES, exercise, run_grader, solution


def nbgrader(*args, cwd):
    bindir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": bindir + os.pathsep + os.environ["PATH"]}
    done = subprocess.run([os.path.join(bindir, "nbgrader"), *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = tmp_path_factory.mktemp("course")
    done = run_grader("course", root, "--device", "cpu")
    assert done.returncode == 0, done.stderr
    for name in EXERCISES:
        nbgrader("generate_assignment", name, cwd=root)
        released = root / "release" / name / f"{name}.ipynb"
        for student, source in (("alice", solution(name)), ("bob", released)):
            dest = root / "submitted" / student / name
            dest.mkdir(parents=True)
            shutil.copy(source, dest / f"{name}.ipynb")
        nbgrader("autograde", name, cwd=root)
        nbgrader("generate_feedback", name, cwd=root)
    nbgrader("export", cwd=root)
    return root


def test_export_has_full_marks_for_the_solution_and_zero_for_the_exercise(course):
    rows = {(r["assignment"], r["student_id"]): r for r in csv.DictReader(open(course / "grades.csv"))}
    assert len(rows) == 2 * len(EXERCISES)
    for name in EXERCISES:
        alice, bob = rows[(name, "alice")], rows[(name, "bob")]
        max_score = float(alice["max_score"])
        assert max_score > 0
        assert float(alice["score"]) == max_score, name
        assert float(bob["score"]) == 0.0, name


@pytest.mark.parametrize("name", EXERCISES)
def test_feedback_shows_per_test_results_without_hidden_source(course, repo, name):
    raw = (course / "feedback" / "bob" / name / f"{name}.html").read_text()
    html = BeautifulSoup(raw, "html.parser").get_text()  # unescaped, as the student reads it
    assert "✗" in html and "NotImplementedError" in html
    suite = (repo / "autograder" / "suites" / name / f"test_{name.replace('-', '_')}.py").read_text()
    public = exercise(name).read_text()  # helpers the students are given are not hidden
    hidden = [line.strip() for line in suite.splitlines()
              if len(line.strip()) > 40 and not line.strip().startswith(("import ", "from ", "#", '"""'))
              and json.dumps(line.strip())[1:-1] not in public]
    assert len(hidden) > 20
    leaked = [line for line in hidden if line in html]
    assert not leaked, leaked[:3]
