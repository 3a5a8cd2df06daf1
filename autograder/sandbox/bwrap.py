"""bubblewrap: whether it can build our sandbox here, where the running interpreter appears inside
it, and the command line that starts the sandbox around its warm parent (autograder/inside/zygote.py)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

from autograder.sandbox.limits import Limits, sandbox_user
from autograder.sandbox.staging import child_env

INSIDE_PYTHON = "/opt/python"   # the interpreter's installation, inside the sandbox
INSIDE_SITE = "/opt/site"        # the environment's site-packages folders, inside the sandbox
INSIDE_STAGED = "/grader"        # the staged folder (autograder/sandbox/staging.py), inside the sandbox

_bwrap_checked: dict = {}


def bwrap_path() -> str | None:
    """bubblewrap, if installed and able to build our sandbox here (inside some
    containers it is installed but namespaces are not allowed)."""
    path = shutil.which("bwrap")
    if path and path not in _bwrap_checked:
        probe = [path, *_namespace_flags(), "--ro-bind", "/", "/", "--proc", "/proc", "true"]
        try:
            _bwrap_checked[path] = subprocess.run(probe, capture_output=True, timeout=30, env={}).returncode == 0
        except (OSError, subprocess.TimeoutExpired):
            _bwrap_checked[path] = False
    return path if path and _bwrap_checked[path] else None


def _namespace_flags() -> list[str]:
    """How bwrap isolates the sandbox. As root: new namespaces but no user namespace, and only
    CAP_SETUID and CAP_SETGID kept, which the sandbox's parent uses once to become the
    sandbox's own host uid (sandbox_user) before anything else runs. As another user: a user
    namespace maps the sandbox's uid 65534 to the grader's, with no capabilities."""
    flags = ["--die-with-parent", "--new-session", "--as-pid-1", "--clearenv"]
    if sandbox_user():
        return flags + ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try",
                        "--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"]
    return flags + ["--unshare-all", "--unshare-user", "--disable-userns", "--uid", "65534", "--gid", "65534",
                    "--cap-drop", "ALL"]


def python_layout() -> tuple[list[tuple[str, str]], str, list[str]]:
    """Where the running interpreter appears inside the sandbox: (binds as (host, inside)
    pairs, the interpreter's path inside, the site-packages folders inside). Host paths
    stay out of the sandbox's command line: the installation appears at neutral paths."""
    base = os.path.realpath(sys.base_prefix)
    binds: list[tuple[str, str]] = []

    def inside(path: str) -> str | None:
        if path == "/usr" or path.startswith("/usr/"):
            return path                       # /usr is bound as it is
        if path == base or path.startswith(base + "/"):
            return INSIDE_PYTHON + path[len(base):]
        return None

    if inside(base) != base:
        binds.append((base, INSIDE_PYTHON))
    interpreter = inside(os.path.realpath(sys.executable))
    if interpreter is None:
        raise RuntimeError(f"the interpreter {sys.executable} lies outside its installation {base}: "
                           "grade from a virtual environment made with `python -m venv` (symlinks)")
    sites = []
    for path in dict.fromkeys(os.path.realpath(sysconfig.get_paths()[k]) for k in ("purelib", "platlib")):
        if not os.path.isdir(path):
            continue
        where = inside(path)
        if where is None:
            where = f"{INSIDE_SITE}/{len(sites)}"
            binds.append((path, where))
        sites.append(where)
    return binds, interpreter, sites


def sandbox_command(staged: str, devices: list[str], limits: Limits) -> list[str]:
    """bwrap's command line for the warm parent (zygote.py), which is the sandbox's pid 1, from
    the folder `staged` (autograder/sandbox/staging.py), bound read-only at INSIDE_STAGED.
    Everything is read-only but /tmp and /dev/shm, two tmpfs of limits.tmp_mb each."""
    binds, interpreter, _ = python_layout()
    cmd = [bwrap_path(), *_namespace_flags()]
    for path in ("/usr", "/bin", "/lib", "/lib64", "/lib32", "/etc/alternatives", "/etc/ld.so.cache"):
        if os.path.exists(path):
            cmd += ["--ro-bind", path, path]
    scratch = str(limits.tmp_mb << 20)
    cmd += ["--proc", "/proc", "--dev", "/dev",
            "--perms", "1777", "--size", scratch, "--tmpfs", "/tmp",
            "--perms", "1777", "--size", scratch, "--tmpfs", "/dev/shm"]
    # Folders bwrap creates are private to their creator unless told otherwise.
    cmd += ["--perms", "0755", "--dir", "/opt", "--perms", "0755", "--dir", INSIDE_SITE]
    for host, inside in binds:
        cmd += ["--ro-bind", host, inside]
    if "cuda" in devices:
        for dev in sorted(Path("/dev").glob("nvidia*")):
            cmd += ["--dev-bind", str(dev), str(dev)]
        if os.path.exists("/proc/driver/nvidia"):
            cmd += ["--ro-bind", "/proc/driver/nvidia", "/proc/driver/nvidia"]
    cmd += ["--ro-bind", staged, INSIDE_STAGED, "--chdir", "/tmp"]
    for key, value in child_env().items():
        cmd += ["--setenv", key, value]
    cmd += ["--remount-ro", "/", "--remount-ro", "/dev"]
    # The interpreter runs the staged folder, whose launcher starts the package's zygote.py.
    # -S: the site-packages folders are added by zygote.py from /grader/config.json.
    return cmd + [interpreter, "-I", "-S", INSIDE_STAGED]

