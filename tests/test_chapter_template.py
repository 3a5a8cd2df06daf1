"""The chapter template (autograder/template/) works when copied as solutions/adding-a-chapter.md says:
installed as chapter 00-template in a scratch copy of the grader, its solution scores full marks,
its released notebook nothing, and its example bug loses points in the tests its header names."""
from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
TEMPLATE = REPO / "autograder" / "template"
NAME = "00-template"


def replaced(notebook: dict, grade_id: str, source: str) -> dict:
    for cell in notebook["cells"]:
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id:
            cell["source"] = source
    return notebook


def stripped(notebook: dict) -> dict:
    """What nbgrader releases: each solution region replaced by `raise NotImplementedError()`."""
    region = re.compile(r"^([ \t]*)### BEGIN SOLUTION\n.*?^[ \t]*### END SOLUTION", re.S | re.M)
    for cell in notebook["cells"]:
        source = "".join(cell["source"])
        cell["source"] = region.sub(lambda m: f"{m.group(1)}raise NotImplementedError()", source)
    return notebook


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    """A copy of the grader with the template installed as chapter 00-template, by the page's steps."""
    root = tmp_path_factory.mktemp("course")
    shutil.copytree(REPO / "autograder", root / "autograder",
                    ignore=shutil.ignore_patterns("__pycache__", "template"))
    suite = root / "autograder" / "suites" / NAME
    suite.mkdir()
    shutil.copy(TEMPLATE / "test_template.py", suite / f"test_{NAME.replace('-', '_')}.py")
    (root / "solutions" / NAME).mkdir(parents=True)
    shutil.copy(TEMPLATE / f"{NAME}.ipynb", root / "solutions" / NAME / f"{NAME}.ipynb")
    return root


def solution() -> dict:
    return json.loads((TEMPLATE / f"{NAME}.ipynb").read_text())


def bug() -> tuple[dict, str]:
    """The example bug's header (key: value) and its text."""
    text = (TEMPLATE / "bug_example.py").read_text()
    header = {key.strip(): value.strip() for key, value in
              (line[1:].split(":", 1) for line in text.splitlines() if line.startswith("# "))}
    return header, text


@pytest.fixture(scope="module")
def graded(scratch) -> dict:
    """The solution, the released notebook and the bug, graded in one run of the scratch copy's
    command (one grader start for the three): label -> record."""
    header, text = bug()
    notebooks = {"solution": solution(), "released": stripped(solution()),
                 "buggy": replaced(solution(), header["replaces"], text)}
    for label, notebook in notebooks.items():
        path = scratch / "submissions" / label / f"{NAME}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(notebook))
    out = scratch / "grades.json"
    env = {**os.environ, "PYTHONPATH": str(scratch)}
    done = subprocess.run([sys.executable, "-m", "autograder", "grade", str(scratch / "submissions"), "--exercise", NAME,
                           "--json", str(out)], cwd=scratch, env=env, capture_output=True, text=True, timeout=600)
    assert out.exists(), done.stderr
    records = {Path(r["notebook"]).parent.name: r for r in json.loads(out.read_text())}
    assert set(records) == set(notebooks), records.keys()
    return records


def test_the_template_solution_scores_full_marks(graded):
    record = graded["solution"]
    assert record["status"] == "graded" and record["exercise"] == NAME, record
    assert record["max_score"] == 4 and record["score"] == 4, record["tests"]


def test_the_released_template_scores_nothing(graded):
    record = graded["released"]
    assert record["max_score"] == 4 and record["score"] == 0, record["tests"]


def test_the_template_bug_is_caught_where_its_header_says(graded):
    header, _ = bug()
    caught_by = {name.strip() for name in header["caught by"].split(",")}
    record = graded["buggy"]
    failed = [test["name"] for test in record["tests"] if test["score"] < test["max_score"]]
    assert record["score"] < 4
    # A record names a test by its docstring's first line (what the student reads).
    tree = ast.parse((TEMPLATE / "test_template.py").read_text())
    shown = {f.name: ast.get_docstring(f).splitlines()[0] for f in tree.body if isinstance(f, ast.FunctionDef)
             and f.name.startswith("test_")}
    missed = {name for name in caught_by if shown[name] not in failed}
    assert not missed, (missed, record["tests"])


def test_the_template_grade_cell_carries_the_suites_points():
    cells = [c["metadata"]["nbgrader"] for c in solution()["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("grade")]
    suite = (TEMPLATE / "test_template.py").read_text()
    declared = sum(float(n) for n in re.findall(r"^@points\((\d+(?:\.\d+)?), task=TASK\)", suite, re.M))
    assert [c["grade_id"] for c in cells] == ["tests-mean_of_rows"] and cells[0]["points"] == declared == 4
