"""The mutation-testing tool (tests/mutation.py): its generator, a live sample, its results file.

The generator is tested on a small notebook built here, whose solution cell holds every construct
an operator mutates, and the same constructs outside the solution region (which must never change).
"""
from __future__ import annotations

import ast
import json
import re

import pytest

import mutation   # tests/mutation.py: pytest puts tests/ on the path, as for conftest

REGION = '''\
    ### BEGIN SOLUTION
    def helper(v):
        """A docstring inside the region: never mutated."""
        return v
    total = x + y - 1 * 2.5 / 3 // 2 % 5 ** 2
    product = arr @ arr
    mask = (arr > 0) & (arr < 3) | (arr == 1)
    inverse = ~mask
    total += 1
    if x < y and y <= 3 or x > 0 and x >= y:
        total -= 1
    if x == y or x != y or x is None or x is not None or x in items or x not in items:
        pass
    if not flag:
        total = -total
    label = "name"
    middle = arr[1:-1]
    first = arr[0]
    window = arr[y:x + 1]
    reduced = arr.sum(axis=0) + arr.max() + np.zeros(3).argmax()
    larger = max(x, y)
    detached = arr.detach().clone()
    fresh = copy.deepcopy(arr)
    ones = np.ones(2, dtype=np.float32)
    if flag is False:
        raise ValueError("the message text")
    return total
    ### END SOLUTION
'''
# The same constructs again, outside the region: before it, after it, and in a cell that is not a
# solution cell. None of them may change.
OUTSIDE = '''\
    total = x + y - 1 * 2.5 / 3 // 2 % 5 ** 2 if x < y and not flag else -x
    stats = arr[1:-1].sum(axis=0) + max(x, y) + np.zeros(3, dtype=np.float32).argmax()
'''
CELL = ("import copy\nimport numpy as np\n\n\ndef inside(x, y, items, arr, flag=True):\n"
        + OUTSIDE + REGION + OUTSIDE.replace("total =", "after =") + "    return after\n")
OTHER_CELL = "def outside(x, y, arr, flag=True):\n" + OUTSIDE + "    return total\n"


