"""Which exercises there are (autograder/exercises.py), asked of course folders built in
tmp_path by a small factory, and of this course."""
import json

from autograder import exercises
from conftest import EXERCISES, REPO


def a_course(root, suites=(), solutions=(), other=()):
    """A course folder: hidden suites and solution notebooks for the names given."""
    for name in suites:
        (root / "autograder" / "suites" / name).mkdir(parents=True)
    for name in solutions:
        (root / "solutions" / name).mkdir(parents=True)
        (root / "solutions" / name / f"{name}.ipynb").write_text(json.dumps({"cells": []}))
    for path in other:
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text("")
    return root


def test_an_exercise_has_a_suite_and_a_solution_notebook(tmp_path):
    root = a_course(tmp_path, suites=["02-b", "01-a", "03-no-solution", "_shared", ".cache"],
                    solutions=["01-a", "02-b", "04-no-suite", "_shared", ".cache"],
                    other=["autograder/suites/conftest.py", "solutions/03-no-solution/notes.md"])
    assert exercises.discover(root) == ["01-a", "02-b"]


def test_a_course_without_suites_has_no_exercises(tmp_path):
    assert exercises.discover(a_course(tmp_path, solutions=["01-a"])) == []


def test_where_an_exercise_lives(tmp_path):
    assert exercises.suite_dir("01-a", tmp_path) == tmp_path / "autograder" / "suites" / "01-a"
    assert exercises.solution_path("01-a", tmp_path) == tmp_path / "solutions" / "01-a" / "01-a.ipynb"
    assert exercises.released_path("01-a", tmp_path) == tmp_path / "exercises" / "01-a" / "01-a.ipynb"


def test_this_course():
    from autograder.notebook import known_exercises
    assert EXERCISES == exercises.discover() == exercises.discover(REPO) == sorted(known_exercises())
    assert len(EXERCISES) >= 6
    for name in EXERCISES:
        assert exercises.suite_dir(name).is_dir() and exercises.released_path(name).is_file()
