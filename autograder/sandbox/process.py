"""A worker as a plain child process, where bubblewrap cannot build the sandbox (a warning says
so), and what the grader does to any child process it started: read its stderr without
waiting, kill it with everything it started."""
from __future__ import annotations

import os
import select
import shutil
import signal
import subprocess
import sys
import warnings

from autograder.sandbox.cgroup import Cgroup
from autograder.sandbox.limits import Limits, limit_resources, memory_bytes, unprivileged_user
from autograder.sandbox.staging import child_env, stage

_warned_no_bwrap = False


def read_ready(fd: int, limit: int) -> str:
    """Up to `limit` bytes that can be read from `fd` now, decoded; never blocks."""
    try:
        ready, _, _ = select.select([fd], [], [], 0)
        return os.read(fd, limit).decode(errors="replace") if ready else ""
    except (OSError, ValueError):
        return ""


def kill_tree(proc: subprocess.Popen, cgroup: Cgroup):
    """Kill a child, its process group and everything in its cgroup (in or out of the group)."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            proc.kill()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass
    cgroup.kill_all()


class PlainProcess:
    """A worker started as a fresh interpreter, without bubblewrap (a warning
    says so): resource limits, a pids cgroup when root, and, with
    COURSE_GRADER_USER, an unprivileged user. It runs the staged copy of
    autograder/inside (`python -I FOLDER IN_FD OUT_FD`)."""

    def __init__(self, devices: list[str], limits: Limits, fds: tuple[int, int]):
        global _warned_no_bwrap
        if not _warned_no_bwrap:
            warnings.warn("bubblewrap (bwrap) is not installed: student code runs without the sandbox. "
                          "Install it (apt-get install bubblewrap) before grading a class.", stacklevel=3)
            _warned_no_bwrap = True
        self.dir = stage("worker")
        self.cgroup = Cgroup(limits.max_pids, memory_bytes(limits))
        cmd = [sys.executable, "-I", self.dir, str(fds[0]), str(fds[1])]
        env = {**child_env(), "HOME": self.dir, "TMPDIR": self.dir, "MPLCONFIGDIR": self.dir}
        user = unprivileged_user()
        if user:
            os.chown(self.dir, *user)
        self.proc = subprocess.Popen(
            cmd, pass_fds=fds, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            cwd=self.dir, env=env, start_new_session=True, preexec_fn=limit_resources(limits, self.cgroup, user))

    def cpu_seconds(self) -> float | None:
        """CPU seconds of the worker and all it started, None without a cgroup."""
        return self.cgroup.cpu_seconds()

    def poll(self):
        return self.proc.poll()

    def wait(self, timeout: float):
        return self.proc.wait(timeout=timeout)

    def stderr_tail(self) -> str:
        """What the worker wrote to stderr, without waiting: a process it started may hold the pipe open."""
        return read_ready(self.proc.stderr.fileno(), 2000) if self.proc.stderr else ""

    def kill(self):
        kill_tree(self.proc, self.cgroup)

    def close(self):
        self.kill()
        if self.proc.stderr:
            self.proc.stderr.close()
        shutil.rmtree(self.dir, ignore_errors=True)