def make_notebook(cells: list[tuple[str, dict | None]]) -> dict:
    """A notebook from (source, nbgrader metadata or None) pairs, as nbgrader's tests build them."""
    def cell(source, meta):
        metadata = {"nbgrader": {"schema_version": 3, **meta}} if meta else {}
        return {"cell_type": "code", "execution_count": None, "metadata": metadata, "outputs": [], "source": source}

    return {"cells": [cell(s, m) for s, m in cells], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def solution_cell(task: str) -> dict:
    return {"grade": False, "grade_id": f"solution-{task}", "locked": False, "solution": True}


def grade_cell(task: str, points: int) -> dict:
    return {"grade": True, "grade_id": f"tests-{task}", "locked": True, "points": points, "solution": False}


NOTEBOOK = make_notebook([(OTHER_CELL, None), (CELL, solution_cell("demo")), ("assert inside", grade_cell("demo", 1))])


def demo_mutants():
    return mutation.notebook_mutants(NOTEBOOK, "00-demo")


def region_span(text: str) -> tuple[int, int]:
    """Character range strictly between the BEGIN and END SOLUTION lines."""
    begin = text.index(mutation.BEGIN)
    return text.index("\n", begin) + 1, text.rindex("\n", 0, text.index(mutation.END)) + 1


# ---------------------------------------------------------------- the generator


def test_only_solution_cells_are_mutated():
    mutants = demo_mutants()
    assert mutants
    assert {m.cell for m in mutants} == {1}
    assert {m.task for m in mutants} == {"demo"}


@pytest.mark.parametrize("operator", mutation.OPERATORS)
def test_every_operator_yields_a_mutant(operator):
    assert any(m.operator == operator for m in demo_mutants()), f"no {operator} mutant of the demo cell"


EXPECTED = [   # (operator, the region's line before, after): one of each kind the brief names
    ("arith", "total = x + y - 1 * 2.5 / 3 // 2 % 5 ** 2", "total = x - y - 1 * 2.5 / 3 // 2 % 5 ** 2"),
    ("arith", "total = x + y - 1 * 2.5 / 3 // 2 % 5 ** 2", "total = x + y - 1 * 2.5 / 3 // 2 % 5 * 2"),
    ("arith", "total = x + y - 1 * 2.5 / 3 // 2 % 5 ** 2", "total = x + y - 1 * 2.5 / 3 // 2 // 5 ** 2"),
    ("arith", "product = arr @ arr", "product = arr * arr"),
    ("augassign", "total += 1", "total -= 1"),
    ("augassign", "total += 1", "total = 1"),
    ("cmp", "if x < y and y <= 3 or x > 0 and x >= y:", "if x <= y and y <= 3 or x > 0 and x >= y:"),
    ("cmp", "if x == y or x != y or x is None or x is not None or x in items or x not in items:",
     "if x == y or x != y or x is None or x is None or x in items or x not in items:"),
    ("cmp", "if x == y or x != y or x is None or x is not None or x in items or x not in items:",
     "if x == y or x != y or x is None or x is not None or x in items or x in items:"),
    ("bool", "if x < y and y <= 3 or x > 0 and x >= y:", "if x < y or y <= 3 or x > 0 and x >= y:"),
    ("bool", "if not flag:", "if flag:"),
    ("neg", "total = -total", "total = total"),
    ("unary", "inverse = ~mask", "inverse = mask"),
    ("const", "total = x + y - 1 * 2.5 / 3 // 2 % 5 ** 2", "total = x + y - 1 * 5.0 / 3 // 2 % 5 ** 2"),
    ("const", 'label = "name"', "label = 'XXnameXX'"),
    ("kwarg", "reduced = arr.sum(axis=0) + arr.max() + np.zeros(3).argmax()",
     "reduced = arr.sum() + arr.max() + np.zeros(3).argmax()"),
    ("kwarg", "reduced = arr.sum(axis=0) + arr.max() + np.zeros(3).argmax()",
     "reduced = arr.sum(axis=1) + arr.max() + np.zeros(3).argmax()"),
    ("slice", "middle = arr[1:-1]", "middle = arr[:-1]"),
    ("slice", "window = arr[y:x + 1]", "window = arr[y + 1:x + 1]"),
    ("index", "first = arr[0]", "first = arr[1]"),
    ("stmt", "first = arr[0]", "pass"),
    ("return", "return total", "return None"),
    ("call", "reduced = arr.sum(axis=0) + arr.max() + np.zeros(3).argmax()",
     "reduced = arr.mean(axis=0) + arr.max() + np.zeros(3).argmax()"),
    ("call", "reduced = arr.sum(axis=0) + arr.max() + np.zeros(3).argmax()",
     "reduced = arr.sum(axis=0) + arr.min() + np.zeros(3).argmax()"),
    ("call", "reduced = arr.sum(axis=0) + arr.max() + np.zeros(3).argmax()",
     "reduced = arr.sum(axis=0) + arr.max() + np.ones(3).argmax()"),
    ("call", "reduced = arr.sum(axis=0) + arr.max() + np.zeros(3).argmax()",
     "reduced = arr.sum(axis=0) + arr.max() + np.zeros(3).argmin()"),
    ("call", "larger = max(x, y)", "larger = min(x, y)"),
    ("dropcall", "detached = arr.detach().clone()", "detached = arr.clone()"),
    ("dropcall", "detached = arr.detach().clone()", "detached = arr.detach()"),
    ("dropcall", "fresh = copy.deepcopy(arr)", "fresh = arr"),
    ("dtype", "ones = np.ones(2, dtype=np.float32)", "ones = np.ones(2, dtype=np.float64)"),
]


@pytest.mark.parametrize("operator, before, after", EXPECTED, ids=[f"{e[0]}:{e[2]}" for e in EXPECTED])
def test_expected_mutant_is_generated(operator, before, after):
    want = CELL.replace("    " + before + "\n", "    " + after + "\n", 1)
    assert want != CELL, f"test setup: {before!r} is not a line of the demo cell"
    hits = [m for m in demo_mutants() if m.source == want]
    assert hits, f"no mutant turns `{before}` into `{after}`"
    assert hits[0].operator == operator


def test_each_mutant_parses_and_differs_in_one_spot_inside_the_region():
    lo, hi = region_span(CELL)
    original = ast.dump(ast.parse(CELL))
    for m in demo_mutants():
        assert m.original == CELL
        tree = ast.parse(m.source)                       # it parses
        assert ast.dump(tree) != original, f"{m.id} has the solution's syntax tree"
        assert lo <= m.start <= m.end <= hi, f"{m.id} edits outside the solution region"
        # one spot: the mutant is the solution with exactly the recorded range replaced
        replacement = m.source[m.start:len(m.source) - (len(CELL) - m.end)]
        assert m.source == CELL[:m.start] + replacement + CELL[m.end:], m.id
        # ...on one line, unless a whole statement became `pass`
        if m.operator != "stmt":
            assert "\n" not in CELL[m.start:m.end] + replacement, f"{m.id} changes several lines"
        else:
            assert replacement == "pass"


def test_docstrings_and_raise_messages_are_not_mutated():
    for m in demo_mutants():
        if not (m.operator == "stmt" and m.detail == "del-FunctionDef"):
            assert "A docstring inside the region" in m.source, m.id
        if "the message text" not in m.source:
            assert m.operator == "stmt", f"{m.id} changes a raise message"
    assert any(m.operator == "stmt" and "raise ValueError" not in m.source for m in demo_mutants()), \
        "deleting a raise statement is a mutant"


def test_ids_are_unique_stable_and_readable():
    first, second = demo_mutants(), demo_mutants()
    assert [m.id for m in first] == [m.id for m in second]
    assert [m.source for m in first] == [m.source for m in second]
    ids = [m.id for m in first]
    assert len(ids) == len(set(ids))
    for m in first:
        exercise, task, line, operator, detail = m.id.split(":", 4)
        assert (exercise, task, int(line), operator) == ("00-demo", "demo", m.line, m.operator)
        assert detail.split("#")[0] == m.detail
        assert re.fullmatch(r"[A-Za-z0-9_.=+~#:-]+", m.id), f"{m.id}: a shell would not pass this id as it is"
        assert m.description.startswith(f"line {m.line}: `") and "` -> `" in m.description


def test_every_syntax_tree_is_made_once():
    trees = [ast.dump(ast.parse(m.source)) for m in demo_mutants()]
    assert len(trees) == len(set(trees))


def test_solution_notebooks_mutants_stay_in_their_regions():
    """The real solution notebooks: same invariants, every mutant, every exercise."""
    for exercise in mutation.exercises():
        nb = json.loads(mutation.solution_path(exercise).read_text())
        mutants = mutation.notebook_mutants(nb, exercise)
        assert mutants, f"{exercise}: no mutant"
        assert len({m.id for m in mutants}) == len(mutants), f"{exercise}: duplicate ids"
        tasks = {task for _, task, _ in mutation.solution_cells(nb)}
        assert {m.task for m in mutants} == tasks, f"{exercise}: a solution cell has no mutant"
        for m in mutants:
            regions = mutation.solution_regions(m.original)
            src = mutation.Source(m.original)
            first, last = src.line_of(m.start), src.line_of(max(m.start, m.end - 1))
            assert any(b < first and last < e for b, e in regions), f"{m.id} edits outside a solution region"
            ast.parse(m.source)


def test_equivalent_list_names_existing_mutants_with_reasons():
    listed = mutation.read_equivalent()
    known = {m.id for m in mutation.generate()}
    for ident, reason in listed.items():
        assert ident in known, f"tests/mutation_equivalent.txt: {ident} is not a mutant (any more)"
        assert len(reason) > 10, f"tests/mutation_equivalent.txt: {ident} needs a reason after '#'"


def test_equivalent_list_format(tmp_path):
    listed = tmp_path / "equivalent.txt"
    listed.write_text("# a comment\n\nex:task:3:const:1_to_2#2  # the second one: why\nex:task:4:stmt:del-Assign\t# tab\n")
    assert mutation.read_equivalent(listed) == {"ex:task:3:const:1_to_2#2": "the second one: why",
                                                 "ex:task:4:stmt:del-Assign": "tab"}


def test_slow_task_sample_is_fixed():
    mutants = mutation.generate(["05-word2vec"])
    a, sampled = mutation.cap_slow_tasks(mutants)
    b, _ = mutation.cap_slow_tasks(list(mutants))
    assert [m.id for m in a] == [m.id for m in b]
    for key, info in sampled.items():
        exercise, task = key.split(":")
        assert sum(m.task == task for m in a) == info["graded"] == mutation.SLOW_TASKS[(exercise, task)]


# ---------------------------------------------------------------- the results file

RESULTS = mutation.RESULTS_FILE
TARGET = 0.95          # the project's goal: per chapter, at least 95% of the mutants lose points


@pytest.fixture(scope="module")
def results():
    assert RESULTS.exists(), f"{RESULTS.name} is missing: run `{mutation.FULL_RUN_COMMAND}`"
    return json.loads(RESULTS.read_text())


def test_results_report_every_chapter(results):
    assert set(results["exercises"]) == set(mutation.exercises())
    for exercise in mutation.exercises():
        row = results["summary"].get(exercise)
        assert row and row["mutants"] > 0 and row["score"] is not None, f"{exercise} has no score"
        assert row["not_graded"] == 0, f"{exercise}: the solution did not score full marks in the run"
        assert set(row["tasks"]) == {t for _, t, _ in mutation.solution_cells(
            json.loads(mutation.solution_path(exercise).read_text()))}, f"{exercise}: a task has no mutants"


def test_results_are_fresh(results):
    """FRESHNESS: the results file must describe the current solutions, suites and mutants.
    When a solution's code or nbgrader metadata or a suite changes, regenerate the file (about an
    hour on 2 cores); prose and comments do not count (mutation.notebook_fingerprint)."""
    rerun = f"the solutions or suites changed since {RESULTS.name} was made: rerun `{mutation.FULL_RUN_COMMAND}`"
    now = mutation.input_hashes(mutation.exercises())
    changed = sorted(p for p in set(now) | set(results["hashes"]) if now.get(p) != results["hashes"].get(p))
    assert not changed, f"{rerun} (changed: {', '.join(changed)})"
    # A full run grades every mutant (--all-slow) or a fixed sample of the slow tasks' (the file says which).
    mutants = mutation.generate() if not results["sampled"] else mutation.cap_slow_tasks(mutation.generate())[0]
    assert [m["id"] for m in results["mutants"]] == [m.id for m in mutants], \
        f"tests/mutation.py makes other mutants than the results file holds: rerun `{mutation.FULL_RUN_COMMAND}`"
    rescored = mutation.rescore(results, mutation.read_equivalent())
    assert rescored["summary"] == results["summary"], \
        f"tests/mutation_equivalent.txt changed: run `python tests/mutation.py --rescore {RESULTS.relative_to(mutation.REPO)}`"


def test_fingerprint_ignores_prose_comments_and_outputs_not_code_or_points(tmp_path):
    """What FRESHNESS compares: a notebook's code and nbgrader metadata, not its prose or comments."""
    def nb(code, markdown="Task 1.", points=2, outputs=(), more=()):
        path = tmp_path / "nb.ipynb"
        path.write_text(json.dumps({"cells": [
            {"cell_type": "markdown", "metadata": {}, "source": markdown}, *more,
            {"cell_type": "code", "metadata": {"nbgrader": {"grade_id": "tests-a", "grade": True, "points": points}},
             "source": code, "outputs": list(outputs), "execution_count": None}]}))
        return mutation.notebook_fingerprint(path)
    base = nb("x = f(1)\nassert x == 2\n")
    hint = {"cell_type": "markdown", "metadata": {}, "source": "<details><summary>Hint</summary>...</details>"}
    answer = {"cell_type": "markdown", "source": "Your answer",
              "metadata": {"nbgrader": {"grade_id": "q1", "grade": True, "solution": True, "points": 1}}}
    code = {"cell_type": "code", "metadata": {}, "source": "y = 1", "outputs": [], "execution_count": None}
    assert base == nb("x = f(1)  # why\n\n# a note\nassert x == 2") == nb("x = f(1)\nassert x == 2\n", "Task one.") \
        == nb("x = f(1)\nassert x == 2\n", outputs=[{"output_type": "stream", "name": "stdout", "text": "2"}]) \
        == nb("x = f(1)\nassert x == 2\n", more=[hint])
    assert base != nb("x = f(1)\nassert x == 3\n") and base != nb("x = f(1)\nassert x == 2\n", points=3)
    assert base != nb("x = f(1)\nassert x == 2\n", more=[answer]) and base != nb("x = f(1)\nassert x == 2\n", more=[code])
    assert base != nb("x = f(1)\nif x:\n    assert x == 2\n") and base != nb("x = f(1)\nassert x == '# 2'\n")


def test_no_listed_equivalent_mutant_is_killed(results):
    for m in results["mutants"]:
        if m["id"] in results["equivalent"]:
            assert m["graded"] == "survived", f"{m['id']} is listed as equivalent, but it lost points: not equivalent"


# The project's requirement: in every chapter, at least 95% of the one-spot mutants lose points.
@pytest.mark.parametrize("exercise", mutation.exercises())
def test_chapter_kills_enough_mutants(results, exercise):
    row = results["summary"][exercise]
    survivors = [f"{m['id']}: {m['description']}" for m in results["mutants"]
                 if m["exercise"] == exercise and m["outcome"] == "survived"]
    assert row["score"] >= TARGET, (f"{exercise}: {100 * row['score']:.1f}% of its mutants lose points, "
                                    f"{100 * TARGET:.0f}% needed; survivors:\n" + "\n".join(survivors))


# ---------------------------------------------------------------- live: a fixed sample graded now

LIVE_PER_CHAPTER = 6
LIVE_SEED = "live-0"
LIVE_MAX_SECONDS = 15      # leave out mutants whose recorded grading took longer (keeps this near a minute)


def live_sample(results) -> list:
    """A fixed sample per chapter among the mutants the results file records as killed, leaving
    out slow tasks and slow mutants. They must still lose points when graded now."""
    recorded = {m["id"]: m for m in results["mutants"]}
    pool = [m for m in mutation.generate()
            if (m.exercise, m.task) not in mutation.SLOW_TASKS and m.id in recorded
            and recorded[m.id]["graded"] == "killed" and recorded[m.id].get("seconds", 0) <= LIVE_MAX_SECONDS]
    return mutation.sample_per_exercise(pool, LIVE_PER_CHAPTER, LIVE_SEED)


def submit_gradings(gradings) -> dict:
    """The live sample, each mutant on its own task's tests, graded by the session's shared grading
    processes (conftest.py submits this when the session starts): mutant id -> (mutant, its grading)."""
    sample = live_sample(json.loads(RESULTS.read_text()))
    notebooks = {ex: json.loads(mutation.solution_path(ex).read_text()) for ex in {m.exercise for m in sample}}
    submitted = {}
    for m in sample:
        path = gradings.folder / "mutants" / (re.sub(r"[^\w.-]+", "_", m.id) + ".ipynb")
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps(mutation.mutated_notebook(notebooks[m.exercise], m)))
        submitted[m.id] = (m, gradings.submit(path, {m.task}))
    return submitted


@pytest.fixture(scope="module")
def graded(gradings) -> dict:
    return gradings.batch(submit_gradings)


@pytest.mark.slow
def test_live_sample_of_mutants_loses_points(graded):
    assert {m.exercise for m, _ in graded.values()} == set(mutation.exercises())
    outcomes = [(m, mutation._outcome(grading.result())["outcome"]) for m, grading in graded.values()]
    survived = [f"{m.id} ({outcome}): {m.description}" for m, outcome in outcomes if outcome != "killed"]
    assert not survived, "these mutants did not lose points when graded now:\n" + "\n".join(survived)
