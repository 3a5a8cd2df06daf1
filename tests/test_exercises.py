"""exercises/ is exactly what nbgrader generates from solutions/, and holds no solution code."""
import json
import re

import pytest

from conftest import EXERCISES, REPO, exercise, run_grader, solution


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


@pytest.mark.slow
def test_exercises_are_what_nbgrader_generates(tmp_path):
    done = run_grader("release", "--out", tmp_path)
    assert done.returncode == 0, done.stderr
    for name in EXERCISES:
        generated = (tmp_path / name / f"{name}.ipynb").read_text()
        assert generated == exercise(name).read_text(), f"exercises/{name} is stale: run `make exercises`"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(EXERCISES)


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
