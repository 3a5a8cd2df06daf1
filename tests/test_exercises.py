"""exercises/ is exactly what nbgrader generates from solutions/, and holds no solution code."""
import json
import re

import pytest

from conftest import EXERCISES, REPO, early, exercise, run_grader, solution

EARLY_FIXTURE = "released"


def code_cells(path):
    return [c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]


def solution_lines(min_length=20):
    """Lines inside BEGIN/END SOLUTION and HIDDEN TESTS regions of every solution notebook
    (imports aside: the book may import what a solution imports)."""
    lines = set()
    for name in EXERCISES:
        for cell in code_cells(solution(name)):
            src = "".join(cell["source"])
            for block in re.findall(r"### BEGIN (?:SOLUTION|HIDDEN TESTS)\n(.*?)### END", src, re.S):
                lines |= {l.strip() for l in block.splitlines()
                          if len(l.strip()) >= min_length and not l.strip().startswith(("import ", "from "))}
    return lines


def test_every_exercise_has_its_four_parts():
    for name in EXERCISES:
        assert (REPO / "book" / f"{name}.md").exists()
        assert solution(name).exists() and exercise(name).exists()
        assert (REPO / "autograder" / "suites" / name / f"test_{name.replace('-', '_')}.py").exists()


def prepare_early(folder):
    """nbgrader's release of every exercise into `folder` (started with the session: conftest.py, Early)."""
    return run_grader("release", "--out", folder), folder


@pytest.fixture(scope="module")
def released():
    return early(prepare_early)


@pytest.mark.slow
def test_exercises_are_what_nbgrader_generates(released):
    done, folder = released
    assert done.returncode == 0, done.stderr
    for name in EXERCISES:
        generated = (folder / name / f"{name}.ipynb").read_text()
        assert generated == exercise(name).read_text(), f"exercises/{name} is stale: run `make exercises`"
    assert sorted(p.name for p in folder.iterdir()) == sorted(EXERCISES)


@pytest.mark.parametrize("name", EXERCISES)
def test_every_exercise_opens_with_its_objectives_and_time(name):
    """The learner sees first what the exercise teaches and how long it takes (its first cell)."""
    first = json.loads(exercise(name).read_text())["cells"][0]
    text = "".join(first["source"])
    assert first["cell_type"] == "markdown" and text.startswith("# Exercise ")
    objectives = text.split("**Learning objectives.**", 1)[1].split("**Time.**", 1)
    assert len(re.findall(r"^- \S", objectives[0], re.M)) >= 3, text[:600]
    assert re.match(r" About \d+(-\d+)? minutes", objectives[1]), text[:600]


@pytest.mark.parametrize("name", EXERCISES)
def test_every_task_has_hints_the_learner_opens_on_purpose(name):
    """Before each task's solution cell: one or two hints, each collapsed (<details>), in a markdown
    cell nbgrader does not grade, giving away no line of the solution."""
    cells = json.loads(exercise(name).read_text())["cells"]
    tasks = [i for i, c in enumerate(cells)
             if c["metadata"].get("nbgrader", {}).get("grade_id", "").startswith("solution-")]
    secret = solution_lines()
    assert tasks
    for i in tasks:
        hint, text = cells[i - 1], "".join(cells[i - 1]["source"])
        assert hint["cell_type"] == "markdown" and hint["metadata"].get("hint") and "nbgrader" not in hint["metadata"], \
            (name, cells[i]["metadata"]["nbgrader"]["grade_id"])
        opened = text.count("<details>")
        assert 1 <= opened <= 2 and opened == text.count("</details>") == text.count("<summary>"), text
        assert not [line for line in secret if line in text], text


@pytest.mark.parametrize("name", EXERCISES)
def test_notebooks_are_stored_without_outputs(name):
    for path in (solution(name), exercise(name)):
        for cell in code_cells(path):
            assert cell["outputs"] == [] and cell["execution_count"] is None, path


def test_no_solution_code_in_exercises():
    secret = solution_lines()
    assert len(secret) > 10  # the check has something to find
    for name in EXERCISES:
        text = "\n".join("".join(c["source"]) for c in code_cells(exercise(name)))
        leaked = [l for l in secret if l in text]
        assert not leaked, f"{name}: {leaked[:3]}"
        assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text
