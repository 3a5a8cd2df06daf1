"""`python -m autograder grade`: the instructor's command, on solutions, exercises and broken submissions.
Hostile and malformed submissions have their own corpora (test_hostile_corpus.py, test_malformed_corpus.py)."""
import json
from pathlib import Path

import pytest
import torch

from conftest import EXERCISES, exercise, load_json, notebook_with, run_grader, solution

# Broken (not hostile: see test_hostile_corpus.py) submissions: cells appended to the solution.
BROKEN = {
    "exits-while-loading": ["import os\nos._exit(0)"],
    "syntax-error": ["def one_hot(indices, num_classes:\n    pass"],
}


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """One batch: both solutions, both exercises, hostile and broken submissions."""
    d = tmp_path_factory.mktemp("submissions")
    for name, cells in BROKEN.items():
        notebook_with(solution("01-one-hot-encoding"), d / f"{name}.ipynb", append=cells)
    (d / "not-json.ipynb").write_text('{"cells": [')  # more in test_malformed_corpus.py
    paths = [solution(e) for e in EXERCISES] + [exercise(e) for e in EXERCISES] + [d]
    out = d / "results" / "grades.json"
    done = run_grader("grade", *paths, "--device", "cpu", "--jobs", "2", "--json", out, "--load-timeout", "20")
    records = {str(Path(r["notebook"]).relative_to(d)) if r["notebook"].startswith(str(d)) else r["notebook"]: r
               for r in load_json(out)}
    assert len(records) == len(BROKEN) + 1 + 2 * len(EXERCISES)
    return done, records


def test_solutions_full_marks_exercises_zero(batch):
    _, records = batch
    for name in EXERCISES:
        sol, ex = records[str(solution(name))], records[str(exercise(name))]
        assert sol["status"] == "graded" and sol["max_score"] > 0
        assert sol["score"] == sol["max_score"], [t for t in sol["tests"] if t["score"] < t["max_score"]]
        assert ex["status"] == "graded" and ex["score"] == 0 and ex["max_score"] == sol["max_score"]


def test_record_fields_follow_gradescope(batch):
    for r in batch[1].values():
        assert {"notebook", "exercise", "score", "max_score", "tests"} <= set(r)
        for t in r["tests"]:
            assert {"name", "score", "max_score", "output"} <= set(t)
            assert 0 <= t["score"] <= t["max_score"]


def test_broken_submissions_lose_only_what_they_break(batch):
    _, records = batch
    exited = records["exits-while-loading.ipynb"]
    assert exited["score"] == 0 and "ended" in exited["tests"][0]["output"]
    broken = records["syntax-error.ipynb"]
    assert any("SyntaxError" in m for m in broken["messages"])
    # the syntax error hides the redefinition only: the original one_hot still counts
    assert broken["score"] == records[str(solution("01-one-hot-encoding"))]["max_score"]


def test_exit_status_says_whether_every_submission_was_graded(batch):
    done, records = batch
    assert records["not-json.ipynb"]["status"] == "error"
    assert done.returncode == 1 and "not graded" in done.stdout


def test_identifies_the_exercise_from_content_not_file_name(tmp_path):
    renamed = notebook_with(solution("02-table-lookup"), tmp_path / "my homework.ipynb")
    done = run_grader("grade", renamed, "--device", "cpu", "--json", tmp_path / "r.json")
    record = load_json(tmp_path / "r.json")[0]
    assert done.returncode == 0 and record["exercise"] == "02-table-lookup" and record["score"] == record["max_score"]


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a GPU")
def test_forcing_cuda_without_a_gpu_fails_at_once(tmp_path):
    done = run_grader("grade", solution("01-one-hot-encoding"), "--device", "cuda", timeout=120)
    assert done.returncode == 2 and "no CUDA GPU" in done.stderr


def test_missing_paths_are_reported(tmp_path):
    done = run_grader("grade", tmp_path / "nope.ipynb", timeout=120)
    assert done.returncode == 2 and "no such file" in done.stderr
