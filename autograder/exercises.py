"""Which exercises the course has, and where their files live.

An exercise is a chapter with a hidden suite, autograder/suites/<name>/, and a
solution notebook, solutions/<name>/<name>.ipynb; nbgrader releases the student
notebook from it as exercises/<name>/<name>.ipynb. `discover` is the one list
of them: the grader, the nbgrader course, the Gradescope bundle and the tests
all use it. A Gradescope bundle carries no solutions: INDEX, which the bundle
holds instead, names every exercise (notebook.known_exercises reads it there).

`repo` is the course's folder (default: the one this grader belongs to).
"""
from __future__ import annotations

from pathlib import Path

from autograder import REPO, SUITES

# In a Gradescope bundle, which has no solutions: every exercise's name and grade ids.
INDEX = REPO / "autograder" / "exercises.json"


def suites_dir(repo: Path | None = None) -> Path:
    return SUITES if repo is None else Path(repo) / "autograder" / "suites"


def solutions_dir(repo: Path | None = None) -> Path:
    return Path(REPO if repo is None else repo) / "solutions"


def released_dir(repo: Path | None = None) -> Path:
    return Path(REPO if repo is None else repo) / "exercises"


def suite_dir(name: str, repo: Path | None = None) -> Path:
    return suites_dir(repo) / name


def solution_path(name: str, repo: Path | None = None) -> Path:
    return solutions_dir(repo) / name / f"{name}.ipynb"


def released_path(name: str, repo: Path | None = None) -> Path:
    """The student notebook nbgrader releases (exercises/<name>/<name>.ipynb)."""
    return released_dir(repo) / name / f"{name}.ipynb"


def discover(repo: Path | None = None) -> list[str]:
    """The exercises, sorted: the folders of autograder/suites/ (not those whose
    name starts with _ or .) that have a solution notebook."""
    suites = suites_dir(repo)
    if not suites.is_dir():
        return []
    return sorted(p.name for p in suites.iterdir()
                  if p.is_dir() and not p.name.startswith(("_", ".")) and solution_path(p.name, repo).is_file())


def data_sets(exercise: str) -> list[str]:
    """The course data sets (embedding_course.coursedata.SOURCES) the exercise's hidden suite reads:
    what a Gradescope bundle fetches and an nbgrader course needs."""
    from embedding_course import coursedata
    return sorted({source for path in (SUITES / exercise).rglob("*.py")
                   for source in coursedata.sources_read_by(path.read_text())})
