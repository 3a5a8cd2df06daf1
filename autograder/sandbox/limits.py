"""What a worker may use, and as whom it runs: the Limits of one submission, the resource limits
and user a child process gets before it starts, and the host uid of the sandbox when the grader
is root."""
from __future__ import annotations

import os
from dataclasses import dataclass

from autograder import defaults
from autograder.sandbox.cgroup import Cgroup

START_TIMEOUT = 60.0   # seconds for a worker to be ready (a sandbox built, or an interpreter started)
# When the grader runs as root, each grading process's sandbox runs as host uid
# SANDBOX_UID_BASE + the grader's pid: a uid no account and no file has, so the
# submission shares no per-user kernel state with the grader or another sandbox.
SANDBOX_UID_BASE = int(os.environ.get("COURSE_SANDBOX_UID_BASE", "10000000"))


@dataclass
class Limits:
    memory_mb: int = defaults.MEMORY_MB            # address space of the child
    call_timeout: float = defaults.CALL_TIMEOUT    # seconds for one call
    load_timeout: float = defaults.LOAD_TIMEOUT    # seconds for running all of the notebook's cells
    file_mb: int = 64              # largest file the child may write
    max_pids: int = 64             # processes and threads of one submission (with a pids cgroup)
    tmp_mb: int = 256              # size of each of the sandbox's scratch folders, /tmp and /dev/shm
    reply_mb: int = 128            # largest reply one call may send back
    replies_mb: int = 4096         # all the replies of one worker together


def memory_bytes(limits: Limits, scratch: int = 0) -> int:
    """What a sandbox may hold in all: one submission's memory limit, its scratch
    folders and the warm parent (numpy and torch imported, about 400 MB)."""
    return (limits.memory_mb + scratch * limits.tmp_mb + 512) << 20


def sandbox_user() -> tuple[int, int] | None:
    """The host uid and gid the sandbox runs as when the grader is root (None otherwise)."""
    if os.geteuid() != 0:
        return None
    uid = SANDBOX_UID_BASE + os.getpid()
    return uid, uid


def unprivileged_user():
    """Without bwrap, root can still run student code as an unprivileged user
    (COURSE_GRADER_USER, set by the Gradescope bundle) that cannot read the suites."""
    name = os.environ.get("COURSE_GRADER_USER")
    if not name or os.geteuid() != 0:
        return None
    import pwd
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        return None
    return entry.pw_uid, entry.pw_gid


def limit_resources(limits: Limits, cgroup: Cgroup, user=None):
    """The function a child runs before exec (Popen's preexec_fn): into the cgroup, then
    `user` (uid, gid) if given, then the address-space, file-size and core limits."""
    def apply():
        import resource
        cgroup.enter()
        if user is not None:
            os.setgroups([])
            os.setgid(user[1])
            os.setuid(user[0])
        mb = 1 << 20
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory_mb * mb, limits.memory_mb * mb))
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_mb * mb, limits.file_mb * mb))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    return apply
