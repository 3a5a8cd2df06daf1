"""Start a submission's code in an isolated child process and talk to it.

The child (worker.py) runs under bubblewrap when `bwrap` is installed: no
network, its own pid namespace, a private /tmp, and a read-only view of only
the Python installation and the worker's files, so neither the hidden suites
nor the solutions are visible to it. The sandbox is built once per grading
process around a pre-warmed parent (zygote.py) that forks a worker per
submission and cleans up between them. Without bwrap the worker is a plain
child process (a warning says so). Either way it gets resource limits, and
every reply has a deadline: a child that hangs is killed.
"""
from __future__ import annotations

import atexit
import dataclasses
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from autograder import protocol

WORKER_FILES = ("worker.py", "protocol.py", "zygote.py")
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
    # The dtype name is the worker's claim, the values' own dtype a fact: they must agree
    # (the worker sends bfloat16 values as float32), or a patched worker could call int64 float32.
    if arr.dtype.name != ("float32" if strings["dtype"] == "bfloat16" else strings["dtype"]):
        raise protocol.ProtocolError(f"a tensor reported as {strings['dtype']} whose values are {arr.dtype.name}")
    return TensorData(arr, grad_fn=grad_fn, **strings, **flags)


def _sandbox_command(worker_dir: str, script: str, fds: tuple[int, ...], devices: list[str], limits: Limits) -> list[str]:
    python = sys.executable
    # An unprivileged user with no capabilities inside (bwrap started by root would
    # otherwise keep root's capabilities in the sandbox).
    cmd = [bwrap_path(), "--unshare-all", "--unshare-user", "--uid", "65534", "--gid", "65534", "--cap-drop", "ALL",
           "--die-with-parent", "--new-session", "--clearenv"]
    for path in ("/usr", "/bin", "/lib", "/lib64", "/lib32", "/etc/alternatives", "/etc/ld.so.cache"):
        if os.path.exists(path):
            cmd += ["--ro-bind", path, path]
    # /dev/shm is a tmpfs of its own too: bwrap's /dev would let it grow without bound.
    cmd += ["--proc", "/proc", "--dev", "/dev", "--size", str(limits.tmp_mb << 20), "--tmpfs", "/tmp",
            "--size", str(limits.tmp_mb << 20), "--tmpfs", "/dev/shm"]
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
    return cmd + [python, "-I", f"/grader/{script}", *map(str, fds)]


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
    STALE_AFTER = 600.0   # seconds: an empty cgroup this old belongs to a grader that was killed
    _swept = False

    def __init__(self, max_pids: int):
        self.path = None
        for root in self.ROOTS:
            if root == "/sys/fs/cgroup" and "pids" not in _read("/sys/fs/cgroup/cgroup.controllers"):
                continue
            self._sweep(root)
            try:
                path = tempfile.mkdtemp(prefix="grader-worker-", dir=root)
                Path(path, "pids.max").write_text(str(max_pids))
            except OSError:
                continue
            self.path = path
            return

    @classmethod
    def _sweep(cls, root: str):
        """Remove the empty cgroups of graders that were killed (kill -9 skips their clean-up)."""
        if cls._swept:
            return
        cls._swept = True
        for path in Path(root).glob("grader-worker-*"):
            try:
                if time.time() - path.stat().st_mtime > cls.STALE_AFTER and not _read(str(path / "cgroup.procs")).split():
                    path.rmdir()
            except OSError:
                pass

    def enter(self):
        """Called in the child before exec: move it into the cgroup."""
        if self.path:
            Path(self.path, "cgroup.procs").write_text(str(os.getpid()))

    def count(self) -> int:
        """Processes in the cgroup, as the kernel counts them (0 without a cgroup)."""
        return len(_read(os.path.join(self.path, "cgroup.procs")).split()) if self.path else 0

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


def _kill_tree(proc: subprocess.Popen, cgroup: PidsCgroup):
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


def _copy_worker_files() -> str:
    folder = tempfile.mkdtemp(prefix="grader-worker-")
    here = Path(__file__).parent
    for name in WORKER_FILES:
        shutil.copy(here / name, Path(folder) / name)
    return folder


