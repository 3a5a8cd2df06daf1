"""Code given in one place and relied on in another is the same code.

Exercise 6 gives `BagClassifier` and `fit_and_score` in its set-up cell, chapter 6's page shows
them, and the hidden suite of exercise 6 keeps its own copy to repeat the harness's runs in the
grader (it cannot trust the worker's). If one copy drifted, the suite would grade against a
different model or training run than the students were given.
"""
import ast
import json

import pytest

from conftest import REPO, exercise, solution
from test_answer_leaks import page_sources

EX6 = "06-pretrained-vectors"
GIVEN = ("BagClassifier", "fit_and_score")


def definitions(source: str) -> dict[str, str]:
    """Top-level function and class definitions of `source`, as AST dumps (layout and comments aside)."""
    return {node.name: ast.dump(node) for node in ast.parse(source).body
            if isinstance(node, (ast.FunctionDef, ast.ClassDef))}


def setup_cell(path) -> str:
    cells = json.loads(path.read_text())["cells"]
    return "".join(next(c["source"] for c in cells if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "setup"))


def page_code(name) -> str:
    return "\n".join(page_sources(REPO / "book" / f"{name}.md"))


@pytest.mark.parametrize("where", ["exercise", "chapter page", "hidden suite"])
def test_chapter_6_given_code_is_the_solution_notebook_s(where):
    reference = definitions(setup_cell(solution(EX6)))
    source = {"exercise": lambda: setup_cell(exercise(EX6)),
              "chapter page": lambda: page_code(EX6),
              "hidden suite": lambda: (REPO / "autograder" / "suites" / EX6 / "test_06_pretrained_vectors.py").read_text()}
    found = definitions(source[where]())
    for name in GIVEN:
        assert name in reference, f"the solution notebook's set-up cell no longer defines {name}"
        assert found.get(name) == reference[name], f"{where}: {name} differs from the notebook's given {name}"


def page_class(page: str, name: str) -> str:
    """The source of class `name` as a chapter page defines it (its code cells)."""
    for block in page_sources(REPO / "book" / page):
        for node in ast.parse(block).body:
            if isinstance(node, ast.ClassDef) and node.name == name:
                return ast.get_source_segment(block, node)
    raise AssertionError(f"book/{page} defines no class {name}")


def submit_gradings(gradings):
    """conftest.py submits this when the session starts (with the hidden suites' batch)."""
    from conftest import notebook_with
    source = page_class("04-embeddings-for-a-task.md", "SentimentModel")
    nb = notebook_with(solution("04-embeddings-for-a-task"), gradings.folder / "page-model.ipynb",
                       replace={"solution-model": source})
    return gradings.submit(nb, {"model"})


@pytest.fixture(scope="module")
def graded(gradings):
    return gradings.batch(submit_gradings)


def test_chapter_4_model_earns_exercise_4_model_points(graded):
    """A learner who follows chapter 4's SentimentModel (its names: embedding, linear, padding_idx)
    loses no point of exercise 4's model task."""
    record = graded.result()
    lost = [t for t in record["tests"] if t["score"] < t["max_score"]]
    assert record["status"] == "graded" and record["max_score"] > 0 and not lost, lost
