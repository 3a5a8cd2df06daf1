"""Start a submission's code in an isolated child process and talk to it.

The child (worker.py) runs under bubblewrap when `bwrap` is installed: no
network, its own pid namespace, a private /tmp, and a read-only view of only
the Python installation and the worker's two files, so neither the hidden
suites nor the solutions are visible to it. Without bwrap it runs as a plain
child process (a warning says so). Either way it gets resource limits, and
every reply has a deadline: a child that hangs is killed.
"""
from __future__ import annotations

import os
import select
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from autograder import protocol

WORKER_FILES = ("worker.py", "protocol.py")
START_TIMEOUT = 60.0


@dataclass
class Limits:
    memory_mb: int = 4096          # address space of the child
    call_timeout: float = 20.0     # seconds for one call
    load_timeout: float = 60.0     # seconds for running all of the notebook's cells
    file_mb: int = 64              # largest file the child may write
    max_pids: int = 64             # processes and threads of one submission (with a pids cgroup)
    tmp_mb: int = 256              # size of the sandbox's private /tmp


class WorkerDied(Exception):
    """The child exited or was killed; `reason` says why in a student's terms."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class StudentRaised(Exception):
    """The student's code raised; carries the exception's name and message as data."""

    def __init__(self, error: dict, what: str):
        self.type = str(error.get("type", "Exception"))
        self.mro = [str(n) for n in error.get("mro", [])]
        self.message = str(error.get("message", ""))[:1000]
        self.where = [str(w) for w in error.get("where", [])]
        super().__init__(f"{what} raised {self.type}: {self.message}")

    def is_a(self, *names: str) -> bool:
        return any(n in self.mro for n in names)


@dataclass
class TensorData:
    """A tensor as it crossed the boundary: values and facts, no torch object."""
    array: np.ndarray
    device: str
    dtype: str
    requires_grad: bool
    is_parameter: bool
    is_leaf: bool
    layout: str
    grad_fn: str | None

    @property
    def shape(self):
        return self.array.shape


@dataclass
class TensorSpec:
    """An argument that the worker turns into a torch tensor on `device`."""
    array: np.ndarray
    device: str = "cpu"
    requires_grad: bool = False


def tensor(array, device="cpu", requires_grad=False) -> TensorSpec:
    return TensorSpec(np.asarray(array), device, requires_grad)


_bwrap_checked: dict = {}


def bwrap_path() -> str | None:
    """bubblewrap, if installed and able to create a sandbox here (inside some
    containers it is installed but namespaces are not allowed)."""
    path = shutil.which("bwrap")
    if path and path not in _bwrap_checked:
        probe = [path, "--unshare-all", "--die-with-parent", "--ro-bind", "/", "/", "--proc", "/proc", "true"]
        try:
            _bwrap_checked[path] = subprocess.run(probe, capture_output=True, timeout=30).returncode == 0
        except (OSError, subprocess.TimeoutExpired):
            _bwrap_checked[path] = False
    return path if path and _bwrap_checked[path] else None


def _unprivileged_user():
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


def _parent_tensor_hook(value, buffers):
    if isinstance(value, TensorSpec):
        return protocol.encode_array(value.array, buffers, {"tensor": {"device": value.device, "requires_grad": value.requires_grad}})
    if isinstance(value, protocol.Handle):
        return {"__handle__": value.ident}
    if isinstance(getattr(value, "handle", None), protocol.Handle):  # a student.Remote
        return {"__handle__": value.handle.ident}
    return None


def _parent_array_hook(desc, arr):
    meta = desc.get("tensor")
    if meta is None:
        return None
    if type(meta) is not dict or arr is None:
        raise protocol.ProtocolError("malformed tensor description")
    strings = {k: meta.get(k) for k in ("device", "dtype", "layout")}
    if not all(type(v) is str and len(v) < 40 for v in strings.values()):
        raise protocol.ProtocolError("malformed tensor description")
    flags = {k: meta.get(k) for k in ("requires_grad", "is_parameter", "is_leaf")}
    if not all(type(v) is bool for v in flags.values()):
        raise protocol.ProtocolError("malformed tensor description")
    grad_fn = meta.get("grad_fn")
    if grad_fn is not None and (type(grad_fn) is not str or len(grad_fn) > 100):
        raise protocol.ProtocolError("malformed tensor description")
    return TensorData(arr, grad_fn=grad_fn, **strings, **flags)


def _sandbox_command(worker_dir: str, fds: tuple[int, int], devices: list[str], limits: Limits) -> list[str]:
    python = sys.executable
    # An unprivileged user with no capabilities inside (bwrap started by root would
    # otherwise keep root's capabilities in the sandbox).
    cmd = [bwrap_path(), "--unshare-all", "--unshare-user", "--uid", "65534", "--gid", "65534", "--cap-drop", "ALL",
           "--die-with-parent", "--new-session", "--clearenv"]
    for path in ("/usr", "/bin", "/lib", "/lib64", "/lib32", "/etc/alternatives", "/etc/ld.so.cache"):
        if os.path.exists(path):
            cmd += ["--ro-bind", path, path]
    cmd += ["--proc", "/proc", "--dev", "/dev", "--size", str(limits.tmp_mb << 20), "--tmpfs", "/tmp"]
    # The interpreter, its standard library and the installed packages, read-only.
    seen = []
    for path in sorted({sys.base_prefix, sys.prefix, sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}):
        real = os.path.realpath(path)
        for p in {path, real}:
            if p.startswith("/usr/") or any(p == s or p.startswith(s + "/") for s in seen):
                continue
            seen.append(p)
            cmd += ["--ro-bind", p, p]
    if "cuda" in devices:
        for dev in sorted(Path("/dev").glob("nvidia*")):
            cmd += ["--dev-bind", str(dev), str(dev)]
        if os.path.exists("/proc/driver/nvidia"):
            cmd += ["--ro-bind", "/proc/driver/nvidia", "/proc/driver/nvidia"]
    cmd += ["--ro-bind", worker_dir, "/grader", "--chdir", "/tmp"]
    for key, value in _child_env().items():
        cmd += ["--setenv", key, value]
    return cmd + [python, "-I", "/grader/worker.py", str(fds[0]), str(fds[1])]


def _child_env() -> dict:
    env = {"HOME": "/tmp", "TMPDIR": "/tmp", "MPLBACKEND": "Agg", "PYTHONDONTWRITEBYTECODE": "1",
           "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
           "MPLCONFIGDIR": "/tmp/mpl",
           # Lets a notebook skip its long demo cells (training runs) while being graded.
           "COURSE_GRADING": "1"}
    for key in ("CUDA_VISIBLE_DEVICES", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        if key in os.environ:
            env[key] = os.environ[key]
    return env


def _limit_resources(limits: Limits, cgroup: "PidsCgroup", user=None):
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


class PidsCgroup:
    """A pids cgroup holding a worker and everything it starts: caps the
    number of processes (a fork bomb stops there) and lets the grader kill
    every one of them, even those that left the process group.
    Needs root and a pids controller (cgroup v1 or v2); otherwise absent."""

    ROOTS = ("/sys/fs/cgroup/pids", "/sys/fs/cgroup")

    def __init__(self, max_pids: int):
        self.path = None
        for root in self.ROOTS:
            if root == "/sys/fs/cgroup" and "pids" not in _read("/sys/fs/cgroup/cgroup.controllers"):
                continue
            try:
                path = tempfile.mkdtemp(prefix="grader-worker-", dir=root)
                Path(path, "pids.max").write_text(str(max_pids))
            except OSError:
                continue
            self.path = path
            return

    def enter(self):
        """Called in the child before exec: move it into the cgroup."""
        if self.path:
            Path(self.path, "cgroup.procs").write_text(str(os.getpid()))

    def kill_all(self):
        if not self.path:
            return
        for _ in range(50):
            pids = [int(p) for p in _read(os.path.join(self.path, "cgroup.procs")).split()]
            if not pids:
                break
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.02)
        try:
            os.rmdir(self.path)
        except OSError:
            pass


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


_warned_no_bwrap = False


class Worker:
    """One sandboxed child process holding one submission's namespace."""

    def __init__(self, devices: list[str], limits: Limits):
        global _warned_no_bwrap
        self.limits = limits
        self.dir = tempfile.mkdtemp(prefix="grader-worker-")
        here = Path(__file__).parent
        for name in WORKER_FILES:
            shutil.copy(here / name, Path(self.dir) / name)
        self.cgroup = PidsCgroup(limits.max_pids)
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        fds = (to_child_r, from_child_w)
        user = None
        if bwrap_path():
            cmd = _sandbox_command(self.dir, fds, devices, limits)
            env = None
        else:
            if not _warned_no_bwrap:
                warnings.warn("bubblewrap (bwrap) is not installed: student code runs without the sandbox. "
                              "Install it (apt-get install bubblewrap) before grading a class.", stacklevel=2)
                _warned_no_bwrap = True
            cmd = [sys.executable, "-I", str(Path(self.dir) / "worker.py"), str(fds[0]), str(fds[1])]
            env = {**_child_env(), "HOME": self.dir, "TMPDIR": self.dir, "MPLCONFIGDIR": self.dir}
            user = _unprivileged_user()
            if user:
                os.chown(self.dir, *user)
        self.proc = subprocess.Popen(
            cmd, pass_fds=fds, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            cwd=self.dir, env=env, start_new_session=True, preexec_fn=_limit_resources(limits, self.cgroup, user))
        os.close(to_child_r)
        os.close(from_child_w)
        self.fd_out, self.fd_in = to_child_w, from_child_r
        self.deadline = 0.0
        self.reader = protocol.Reader(self._read_exact)
        self.info = self._receive(START_TIMEOUT, "starting the grading process")

    # ------------------------------------------------------------ transport

    def _read_exact(self, n: int) -> bytes:
        chunks, got = [], 0
        while got < n:
            remaining = self.deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            ready, _, _ = select.select([self.fd_in], [], [], remaining)
            if not ready:
                raise TimeoutError
            chunk = os.read(self.fd_in, min(n - got, 1 << 20))
            if not chunk:
                raise EOFError
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks)

    def _receive(self, timeout: float, what: str):
        self.deadline = time.monotonic() + timeout
        try:
            header, buffers = self.reader.read_message()
            return header, buffers
        except TimeoutError:
            self.kill()
            raise WorkerDied(f"{what} did not finish within {timeout:g} s (an endless loop, or far too slow)") from None
        except EOFError:
            raise WorkerDied(f"the Python process running your code ended while {what}: {self._exit_reason()}") from None
        except (protocol.ProtocolError, ValueError, OSError) as e:
            self.kill()
            raise WorkerDied(f"the grader could not read the reply while {what}: {e}") from None

    def _exit_reason(self) -> str:
        try:
            code = self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.kill()
            return "it stopped answering"
        if code < 0:
            sig = signal.Signals(-code).name
            hint = " (probably the memory limit)" if -code in (signal.SIGKILL, signal.SIGSEGV, signal.SIGABRT) else ""
            return f"killed by {sig}{hint}"
        if code == 0:
            return "it exited (exit() or sys.exit() in your code?)"
        err = self.proc.stderr.read(2000).decode(errors="replace").strip().splitlines() if self.proc.stderr else []
        if any("MemoryError" in line or "Cannot allocate" in line for line in err):
            return "out of memory"
        return f"exit status {code}" + (f" ({err[-1]})" if err else "")

    def request(self, msg: dict, timeout: float, what: str):
        if self.proc.poll() is not None:
            raise WorkerDied(f"the Python process running your code had already ended before {what}")
        buffers: list[bytes] = []
        encoded = protocol.encode(msg, buffers, _parent_tensor_hook)
        try:
            protocol.write_message(self.fd_out, {"msg": encoded}, buffers)
        except (BrokenPipeError, OSError):
            raise WorkerDied(f"the Python process running your code ended before {what}: {self._exit_reason()}") from None
        header, reply_buffers = self._receive(timeout, what)
        return header, reply_buffers

    def kill(self):
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                self.proc.kill()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        self.cgroup.kill_all()  # whatever it started, in or out of its process group

    def close(self):
        self.kill()
        for fd in (self.fd_in, self.fd_out):
            try:
                os.close(fd)
            except OSError:
                pass
        if self.proc.stderr:
            self.proc.stderr.close()
        shutil.rmtree(self.dir, ignore_errors=True)
