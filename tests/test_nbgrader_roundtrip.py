"""The standard nbgrader workflow, with the hidden suites deciding the points, for every exercise:
two students, one submitting the solution and one the untouched release; and in chapter 1, three
more: one whose notebook names another exercise, one whose metadata is malformed, one that sleeps.

One course holds them all, and each nbgrader step runs once for every assignment (`"*"`, as
nbgrader allows): each nbgrader command starts an interpreter, imports torch and warms a sandbox."""
import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import EXERCISES, early, exercise, run_grader, solution

pytestmark = pytest.mark.slow


def nbgrader(*args, cwd):
    from autograder.nbgrader_course import tool_env
    done = subprocess.run([str(Path(sys.executable).parent / "nbgrader"), *args], cwd=cwd, env=tool_env(),
                          capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


CH1 = "01-one-hot-encoding"
SLEEPY = "\n".join([
    "import time, types",
    "for _n, _f in list(globals().items()):",
    "    if isinstance(_f, types.FunctionType) and not _n.startswith('_'):",
    "        globals()[_n] = (lambda f: lambda *a, **k: (time.sleep(1.5), f(*a, **k))[1])(_f)"])


def submit(root, student, nb):
    dest = root / "submitted" / student / CH1
    dest.mkdir(parents=True)
    (dest / f"{CH1}.ipynb").write_text(json.dumps(nb))


def solution_with(change):
    nb = json.loads(solution(CH1).read_text())
    change(nb)
    return nb


EARLY_FIXTURE = "course"


def prepare_early(folder: Path) -> Path:
    """Every exercise: alice submits the solution, bob the release. Chapter 1 also: a solution whose
    metadata names chapter 2, one whose metadata is malformed, and (graded with a 5 s budget from
    the command line) one that sleeps."""
    root = folder / "course"
    done = run_grader("course", root, "--device", "cpu")
    assert done.returncode == 0, done.stderr
    nbgrader("generate_assignment", "*", cwd=root)
    for name in EXERCISES:
        released = root / "release" / name / f"{name}.ipynb"
        for student, source in (("alice", solution(name)), ("bob", released)):
            dest = root / "submitted" / student / name
            dest.mkdir(parents=True)
            shutil.copy(source, dest / f"{name}.ipynb")
    submit(root, "claims", solution_with(lambda nb: nb["metadata"]["course"].update(exercise="02-table-lookup")))
    submit(root, "malformed", solution_with(lambda nb: nb["metadata"]["course"].update(exercise=[CH1])))
    done = nbgrader("autograde", "*", cwd=root)
    (root / "autograde.log").write_text(done.stdout + done.stderr)
    nb = solution_with(lambda nb: None)
    nb["cells"].append({"cell_type": "code", "metadata": {}, "source": SLEEPY, "outputs": [], "execution_count": None})
    submit(root, "sleepy", nb)
    nbgrader("autograde", CH1, "--student", "sleepy", "--HiddenSuiteAutograde.budget=5", cwd=root)
    nbgrader("generate_feedback", "*", cwd=root)
    nbgrader("export", cwd=root)
    return root


@pytest.fixture(scope="module")
def course():
    """The course above, prepared while the tests before this module ran (conftest.py, Early)."""
    return early(prepare_early)


def test_export_has_full_marks_for_the_solution_and_zero_for_the_exercise(course):
    rows = {(r["assignment"], r["student_id"]): r for r in csv.DictReader(open(course / "grades.csv"))
            if r["student_id"] in ("alice", "bob")}
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


def test_autograde_prints_nothing_that_reads_like_tampering_or_failure(course):
    """Grade cells are released as they are stored (no hidden-test region whose removal changes a
    cell's checksum), and nbgrader's known SQLAlchemy 2 warnings are silenced: the log of a class
    says only what happened to each notebook."""
    log = (course / "autograde.log").read_text()
    assert log.count("Hidden suite for") >= 2 * len(EXERCISES)      # it did grade
    for sign in ("checksum", "has changed", "SAWarning", "Traceback", "ERROR"):
        assert sign not in log, [line for line in log.splitlines() if sign in line][:3]
    for page in (course / "feedback").rglob("*.html"):
        text = page.read_text()
        assert "HIDDEN TESTS" not in text and "More cases for this task" not in text, page


# ---------------------------------------------------------------- the assignment decides; every cell says what happened


def grade_cell_texts(root, student):
    nb = json.loads((root / "autograded" / student / CH1 / f"{CH1}.ipynb").read_text())
    texts = []
    for cell in nb["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("grade") and cell["cell_type"] == "code":
            streams = [o["text"] for o in cell["outputs"] if o["output_type"] == "stream"]
            texts.append("".join("".join(t) if isinstance(t, list) else t for t in streams))
    assert texts
    return texts


def scores(root):
    return {r["student_id"]: float(r["score"]) for r in csv.DictReader(open(root / "grades.csv")) if r["assignment"] == CH1}


def test_the_assignment_decides_the_suite_and_the_claim_is_reported(course):
    assert scores(course)["claims"] == 39
    for text in grade_cell_texts(course, "claims"):
        assert "names the exercise 02-table-lookup" in text
        assert f"expected here is {CH1} (from the nbgrader assignment)" in text


def test_a_malformed_notebook_gets_grade_cells_that_say_why(course):
    assert scores(course)["malformed"] == 0
    for text in grade_cell_texts(course, "malformed"):
        assert "No hidden tests ran" in text and "course.exercise is a list" in text


def test_the_time_budget_is_configurable(course, tmp_path):
    done = run_grader("course", tmp_path / "budget", "--device", "cpu", "--budget", "250")
    assert done.returncode == 0, done.stderr
    assert "budget=250.0" in (tmp_path / "budget" / "nbgrader_config.py").read_text()
    assert scores(course)["sleepy"] < 39
    assert any("time budget of 5 s for grading this submission ran out" in t
               for t in grade_cell_texts(course, "sleepy"))


def test_the_course_command_names_the_nbgrader_to_run(tmp_path):
    """The steps printed after `course` work as printed: they name this environment's nbgrader (a
    bare `nbgrader` is not on the PATH of a shell that did not activate the environment)."""
    done = run_grader("course", tmp_path / "c", "--device", "cpu")
    assert done.returncode == 0, done.stderr
    commands = [line.split()[0] for line in done.stdout.splitlines() if line.strip().endswith(("release/", "grades.csv"))]
    assert commands, done.stdout
    for command in commands:
        assert Path(command).is_absolute() and os.access(command, os.X_OK), command
        assert Path(command).parent == Path(sys.executable).parent, command


def test_the_course_says_where_its_data_comes_from_and_what_is_missing(tmp_path):
    """Chapters 4 and 5 grade with data files: the course's config names the folder (not silently the
    clone's), and `course` warns, naming each missing data set and its exercise."""
    from embedding_course import coursedata
    done = run_grader("course", tmp_path / "c", "--device", "cpu")
    assert done.returncode == 0 and f"are read from {coursedata.CACHE}" in done.stdout, done.stdout
    assert f"os.environ.setdefault(\"COURSE_DATA_DIR\", {str(coursedata.CACHE)!r})" in \
        (tmp_path / "c" / "nbgrader_config.py").read_text()
    assert "missing" not in done.stderr
    empty = tmp_path / "no-data"
    empty.mkdir()
    env_done = subprocess.run([sys.executable, "-m", "autograder", "course", str(tmp_path / "d"), "--device", "cpu"],
                              capture_output=True, text=True, env={**os.environ, "COURSE_DATA_DIR": str(empty)},
                              timeout=300)
    assert env_done.returncode == 0
    assert "brown (for 05-word2vec)" in env_done.stderr and "vader (for 04-embeddings-for-a-task)" in env_done.stderr
    assert str(empty) in (tmp_path / "d" / "nbgrader_config.py").read_text()


@pytest.mark.parametrize("explain", [False, True])
def test_autograde_explains_the_answers_only_when_configured(tmp_path, monkeypatch, explain):
    """`nbgrader autograde ... --HiddenSuiteAutograde.explain_answers=True` (after the deadline) tells
    each wrong answer to a graded question the right one and why; by default it does not."""
    import nbformat

    import autograder.grading
    from autograder.nbgrader_course import HiddenSuiteAutograde
    from autograder.results import GradeRecord
    asked = []

    def grade(path, devices, **kwargs):
        asked.append(kwargs.get("explain_answers"))
        return GradeRecord.error(path, "not graded here", "01-one-hot-encoding")
    monkeypatch.setattr(autograder.grading, "grade_safely", grade)
    step = HiddenSuiteAutograde(explain_answers=True) if explain else HiddenSuiteAutograde()
    step.device = "cpu"
    nb = nbformat.read(str(exercise("01-one-hot-encoding")), as_version=4)
    step.preprocess(nb, {"nbgrader": {"assignment": "01-one-hot-encoding", "notebook": "01-one-hot-encoding"}})
    assert asked == [explain]