class PlainProcess:
    """A worker started as a fresh interpreter, without bubblewrap (a warning
    says so): resource limits, a pids cgroup when root, and, with
    COURSE_GRADER_USER, an unprivileged user."""

    def __init__(self, devices: list[str], limits: Limits, fds: tuple[int, int]):
        global _warned_no_bwrap
        if not _warned_no_bwrap:
            warnings.warn("bubblewrap (bwrap) is not installed: student code runs without the sandbox. "
                          "Install it (apt-get install bubblewrap) before grading a class.", stacklevel=3)
            _warned_no_bwrap = True
        self.dir = _copy_worker_files()
        self.cgroup = PidsCgroup(limits.max_pids)
        cmd = [sys.executable, "-I", str(Path(self.dir) / "worker.py"), str(fds[0]), str(fds[1])]
        env = {**_child_env(), "HOME": self.dir, "TMPDIR": self.dir, "MPLCONFIGDIR": self.dir}
        user = _unprivileged_user()
        if user:
            os.chown(self.dir, *user)
        self.proc = subprocess.Popen(
            cmd, pass_fds=fds, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            cwd=self.dir, env=env, start_new_session=True, preexec_fn=_limit_resources(limits, self.cgroup, user))

    def poll(self):
        return self.proc.poll()

    def wait(self, timeout: float):
        return self.proc.wait(timeout=timeout)

    def stderr_tail(self) -> str:
        return self.proc.stderr.read(2000).decode(errors="replace") if self.proc.stderr else ""

    def kill(self):
        _kill_tree(self.proc, self.cgroup)

    def close(self):
        self.kill()
        if self.proc.stderr:
            self.proc.stderr.close()
        shutil.rmtree(self.dir, ignore_errors=True)


class ZygoteBroken(Exception):
    pass


