"""What a worker's process gets from the grader: a copy of the code that runs inside (the package
autograder/inside), a launcher that starts it as a package, the warm parent's settings, and the
environment. The folder is readable by the sandbox's user, and none of it appears on a command
line the sandbox can read."""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from autograder import inside

INSIDE_PACKAGE = Path(inside.__file__).parent   # the code that runs inside, staged into every sandbox
STAGED_NAME = "inside"                          # its name where it runs
LAUNCHER = '''\
# Written by the grader (autograder/sandbox/staging.py) beside a copy of its package
# autograder/inside. `python -I [-S] FOLDER ARGS` runs this file with FOLDER first on
# sys.path (the interpreter's own doing, isolated or not), so the package beside it is
# imported as the package `{package}`.
import os
from {package} import {role}
{role}.main({args})
'''


def stage(role: str, config: dict | None = None) -> str:
    """A new folder holding a copy of the package autograder/inside, as `inside`, a launcher
    (__main__.py) that starts its `role` ("zygote" or "worker"), and `config` as config.json
    (the zygote's settings). Its caller removes it."""
    if role not in ("zygote", "worker"):
        raise ValueError(f"no such role in the sandbox: {role!r}")
    folder = Path(tempfile.mkdtemp(prefix="grader-worker-"))
    os.chmod(folder, 0o755)
    shutil.copytree(INSIDE_PACKAGE, folder / STAGED_NAME, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for root, _dirs, files in os.walk(folder / STAGED_NAME):
        os.chmod(root, 0o755)
        for name in files:
            os.chmod(os.path.join(root, name), 0o644)
    args = 'os.path.join(os.path.dirname(__file__), "config.json")' if role == "zygote" else ""
    files = {"__main__.py": LAUNCHER.format(package=STAGED_NAME, role=role, args=args)}
    if config is not None:
        files["config.json"] = json.dumps(config)
    for name, text in files.items():
        (folder / name).write_text(text)
        os.chmod(folder / name, 0o644)
    return str(folder)


def child_env() -> dict:
    """The whole environment of a worker's process: nothing of the grader's but a few device settings."""
    env = {"HOME": "/tmp", "TMPDIR": "/tmp", "MPLBACKEND": "Agg", "PYTHONDONTWRITEBYTECODE": "1",
           "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
           "MPLCONFIGDIR": "/tmp/mpl",
           # Lets a notebook skip its long demo cells (training runs) while being graded.
           "COURSE_GRADING": "1"}
    for key in ("CUDA_VISIBLE_DEVICES", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        if key in os.environ:
            env[key] = os.environ[key]
    return env
