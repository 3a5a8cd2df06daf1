"""How the grader's modules depend on each other: defaults in one place, no import cycle."""
import subprocess
import sys

from autograder import defaults
from conftest import REPO


def test_the_command_line_takes_the_defaults(monkeypatch):
    from autograder import cli, gradescope
    assert gradescope.GRADESCOPE_BUDGET == defaults.GRADESCOPE_BUDGET < defaults.BUDGET
    parsed = {}
    for command in ("grade", "course", "gradescope"):
        monkeypatch.setattr(cli, f"cmd_{command}", lambda args, command=command: parsed.update({command: args}) or 0)
    for argv in (["grade", "a.ipynb"], ["course", "dir"], ["gradescope", "01-one-hot-encoding"]):
        assert cli.main(argv) == 0
    grade = parsed["grade"]
    assert (grade.memory_mb, grade.timeout, grade.load_timeout, grade.budget) == (
        defaults.MEMORY_MB, defaults.CALL_TIMEOUT, defaults.LOAD_TIMEOUT, defaults.BUDGET)
    assert parsed["course"].budget == defaults.BUDGET and parsed["gradescope"].budget == defaults.GRADESCOPE_BUDGET


def test_the_bundle_does_not_import_the_command_line():
    code = ("import sys, autograder.gradescope, autograder.results, autograder.exercises; "
            "assert 'autograder.cli' not in sys.modules, sorted(sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
