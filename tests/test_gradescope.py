"""The Gradescope bundle, run as Gradescope runs it, writes valid results."""
import json
import os
import subprocess
import sys
import zipfile

import pytest

from autograder.gradescope import validate_results
from conftest import exercise, notebook_with, run_grader, solution

NAME = "02-table-lookup"


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    out = tmp_path_factory.mktemp("bundle") / "autograder.zip"
    done = run_grader("gradescope", NAME, "--out", out)
    assert done.returncode == 0, done.stderr
    return out


def test_bundle_holds_what_gradescope_needs_and_no_solutions(bundle):
    names = zipfile.ZipFile(bundle).namelist()
    assert {"setup.sh", "run_autograder", "requirements.txt", "constraints.txt"} <= set(names)
    assert f"autograder/suites/{NAME}/test_{NAME.replace('-', '_')}.py" in names
    assert not any(n.startswith("solutions/") or n.startswith("exercises/") for n in names)
    assert not any(n.startswith("autograder/suites/") and f"/{NAME}/" not in n for n in names)


def run_as_gradescope(bundle, tmp_path, submission):
    """Lay out /autograder as Gradescope does (in a temporary folder) and run run_autograder."""
    root = tmp_path / "autograder"
    (root / "source").mkdir(parents=True)
    (root / "submission").mkdir()
    (root / "results").mkdir()
    zipfile.ZipFile(bundle).extractall(root / "source")
    if submission:
        notebook_with(submission, root / "submission" / f"{NAME}.ipynb")
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "AUTOGRADER_PYTHON": sys.executable,
           "COURSE_GRADER_DEVICE": "cpu"}
    env.pop("PYTHONPATH", None)
    done = subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads((root / "results" / "results.json").read_text())


@pytest.mark.parametrize("which", ["solution", "exercise", "nothing"])
def test_results_follow_gradescope_schema(bundle, tmp_path, which):
    submission = {"solution": solution(NAME), "exercise": exercise(NAME), "nothing": None}[which]
    results = run_as_gradescope(bundle, tmp_path, submission)
    assert validate_results(results) == []
    if which == "solution":
        assert results["score"] == sum(t["max_score"] for t in results["tests"]) > 0
        assert {t["visibility"] for t in results["tests"]} == {"after_due_date"}
    elif which == "exercise":
        assert results["score"] == 0 and len(results["tests"]) > 10
    else:
        assert results["score"] == 0 and "No .ipynb file was submitted" in results["output"]


def test_validator_rejects_malformed_results():
    assert validate_results({"score": "10"}) == ["score is not a number"]
    assert validate_results({"tests": [{"score": 3, "max_score": 2, "visibility": "sometimes"}]}) == [
        "test 0: bad visibility 'sometimes'", "test 0: score outside 0..max_score"]
