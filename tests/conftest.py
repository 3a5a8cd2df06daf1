import json
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.exercises import discover, released_path, solution_path

REPO = Path(__file__).resolve().parent.parent


# Every exercise that has a hidden suite and a solution notebook.
EXERCISES = discover(REPO)


# Student-side code: what a submission can see of earlier ones. Files and folders under `place`,
# leaving out the sandbox's own mounts (the Python installation is bound under /tmp when it
# lives there, as in a clone under /tmp) and the empty folders that lead to them.
SCRATCH_LISTING = r'''
import os

def scratch_listing(place):
    with open("/proc/self/mounts") as f:
        mounts = {line.split()[1] for line in f}
    found = []
    for root, dirs, files in os.walk(place):
        dirs[:] = [d for d in dirs if os.path.join(root, d) not in mounts]
        found += [os.path.join(root, name) for name in files]
        found += [os.path.join(root, d) for d in dirs
                  if not any(m.startswith(os.path.join(root, d) + "/") for m in mounts)]
    return sorted(found)
'''


def solution(name: str) -> Path:
    return solution_path(name, REPO)


def exercise(name: str) -> Path:
    return released_path(name, REPO)


def run_grader(*args, timeout=900) -> subprocess.CompletedProcess:
    """The instructor's command, as a separate process (the grader is installed in the environment)."""
    return subprocess.run([sys.executable, "-m", "autograder", *map(str, args)], cwd=REPO,
                          capture_output=True, text=True, timeout=timeout)


def load_json(path: Path):
    return json.loads(Path(path).read_text())


def notebook_with(base: Path, dest: Path, *, replace: dict | None = None, append: list[str] = (),
                  prepend: list[str] = ()) -> Path:
    """A copy of `base` with solution cells replaced (by grade_id) and code cells added."""
    nb = json.loads(base.read_text())
    for cell in nb["cells"]:
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if replace and gid in replace:
            cell["source"] = replace[gid]
    def new(src):
        return {"cell_type": "code", "metadata": {}, "source": src, "outputs": [], "execution_count": None}
    nb["cells"] = [new(s) for s in prepend] + nb["cells"] + [new(s) for s in append]
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(json.dumps(nb))
    return dest


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO
