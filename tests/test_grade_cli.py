"""`python -m autograder grade`: the instructor's command, on solutions, exercises and broken submissions.
Hostile and malformed submissions have their own corpora (test_hostile_corpus.py, test_malformed_corpus.py)."""
import json
import os
import shutil
import socket
import time
from pathlib import Path

import pytest
import torch

from conftest import EXERCISES, REPO, early, exercise, load_json, notebook_with, run_grader, solution

# Broken (not hostile: see test_hostile_corpus.py) submissions: cells appended to the solution.
BROKEN = {
    "exits-while-loading": ["import os\nos._exit(0)"],
    "syntax-error": ["def one_hot(indices, num_classes:\n    pass"],
}


EARLY_FIXTURE = "batch"


# The solutions in the batch: the quick ones. Every solution's full marks are also checked by the
# session's shared gradings, through its own Gradescope bundle and through nbgrader; what this batch
# adds is the command's own machinery (the pool, the records, the table), the same for every chapter.
BATCH_SOLUTIONS = [e for e in EXERCISES if e[:2] in ("01", "02", "03")]


# A pytest set-up around the grader that would change every grade if the hidden suites saw it: a
# plugin that passes every test and leaves a mark when it is loaded, asked for by PYTEST_PLUGINS and
# PYTEST_ADDOPTS, which also stop at the first failure and deselect every test; a timeout of a
# millisecond for pytest-timeout (installed here). The batch is graded in it (grading.hermetic_pytest).
PASS_EVERYTHING = """
from pathlib import Path
import pytest

Path(__file__).with_name("plugin-was-loaded").write_text("yes")

@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    outcome.get_result().outcome = "passed"
"""


def hostile_pytest_environment(folder: Path) -> dict:
    folder.mkdir()
    (folder / "pass_everything.py").write_text(PASS_EVERYTHING)
    return {"PYTHONPATH": str(folder), "PYTEST_PLUGINS": "pass_everything",
            "PYTEST_ADDOPTS": "-p pass_everything -x -k no_test_has_this_name", "PYTEST_TIMEOUT": "0.001"}


def prepare_early(root: Path):
    """One batch: the quick solutions, every exercise, and broken submissions (started with the
    session: conftest.py, Early), graded in a hostile pytest set-up (hostile_pytest_environment).
    Returns the command's result, the records by notebook, and the plugin's folder."""
    d = root / "submissions"
    d.mkdir()
    for name, cells in BROKEN.items():
        notebook_with(solution("01-one-hot-encoding"), d / f"{name}.ipynb", append=cells)
    (d / "not-json.ipynb").write_text('{"cells": [')  # more in test_malformed_corpus.py
    paths = [solution(e) for e in BATCH_SOLUTIONS] + [exercise(e) for e in EXERCISES] + [d]
    out = d / "results" / "grades.json"
    plugins = root / "pytest-plugins"
    done = run_grader("grade", *paths, "--device", "cpu", "--jobs", "2", "--json", out, "--load-timeout", "20",
                      env=hostile_pytest_environment(plugins))
    records = {str(Path(r["notebook"]).relative_to(d)) if r["notebook"].startswith(str(d)) else r["notebook"]: r
               for r in load_json(out)}
    assert len(records) == len(BROKEN) + 1 + len(BATCH_SOLUTIONS) + len(EXERCISES)
    return done, records, plugins


@pytest.fixture(scope="module")
def batch():
    return early(prepare_early)


@pytest.mark.slow
def test_solutions_full_marks_exercises_zero(batch, gradings):
    _, records, _ = batch
    assert BATCH_SOLUTIONS
    for name in EXERCISES:
        sol = records[str(solution(name))] if name in BATCH_SOLUTIONS else gradings.record(solution(name))
        ex = records[str(exercise(name))]
        assert sol["status"] == "graded" and sol["max_score"] > 0
        assert sol["score"] == sol["max_score"], [t for t in sol["tests"] if t["score"] < t["max_score"]]
        assert ex["status"] == "graded" and ex["score"] == 0 and ex["max_score"] == sol["max_score"]


@pytest.mark.slow
def test_the_pytest_set_up_around_the_grader_changes_no_grade(batch, gradings):
    """The batch ran with PYTEST_PLUGINS, PYTEST_ADDOPTS and PYTEST_TIMEOUT set to change every grade
    (hostile_pytest_environment): the plugin was never loaded, and every record of a solution or an
    exercise is the one the session's own gradings give, test for test."""
    _, records, plugins = batch
    assert (plugins / "pass_everything.py").is_file() and not (plugins / "plugin-was-loaded").exists()
    for path in [solution(e) for e in BATCH_SOLUTIONS] + [exercise(e) for e in EXERCISES]:
        ours = gradings.record(path)
        assert [(t["name"], t["score"]) for t in records[str(path)]["tests"]] == \
               [(t["name"], t["score"]) for t in ours["tests"]], path


@pytest.mark.slow
def test_an_untouched_exercise_is_told_it_is_not_implemented_yet(batch):
    _, records, _ = batch
    for name in EXERCISES:
        outputs = [t["output"] for t in records[str(exercise(name))]["tests"]]
        assert any("is not implemented yet" in o for o in outputs), (name, outputs[:3])
        assert not any("raised NotImplementedError" in o for o in outputs), (name, outputs[:3])


@pytest.mark.slow
def test_record_fields_follow_gradescope(batch):
    for r in batch[1].values():
        assert {"notebook", "exercise", "score", "max_score", "tests"} <= set(r)
        for t in r["tests"]:
            assert {"name", "score", "max_score", "output"} <= set(t)
            assert 0 <= t["score"] <= t["max_score"]


@pytest.mark.slow
def test_broken_submissions_lose_only_what_they_break(batch):
    _, records, _ = batch
    exited = records["exits-while-loading.ipynb"]
    assert exited["score"] == 0 and "ended" in exited["tests"][0]["output"]
    broken = records["syntax-error.ipynb"]
    assert any("SyntaxError" in m for m in broken["messages"])
    # the syntax error hides the redefinition only: the original one_hot still counts
    assert broken["score"] == records[str(solution("01-one-hot-encoding"))]["max_score"]


@pytest.mark.slow
def test_exit_status_says_whether_every_submission_was_graded(batch):
    done, records, _ = batch
    assert records["not-json.ipynb"]["status"] == "error"
    assert done.returncode == 1 and "not graded" in done.stdout


@pytest.mark.slow
def test_identifies_the_exercise_from_content_not_file_name(tmp_path):
    renamed = notebook_with(solution("02-table-lookup"), tmp_path / "my homework.ipynb")
    done = run_grader("grade", renamed, "--device", "cpu", "--json", tmp_path / "r.json")
    record = load_json(tmp_path / "r.json")[0]
    assert done.returncode == 0 and record["exercise"] == "02-table-lookup" and record["score"] == record["max_score"]


@pytest.mark.slow
@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a GPU")
def test_forcing_cuda_without_a_gpu_fails_at_once(tmp_path):
    done = run_grader("grade", solution("01-one-hot-encoding"), "--device", "cuda", timeout=120)
    assert done.returncode == 2 and "no CUDA GPU" in done.stderr


@pytest.mark.slow
def test_missing_paths_are_reported(tmp_path):
    done = run_grader("grade", tmp_path / "nope.ipynb", timeout=120)
    assert done.returncode == 2 and "no such file" in done.stderr


# ---------------------------------------------------------------- what a submission can put in front of the instructor

BASE = "01-one-hot-encoding"
# Python source for a message with a lone surrogate, terminal escapes (clear screen, window title, colour)
# and a bidi override: all of it reached the instructor's terminal raw, and the surrogate crashed the table.
HOSTILE_TEXT = r"lone \ud800, \x1b]0;owned\x07\x1b[2J\x1b[31mred\x1b[0m \u202egnp.exe\r31 / 31"


@pytest.mark.slow
def test_text_from_a_submission_cannot_break_the_results_or_reach_the_terminal(tmp_path):
    subs = tmp_path / "subs"
    notebook_with(solution(BASE), subs / "evil\x1b[2Jname.ipynb", append=[f'raise ValueError("{HOSTILE_TEXT}")'])
    notebook_with(solution(BASE), subs / "raises.ipynb",
                  replace={"solution-one_hot": f'def one_hot(*args, **kwargs):\n    raise ValueError("{HOSTILE_TEXT}")'})
    out = tmp_path / "grades.json"
    for attempt in ("graded", "read back from grades.json.d/"):
        done = run_grader("grade", subs, "--device", "cpu", "--json", out, "-v")
        assert done.returncode == 0, (attempt, done.stderr[-3000:])
        assert not any(c in done.stdout for c in "\x1b\x07\r\u202e\ud800"), attempt
        assert "\\x1b]0;owned\\x07" in done.stdout and "\\u202egnp.exe\\r31 / 31" in done.stdout
        assert "evil\\x1b[2Jname.ipynb" in done.stdout
        records = {Path(r["notebook"]).name: r for r in load_json(out)}
        assert set(records) == {"evil\\x1b[2Jname.ipynb", "raises.ipynb"}
        cell_error = records["evil\\x1b[2Jname.ipynb"]
        assert cell_error["score"] == 39 and "lone \ufffd, \\x1b]0;owned" in " ".join(cell_error["messages"])
        raised = [t for t in records["raises.ipynb"]["tests"] if t["score"] < t["max_score"]]
        assert raised and all(t["task"] == "one_hot" for t in raised)
        assert any("\\x1b[31mred" in t["output"] for t in raised)
        text = json.dumps(records, ensure_ascii=False)
        assert not any(c in text for c in "\x1b\x07\r\u202e\ud800")