class Zygote:
    """One bubblewrap sandbox holding a pre-warmed parent (zygote.py) that has
    imported numpy and torch and forks one worker per submission. The sandbox
    is built once per grading process and reused: between two workers the
    zygote kills whatever the last one left and empties /tmp, and this side
    checks, by counting the sandbox's processes in its pids cgroup, that
    nothing was left. Anything unexpected and the whole sandbox is thrown away."""

    REPLY_TIMEOUT = 8.0   # seconds, beyond any wait the request itself asks for

    def __init__(self, devices: list[str], limits: Limits):
        self.key = _zygote_key(devices, limits)
        self.dir = _copy_worker_files()
        self.cgroup = PidsCgroup(limits.max_pids)
        self.sock, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.log = open(Path(self.dir) / "zygote.log", "w+b")
        try:
            cmd = _sandbox_command(self.dir, "zygote.py", (theirs.fileno(),), devices, limits)
            self.proc = subprocess.Popen(
                cmd, pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=self.log, start_new_session=True, preexec_fn=_limit_resources(limits, self.cgroup))
        finally:
            theirs.close()
        self.destroyed = False
        reply, _ = self._reply(START_TIMEOUT, "starting the grading sandbox")
        if reply.get("ready") is not True:
            self.destroy()
            raise ZygoteBroken(f"the grading sandbox did not start: {reply}")
        self.baseline = self.cgroup.count()

    def _reply(self, timeout: float, what: str) -> tuple[dict, list[int]]:
        self.sock.settimeout(timeout)
        try:
            data, fds, _, _ = socket.recv_fds(self.sock, 4096, 2)
        except (OSError, socket.timeout) as e:
            self.destroy()
            raise ZygoteBroken(f"{what}: no answer from the sandbox ({type(e).__name__}){self._log_tail()}") from None
        try:
            reply = json.loads(data) if data else None
        except ValueError:
            reply = None
        if type(reply) is not dict or "error" in reply:
            for fd in fds:
                os.close(fd)
            self.destroy()
            raise ZygoteBroken(f"{what}: the sandbox answered {reply!r}{self._log_tail()}")
        return reply, fds

    def _request(self, message: dict, fds=(), what: str = "", wait: float = 0.0) -> tuple[dict, list[int]]:
        if self.destroyed:
            raise ZygoteBroken(f"{what}: the sandbox was already thrown away")
        if self.proc.poll() is not None:
            self.destroy()
            raise ZygoteBroken(f"{what}: the sandbox had ended{self._log_tail()}")
        try:
            socket.send_fds(self.sock, [json.dumps(message).encode()], list(fds))
        except OSError as e:
            self.destroy()
            raise ZygoteBroken(f"{what}: the sandbox does not listen ({e})") from None
        return self._reply(wait + self.REPLY_TIMEOUT, what)

    def _log_tail(self) -> str:
        try:
            self.log.seek(0)
            text = self.log.read()[-1500:].decode(errors="replace").strip()
        except (OSError, ValueError):
            return ""
        return f"\n{text}" if text else ""

    def _check_clean(self, reply: dict, what: str):
        left = reply.get("leftover_processes"), reply.get("leftover_files")
        if left != (0, 0) or self.cgroup.count() > self.baseline:
            self.destroy()
            raise ZygoteBroken(f"{what}: the sandbox could not be cleaned ({left}, "
                               f"{self.cgroup.count()} processes for {self.baseline})")

    def spawn(self, child_fds: tuple[int, int, int]) -> "ZygoteChild":
        reply, fds = self._request({"op": "spawn"}, child_fds, "starting a worker")
        if len(fds) != 1 or type(reply.get("pid")) is not int:
            for fd in fds:
                os.close(fd)
            self.destroy()
            raise ZygoteBroken(f"starting a worker: the sandbox answered {reply!r}")
        # Only the new worker may be alive now.
        if reply.get("leftover_processes") != 0 or reply.get("leftover_files") != 0 \
                or self.cgroup.count() > self.baseline + 1:
            os.close(fds[0])
            self.destroy()
            raise ZygoteBroken(f"starting a worker: the sandbox was not clean ({reply!r})")
        return ZygoteChild(self, reply["pid"], fds[0])

    def status(self, pid: int, wait: float) -> int | None:
        reply, _ = self._request({"op": "status", "pid": pid, "wait": wait}, what="reading a worker's exit", wait=wait)
        if reply.get("exited") is True and type(reply.get("code")) is int:
            return reply["code"]
        return None

    def reset(self):
        reply, _ = self._request({"op": "reset"}, what="cleaning the sandbox")
        self._check_clean(reply, "cleaning the sandbox")

    def alive(self) -> bool:
        return not self.destroyed and self.proc.poll() is None

    def destroy(self):
        if getattr(self, "destroyed", False):
            return
        self.destroyed = True
        if getattr(self, "proc", None) is not None:
            _kill_tree(self.proc, self.cgroup)
        else:
            self.cgroup.kill_all()
        self.sock.close()
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)
        _forget(self)


class ZygoteChild:
    """A worker forked by a Zygote. The grader holds its pidfd: it sees the
    exit and kills it directly, without the zygote's help."""

    def __init__(self, zygote: Zygote, pid: int, pidfd: int, err_fd: int | None = None):
        self.zygote, self.pid, self.pidfd, self.err_fd = zygote, pid, pidfd, err_fd
        self.code: int | None = None

    def _exited(self, timeout: float) -> bool:
        try:
            ready, _, _ = select.select([self.pidfd], [], [], timeout)
        except (OSError, ValueError):
            return True
        return bool(ready)

    def poll(self):
        if self.code is None and self._exited(0):
            self._collect(5.0)
        return self.code

    def wait(self, timeout: float):
        if self.code is None:
            if not self._exited(timeout):
                raise subprocess.TimeoutExpired("worker", timeout)
            self._collect(5.0)
        return self.code

    def _collect(self, wait: float):
        try:
            code = self.zygote.status(self.pid, wait)
        except ZygoteBroken:
            code = None
        self.code = code if code is not None else -signal.SIGKILL

    def stderr_tail(self) -> str:
        if self.err_fd is None:
            return ""
        os.set_blocking(self.err_fd, False)
        try:
            return os.read(self.err_fd, 2000).decode(errors="replace")
        except (BlockingIOError, OSError):
            return ""

    def kill(self):
        if self.code is None and not self._exited(0):
            try:
                signal.pidfd_send_signal(self.pidfd, signal.SIGKILL)
            except (ProcessLookupError, OSError):
                pass
            self._exited(10)
        try:
            if self.code is None:
                self._collect(1.0)   # the pidfd says it has ended: the zygote only has to reap it
            self.zygote.reset()   # whatever it started goes too
        except ZygoteBroken:
            pass

    def close(self):
        self.kill()
        for fd in (self.pidfd, self.err_fd):
            if fd is not None:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self.pidfd = self.err_fd = None
        _release(self.zygote)


