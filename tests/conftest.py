import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

# Every exercise that has a hidden suite and a solution notebook.
EXERCISES = sorted(p.name for p in (REPO / "autograder" / "suites").iterdir()
                   if p.is_dir() and (REPO / "solutions" / p.name / f"{p.name}.ipynb").exists())


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
    return REPO / "solutions" / name / f"{name}.ipynb"


def exercise(name: str) -> Path:
    return REPO / "exercises" / name / f"{name}.ipynb"


def run_grader(*args, timeout=900) -> subprocess.CompletedProcess:
    """The instructor's command, as a separate process."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "autograder", *map(str, args)], cwd=REPO, env=env,
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
    new = lambda src: {"cell_type": "code", "metadata": {}, "source": src, "outputs": [], "execution_count": None}
    nb["cells"] = [new(s) for s in prepend] + nb["cells"] + [new(s) for s in append]
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(json.dumps(nb))
    return dest


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


# ---------------------------------------------------------------- tiers: what the markers need

# pyproject.toml registers the markers; `make check` leaves out slow, site and browser tests.
SITES = {"student": (REPO / "_build" / "html", "make book"),
         "instructor": (REPO / "_build" / "instructor" / "_build" / "html", "make book-instructor")}


def chromium_path() -> str | None:
    import shutil
    found = shutil.which("chromium") or "/usr/bin/chromium"
    return found if Path(found).exists() else None


def pytest_runtest_setup(item):
    """A test that needs what is not there fails, saying what to run: the full tier must not pass
    by skipping. Only the sandbox's isolation tests are skipped without bubblewrap (outside CI),
    as the grader itself then runs with process limits only."""
    for marker in item.iter_markers("site"):
        for name in marker.args or ("student",):
            site, command = SITES[name]
            if not (site / "index.html").exists():
                pytest.fail(f"the {name} site is not built ({site.relative_to(REPO)}): run `{command}` "
                            "(or leave the site tests out: -m 'not site')", pytrace=False)
    if item.get_closest_marker("browser") and chromium_path() is None:
        pytest.fail("Chromium is not installed (Debian/Ubuntu: apt-get install chromium chromium-driver; "
                    "or leave the browser tests out: -m 'not browser')", pytrace=False)
    if item.get_closest_marker("sandbox"):
        from autograder.sandbox import bwrap_path
        if bwrap_path() is None:
            message = "bubblewrap is not installed (Debian/Ubuntu: apt-get install bubblewrap)"
            if os.environ.get("CI"):
                pytest.fail(message, pytrace=False)
            pytest.skip(message)