# ---------------------------------------------------------------- time budget

# Wraps every function of the notebook so that each call sleeps: correct results, each call well
# under the per-call limit, and (31 tests, several calls each) minutes in all without a budget.
SLEEPY = """import functools, time, types
def _slow(f):
    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        time.sleep(1.5)
        return f(*args, **kwargs)
    return wrapper
for _name, _f in list(globals().items()):
    if isinstance(_f, types.FunctionType) and not _name.startswith("_"):
        globals()[_name] = _slow(_f)
"""


@pytest.mark.slow
def test_a_submission_has_a_time_budget(tmp_path):
    notebook_with(solution(BASE), tmp_path / "sleepy.ipynb", append=[SLEEPY])
    started = time.monotonic()
    done = run_grader("grade", tmp_path / "sleepy.ipynb", "--device", "cpu", "--timeout", "5", "--budget", "10",
                      "--json", tmp_path / "r.json")
    elapsed = time.monotonic() - started
    record = load_json(tmp_path / "r.json")[0]
    assert done.returncode == 0 and record["status"] == "graded", done.stderr[-2000:]
    assert record["budget_exhausted"] is True
    assert any("time budget of 10 s" in m and "ran out" in m for m in record["messages"]), record["messages"]
    stopped = [t for t in record["tests"] if "time budget of 10 s" in t["output"]]
    assert len(stopped) >= 10 and all(t["score"] == 0 for t in stopped)
    assert record["score"] < record["max_score"] == 39
    assert "time budget" in done.stdout
    assert elapsed < 10 + 120   # without the budget: 31 tests x several 1.5 s calls


@pytest.mark.slow
def test_budget_and_timeouts_must_be_positive(tmp_path):
    for option in ("--budget", "--timeout"):
        done = run_grader("grade", solution(BASE), option, "0", timeout=120)
        assert done.returncode == 2 and "positive number of seconds" in done.stderr


# ---------------------------------------------------------------- links and special files

@pytest.mark.slow
def test_links_and_special_files_are_refused_each_with_a_record(tmp_path):
    subs = tmp_path / "subs"
    for student in ("alice", "bob", "carol", "erin"):
        (subs / student).mkdir(parents=True)
    shutil.copy(solution(BASE), subs / "alice" / "homework.ipynb")
    os.symlink(solution(BASE), subs / "bob" / "homework.ipynb")          # a link to a solution: was graded 31/31
    os.mkfifo(subs / "carol" / "homework.ipynb")                          # a FIFO: blocked the whole batch
    os.symlink(solution(BASE).parent, subs / "dave")                      # a linked folder
    with socket.socket(socket.AF_UNIX) as sock:                           # a socket
        sock.bind(str(subs / "erin" / "homework.ipynb"))
    os.symlink(solution(BASE), tmp_path / "named.ipynb")                  # a link named on the command line
    out = tmp_path / "grades.json"
    done = run_grader("grade", subs, tmp_path / "named.ipynb", "--device", "cpu", "--json", out, timeout=300)
    records = {str(Path(r["notebook"]).relative_to(tmp_path)): r for r in load_json(out)}
    assert done.returncode == 1
    assert records["subs/alice/homework.ipynb"]["score"] == 39
    refused = {"subs/bob/homework.ipynb": "is a symbolic link", "subs/carol/homework.ipynb": "is a FIFO",
               "subs/dave": "folder is a symbolic link", "subs/erin/homework.ipynb": "is a socket",
               "named.ipynb": "is a symbolic link"}
    assert set(records) == {"subs/alice/homework.ipynb", *refused}
    for name, text in refused.items():
        record = records[name]
        assert record["status"] == "error" and record["score"] == 0 and not record["tests"], name
        assert record["messages"][0].startswith("refused:") and text in record["messages"][0], record["messages"]
        assert record["messages"][0] in done.stdout


# ---------------------------------------------------------------- which exercise

