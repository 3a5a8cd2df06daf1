"""Start a submission's code in an isolated child process and talk to it: the grader's side of
the trust boundary. What runs on the other side is the package autograder/inside, which never
imports anything from here.

The child (inside/worker.py) runs under bubblewrap when `bwrap` is installed: no
network, its own pid namespace, a read-only root holding only the Python
installation (at neutral paths) and a copy of autograder/inside, and two bounded
scratch folders (/tmp and /dev/shm), so neither the hidden suites nor the
solutions are visible to it. The sandbox is built once per grading process
around a pre-warmed parent (inside/zygote.py, the sandbox's pid 1) that forks a
worker per submission and cleans up between them. When the grader runs as root,
the sandbox runs as a host uid of its own that owns nothing; either way a seccomp
filter (inside/seccomp.py) denies what could reach beyond a submission or outlive
it (ptrace, keyrings, namespaces, mounts...). A memory and a pids cgroup, where
the grader may create them, bound and count everything the sandbox holds.
Without bwrap the worker is a plain child process (a warning says so). Either
way it gets resource limits, and every read and write across the boundary has
a deadline and a size limit: a child that hangs or floods is killed.

One concern per module:
    boundary   what crosses: WorkerDied, StudentRaised, TensorData, TensorSpec, the protocol's hooks
    limits     Limits, the rlimits and user of a child, the sandbox's own uid
    cgroup     Cgroup: pids and memory limits, counting and killing a sandbox's processes
    bwrap      whether bubblewrap works here, and the sandbox's command line
    staging    the folder a child runs: a copy of autograder/inside, its launcher and settings
    process    PlainProcess, the worker without bubblewrap; killing a process tree
    pool       ZygoteClient (one warm sandbox), ForkedProcess (a worker it forked), the pool
    transport  Pipes: framed messages with deadlines and size limits
    client     WorkerClient: one worker, its requests, and why it died
The rest of the grader imports what it needs from this package; the names below are its API.
"""
from autograder.sandbox.boundary import StudentRaised, TensorData, TensorSpec, WorkerDied, reply_hook, tensor
from autograder.sandbox.bwrap import bwrap_path
from autograder.sandbox.client import WorkerClient
from autograder.sandbox.limits import START_TIMEOUT, Limits, sandbox_user
from autograder.sandbox.pool import live_zygotes, shutdown_zygotes

__all__ = ["START_TIMEOUT", "Limits", "StudentRaised", "TensorData", "TensorSpec", "WorkerClient", "WorkerDied",
           "bwrap_path", "live_zygotes", "reply_hook", "sandbox_user", "shutdown_zygotes", "tensor"]
