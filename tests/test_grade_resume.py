"""Nothing finished is lost: results are written as they complete, a rerun after an
interruption resumes, and grading the same submission twice gives the same record."""
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from conftest import REPO, exercise, load_json, notebook_with, run_grader, solution

pytestmark = pytest.mark.slow


def test_interrupted_batch_resumes_without_regrading(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    for i in range(3):  # three different files that all earn full marks
        notebook_with(solution("01-one-hot-encoding"), subs / f"student{i}.ipynb", append=[f"# student {i}"])
    shutil.copy(exercise("01-one-hot-encoding"), subs / "student3.ipynb")
    out = tmp_path / "grades.json"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, "-m", "autograder", "grade", str(subs), "--device", "cpu",
                             "--json", str(out)], cwd=REPO, env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    parts = out.with_name("grades.json.d")
    deadline = time.monotonic() + 300
    while not (parts.exists() and list(parts.glob("*.json"))) and time.monotonic() < deadline:
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)  # interrupted mid-batch, no chance to clean up
    proc.wait()
    finished = len(list(parts.glob("*.json")))
    assert 1 <= finished < 4 and not out.exists()

    done = run_grader("grade", subs, "--device", "cpu", "--json", out)
    assert done.returncode == 0, done.stderr
    assert f"{finished} submission(s) already graded" in done.stderr
    records = load_json(out)
    assert [r["score"] == r["max_score"] for r in records] == [True, True, True, False]
    assert len(list(parts.glob("*.json"))) == 4


def test_same_submission_twice_same_record(tmp_path):
    for name in ("a", "b"):
        shutil.copy(solution("02-table-lookup"), tmp_path / f"{name}.ipynb")
    shutil.copy(exercise("02-table-lookup"), tmp_path / "c.ipynb")
    run_grader("grade", tmp_path, "--device", "cpu", "--jobs", "2", "--json", tmp_path / "out" / "g.json")
    a, b, c = load_json(tmp_path / "out" / "g.json")
    def strip(r):   # who submitted it and how long it took differ; the grade may not
        return {k: v for k, v in r.items() if k not in ("notebook", "student", "seconds")}
    assert strip(a) == strip(b) and a["score"] == a["max_score"]
    assert c["score"] == 0


def test_stored_records_are_reused_only_under_the_same_limits_and_never_with_regrade(tmp_path):
    nb = tmp_path / "class" / "01-one-hot-encoding.ipynb"
    nb.parent.mkdir()
    shutil.copy(solution("01-one-hot-encoding"), nb)
    out = tmp_path / "g.json"

    def grade(*extra):
        done = run_grader("grade", nb, "--device", "cpu", "--json", out, *extra)
        assert done.returncode == 0, done.stderr
        return "already graded" in done.stderr
    assert not grade()
    assert grade()                                   # the same command: nothing graded again
    assert not grade("--timeout", "19")              # another limit can give another grade
    assert grade("--timeout", "19")
    assert not grade("--timeout", "19", "--regrade")
    assert load_json(out)[0]["score"] == load_json(out)[0]["max_score"]