@pytest.mark.slow
def test_the_instructor_chooses_the_exercise_and_a_claim_to_another_is_flagged(tmp_path):
    folder = tmp_path / "assignment-02"
    notebook_with(solution(BASE), folder / "02-table-lookup.ipynb")   # chapter 1's solution under chapter 2's name
    shutil.copy(solution("02-table-lookup"), folder / "correct.ipynb")
    done = run_grader("grade", folder, "--exercise", "02-table-lookup", "--device", "cpu", "--json", tmp_path / "r.json")
    records = {Path(r["notebook"]).name: r for r in load_json(tmp_path / "r.json")}
    assert done.returncode == 0, done.stderr[-2000:]
    wrong, right = records["02-table-lookup.ipynb"], records["correct.ipynb"]
    assert wrong["exercise"] == "02-table-lookup" and wrong["claims"] == BASE
    assert wrong["max_score"] == right["max_score"] == 38 and wrong["score"] == 0
    assert any(f"names the exercise {BASE}" in m and "expected here is 02-table-lookup (from --exercise)" in m for m in wrong["messages"])
    assert f"02-table-lookup (notebook says {BASE})" in done.stdout
    assert right["claims"] is None and right["score"] == 38 and not right["messages"]


@pytest.mark.slow
def test_without_exercise_a_folder_named_after_one_decides(tmp_path):
    notebook_with(solution(BASE), tmp_path / "02-table-lookup" / "alice.ipynb")
    notebook_with(solution(BASE), tmp_path / "02-table-lookup" / BASE / "bob.ipynb")      # two folders, two names
    notebook_with(solution(BASE), tmp_path / "assignment-05" / "05-word2vec.ipynb")      # only the file name says
    done = run_grader("grade", tmp_path, "--device", "cpu", "--json", tmp_path / "r.json")
    records = {Path(r["notebook"]).name: r for r in load_json(tmp_path / "r.json")}
    alice, bob, renamed = records["alice.ipynb"], records["bob.ipynb"], records["05-word2vec.ipynb"]
    assert alice["exercise"] == "02-table-lookup" and alice["claims"] == BASE and alice["score"] == 0
    assert bob["status"] == "error" and "name different exercises" in bob["messages"][0]
    assert "--exercise" in bob["messages"][0]
    # A chapter-1 notebook saved as 05-word2vec.ipynb: which exercise is expected is unclear, so no guess
    # (grading it as chapter 1 gave 31/31 and exit 0) but a record asking for --exercise.
    assert renamed["status"] == "error" and renamed["score"] == 0
    assert "file name says 05-word2vec" in renamed["messages"][0] and "--exercise" in renamed["messages"][0]
    assert done.returncode == 1   # bob and the renamed notebook could not be graded


@pytest.mark.slow
def test_an_unknown_exercise_is_refused_at_once(tmp_path):
    done = run_grader("grade", solution(BASE), "--exercise", "07-transformers", timeout=120)
    assert done.returncode == 2 and "no such exercise" in done.stderr and BASE in done.stderr


# ---------------------------------------------------------------- internal errors

def test_an_internal_error_gives_the_notebook_its_own_record(monkeypatch, tmp_path):
    import autograder.grading

    def broken(*args, **kwargs):
        raise KeyError("a grader bug \ud800")
    monkeypatch.setattr(autograder.grading, "grade_notebook", broken)
    path = notebook_with(solution(BASE), tmp_path / "alice.ipynb")
    digest, record = autograder.grading.grade_file(str(path), ["cpu"], None, None, "the instructor", 10.0)
    assert record.notebook == str(path) and record.status == "error"
    assert "internal grader error" in record.messages[0] and "KeyError" in record.messages[0]
    json.dumps(record.to_json()).encode("utf-8")


@pytest.mark.slow
def test_explain_answers_tells_wrong_answers_the_right_one_and_only_when_asked(tmp_path):
    """`grade --explain-answers` (feedback after the deadline): each wrong answer to a graded question
    is told the right answer and why; without it, only that it is wrong. The points are the same,
    and a stored record of one kind is not reused for the other."""
    wrong = (REPO / "tests" / "buggy" / "01-one-hot-encoding" / "questions_misconceptions.py").read_text()
    notebook_with(solution("01-one-hot-encoding"), tmp_path / "student.ipynb", append=[wrong])
    outputs = {}
    for flags in ([], ["--explain-answers"]):
        out = tmp_path / "grades.json"          # one store: the first run's record must not serve the second
        done = run_grader("grade", tmp_path / "student.ipynb", "--device", "cpu", "--json", out, *flags)
        assert done.returncode == 0, done.stderr[-2000:]
        (record,) = load_json(out)
        questions = [t for t in record["tests"] if t["task"] == "questions"]
        assert len(questions) == 8 and all(t["score"] == 0 for t in questions)
        assert all(t["score"] == t["max_score"] for t in record["tests"] if t["task"] != "questions")
        outputs[bool(flags)] = [t["output"] for t in questions]
    assert not any("; the answer:" in o for o in outputs[False])
    assert all("; the answer:" in o and len(o.split("; the answer:")[1].split()) >= 8 for o in outputs[True])