# Zygotes of this grading process: idle ones are reused, one per (devices, limits).
_zygotes_lock = threading.Lock()
_idle_zygotes: dict = {}
_all_zygotes: list = []


def _zygote_key(devices: list[str], limits: Limits) -> tuple:
    return tuple(devices), dataclasses.astuple(limits)


def _acquire_zygote(devices: list[str], limits: Limits) -> Zygote:
    key = _zygote_key(devices, limits)
    with _zygotes_lock:
        zygote = _idle_zygotes.pop(key, None)
    if zygote is not None and zygote.alive():
        return zygote
    if zygote is not None:
        zygote.destroy()
    zygote = Zygote(devices, limits)
    with _zygotes_lock:
        _all_zygotes.append(zygote)
    return zygote


def _release(zygote: Zygote):
    with _zygotes_lock:
        if zygote not in _all_zygotes:
            return   # destroyed
        if zygote.key in _idle_zygotes or not zygote.alive():
            extra = zygote
        else:
            _idle_zygotes[zygote.key] = zygote
            return
    extra.destroy()


def _forget(zygote: Zygote):
    with _zygotes_lock:
        if zygote in _all_zygotes:
            _all_zygotes.remove(zygote)
        if _idle_zygotes.get(zygote.key) is zygote:
            del _idle_zygotes[zygote.key]


@atexit.register
def shutdown_zygotes():
    for zygote in list(_all_zygotes):
        zygote.destroy()


class Worker:
    """One isolated child process holding one submission's namespace: forked
    by the sandbox's zygote, or, without bubblewrap, a fresh interpreter."""

    def __init__(self, devices: list[str], limits: Limits):
        self.limits = limits
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        fds = (to_child_r, from_child_w)
        try:
            if bwrap_path():
                self.proc = self._fork_in_sandbox(devices, limits, fds)
            else:
                self.proc = PlainProcess(devices, limits, fds)
        except BaseException:
            for fd in (to_child_w, from_child_r):
                os.close(fd)
            raise
        finally:
            os.close(to_child_r)
            os.close(from_child_w)
        self.fd_out, self.fd_in = to_child_w, from_child_r
        self.deadline = 0.0
        self.reader = protocol.Reader(self._read_exact)
        try:
            self.info = self._receive(START_TIMEOUT, "starting the grading process")
        except BaseException:
            self.close()
            raise

    @staticmethod
    def _fork_in_sandbox(devices, limits, fds) -> ZygoteChild:
        for attempt in range(2):   # a sandbox found broken is replaced once
            err_r, err_w = os.pipe()
            try:
                zygote = _acquire_zygote(devices, limits)
                child = zygote.spawn((fds[0], fds[1], err_w))
                child.err_fd = err_r
                return child
            except ZygoteBroken as e:
                os.close(err_r)
                problem = e
            finally:
                os.close(err_w)
        raise WorkerDied(f"the grading sandbox failed: {problem}")

    def alive(self) -> bool:
        return self.proc.poll() is None

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
        err = self.proc.stderr_tail().strip().splitlines()
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
        self.proc.kill()

    def close(self):
        for fd in (self.fd_in, self.fd_out):
            try:
                os.close(fd)
            except OSError:
                pass
        self.proc.close()
