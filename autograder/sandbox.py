"""Start a submission's code in an isolated child process and talk to it.

The child (worker.py) runs under bubblewrap when `bwrap` is installed: no
network, its own pid namespace, a read-only root holding only the Python
installation (at neutral paths) and the worker's files, and two bounded
scratch folders (/tmp and /dev/shm), so neither the hidden suites nor the
solutions are visible to it. The sandbox is built once per grading process
around a pre-warmed parent (zygote.py, the sandbox's pid 1) that forks a worker
per submission and cleans up between them. When the grader runs as root, the
sandbox runs as a host uid of its own that owns nothing; either way a seccomp
filter (seccomp.py) denies what could reach beyond a submission or outlive it
(ptrace, keyrings, namespaces, mounts...). A memory and a pids cgroup, where
the grader may create them, bound and count everything the sandbox holds.
Without bwrap the worker is a plain child process (a warning says so). Either
way it gets resource limits, and every read and write across the boundary has
a deadline and a size limit: a child that hangs or floods is killed.
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

from autograder import inside
from autograder.inside import protocol
from autograder.text import safe_line, safe_text

INSIDE_PACKAGE = Path(inside.__file__).parent   # what runs inside, copied into each sandbox
LAUNCHER = '''\
# Written by the grader beside a copy of its package autograder/inside. `python -I [-S] FOLDER ARGS`
# runs this file with FOLDER first on sys.path (the interpreter's own doing, isolated or not),
# so the package beside it is imported as the package `inside`.
import os
from inside import {role}
{role}.main({args})
'''
START_TIMEOUT = 60.0
# When the grader runs as root, each grading process's sandbox runs as host uid
# SANDBOX_UID_BASE + the grader's pid: a uid no account and no file has, so the
# submission shares no per-user kernel state with the grader or another sandbox.
SANDBOX_UID_BASE = int(os.environ.get("COURSE_SANDBOX_UID_BASE", "10000000"))


@dataclass
class Limits:
    memory_mb: int = 4096          # address space of the child
    call_timeout: float = 20.0     # seconds for one call
    load_timeout: float = 60.0     # seconds for running all of the notebook's cells
    file_mb: int = 64              # largest file the child may write
    max_pids: int = 64             # processes and threads of one submission (with a pids cgroup)
    tmp_mb: int = 256              # size of each of the sandbox's scratch folders, /tmp and /dev/shm
    reply_mb: int = 128            # largest reply one call may send back
    replies_mb: int = 4096         # all the replies of one worker together


class WorkerDied(Exception):
    """The child exited or was killed; `reason` says why in a student's terms."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class StudentRaised(Exception):
    """The student's code raised; carries the exception's name and message as data."""

    def __init__(self, error: dict, what: str):
        # All of it is the submission's text: bounded and made safe to store and print here.
        def strings(value, limit, count=20):
            return [safe_line(v, limit) for v in value[:count]] if type(value) is list else []
        self.type = safe_line(error.get("type", "Exception"), 100)
        self.mro = strings(error.get("mro"), 100)
        self.message = safe_text(error.get("message", ""), 1000)
        self.where = strings(error.get("where"), 300, 3)
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


INSIDE_PYTHON = "/opt/python"   # the interpreter's installation, inside the sandbox
INSIDE_SITE = "/opt/site"        # the environment's site-packages folders, inside the sandbox


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


def sandbox_user() -> tuple[int, int] | None:
    """The host uid and gid the sandbox runs as when the grader is root (None otherwise)."""
    if os.geteuid() != 0:
        return None
    uid = SANDBOX_UID_BASE + os.getpid()
    return uid, uid


def _sandbox_command(worker_dir: str, devices: list[str], limits: Limits) -> list[str]:
    """bwrap's command line for the warm parent (zygote.py), which is the sandbox's pid 1.
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
    cmd += ["--ro-bind", worker_dir, "/grader", "--chdir", "/tmp"]
    for key, value in _child_env().items():
        cmd += ["--setenv", key, value]
    cmd += ["--remount-ro", "/", "--remount-ro", "/dev"]
    # -S: the site-packages folders are added by zygote.py from /grader/config.json.
    return cmd + [interpreter, "-I", "-S", "/grader"]


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


def _limit_resources(limits: Limits, cgroup: "Cgroup", user=None):
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


class Cgroup:
    """A cgroup holding a worker (or a whole sandbox) and everything it starts:
    a pids limit (a fork bomb stops there), a memory limit that also counts
    what is written to the sandbox's tmpfs scratch folders, and a way for the
    grader to kill every process in it, even those that left the process
    group. Needs root and the controllers (cgroup v1 or v2); otherwise a
    controller is absent and `path` (the pids cgroup) may be None."""

    STALE_AFTER = 600.0   # seconds: an empty cgroup this old belongs to a grader that was killed
    _swept: set = set()

    def __init__(self, max_pids: int, memory_bytes: int | None = None):
        self.paths: list[str] = []   # one folder per controller (one in all with cgroup v2)
        self.path = None             # where the processes are counted and killed
        self.memory_path = None
        root = "/sys/fs/cgroup"
        if {"pids", "memory"} & set(_read(f"{root}/cgroup.controllers").split()):   # cgroup v2
            self._make(root, {"pids.max": str(max_pids)} | (
                {"memory.max": str(memory_bytes), "memory.swap.max": "0"} if memory_bytes else {}))
            if self.paths:
                self.path = self.paths[0]
                self.memory_path = self.path if memory_bytes and Path(self.path, "memory.max").exists() else None
            return
        if self._make(f"{root}/pids", {"pids.max": str(max_pids)}):   # cgroup v1: a folder per controller
            self.path = self.paths[-1]
        if memory_bytes and self._make(f"{root}/memory", {"memory.limit_in_bytes": str(memory_bytes)}):
            self.memory_path = self.paths[-1]
            try:   # with swap accounting, swap counts too
                Path(self.memory_path, "memory.memsw.limit_in_bytes").write_text(str(memory_bytes))
            except OSError:
                pass

    def _make(self, root: str, settings: dict) -> bool:
        if not os.path.isdir(root):
            return False
        self._sweep(root)
        try:
            path = tempfile.mkdtemp(prefix="grader-worker-", dir=root)
        except OSError:
            return False
        try:
            for name, value in settings.items():
                if Path(path, name).exists():
                    Path(path, name).write_text(value)
        except OSError:
            os.rmdir(path)
            return False
        self.paths.append(path)
        return True

    @classmethod
    def _sweep(cls, root: str):
        """Remove the empty cgroups of graders that were killed (kill -9 skips their clean-up)."""
        if root in cls._swept:
            return
        cls._swept.add(root)
        for path in Path(root).glob("grader-worker-*"):
            try:
                if time.time() - path.stat().st_mtime > cls.STALE_AFTER and not _read(str(path / "cgroup.procs")).split():
                    path.rmdir()
            except OSError:
                pass

    def enter(self):
        """Called in the child before exec: move it into the cgroups."""
        for path in self.paths:
            Path(path, "cgroup.procs").write_text(str(os.getpid()))

    def count(self) -> int:
        """Processes in the cgroup, as the kernel counts them (0 without a cgroup)."""
        return len(_read(os.path.join(self.path, "cgroup.procs")).split()) if self.path else 0

    def memory_used(self) -> int | None:
        """Bytes of memory the cgroup holds now, tmpfs files included (None without a memory cgroup)."""
        if not self.memory_path:
            return None
        for name in ("memory.current", "memory.usage_in_bytes"):
            text = _read(os.path.join(self.memory_path, name)).strip()
            if text.isdigit():
                return int(text)
        return None

    def kill_all(self):
        if self.path:
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
        for path in self.paths:
            try:
                os.rmdir(path)
            except OSError:
                pass


def _read_ready(fd: int, limit: int) -> str:
    """Up to `limit` bytes that can be read from `fd` now, decoded; never blocks."""
    try:
        ready, _, _ = select.select([fd], [], [], 0)
        return os.read(fd, limit).decode(errors="replace") if ready else ""
    except (OSError, ValueError):
        return ""


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


_warned_no_bwrap = False


def _kill_tree(proc: subprocess.Popen, cgroup: Cgroup):
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


def _stage_inside(role: str, config: dict | None = None) -> str:
    """A folder with the code that runs beside student code, readable by the sandbox's
    user: a copy of the package autograder/inside (as `inside`), a launcher (__main__.py)
    that starts `role` (zygote or worker), and the parent's settings (config.json), so
    that none of them appear on a command line the sandbox can read."""
    folder = Path(tempfile.mkdtemp(prefix="grader-worker-"))
    os.chmod(folder, 0o755)
    package = folder / "inside"
    package.mkdir(mode=0o755)
    os.chmod(package, 0o755)
    for source in sorted(INSIDE_PACKAGE.glob("*.py")):
        shutil.copy(source, package / source.name)
        os.chmod(package / source.name, 0o644)
    args = 'os.path.join(os.path.dirname(__file__), "config.json")' if role == "zygote" else ""
    files = {"__main__.py": LAUNCHER.format(role=role, args=args)}
    if config is not None:
        files["config.json"] = json.dumps(config)
    for name, text in files.items():
        (folder / name).write_text(text)
        os.chmod(folder / name, 0o644)
    return str(folder)


def _memory_bytes(limits: Limits, scratch: int = 0) -> int:
    """What a sandbox may hold in all: one submission's memory limit, its scratch
    folders and the warm parent (numpy and torch imported, about 400 MB)."""
    return (limits.memory_mb + scratch * limits.tmp_mb + 512) << 20


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
        self.dir = _stage_inside("worker")
        self.cgroup = Cgroup(limits.max_pids, _memory_bytes(limits))
        cmd = [sys.executable, "-I", self.dir, str(fds[0]), str(fds[1])]
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
        """What the worker wrote to stderr, without waiting: a process it started may hold the pipe open."""
        return _read_ready(self.proc.stderr.fileno(), 2000) if self.proc.stderr else ""

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
        self.cgroup = Cgroup(limits.max_pids, _memory_bytes(limits, scratch=2))
        self.sock, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.log = tempfile.TemporaryFile()   # the parent's stderr, outside the sandbox
        _, _, sites = python_layout()
        self.dir = _stage_inside("zygote", {"control_fd": theirs.fileno(), "site": sites, "user": sandbox_user()})
        try:
            cmd = _sandbox_command(self.dir, devices, limits)
            # bwrap itself starts with an empty environment: nothing of the grader's reaches the sandbox.
            self.proc = subprocess.Popen(
                cmd, pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=self.log, start_new_session=True, env={},
                preexec_fn=_limit_resources(limits, self.cgroup))
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
        return "" if self.err_fd is None else _read_ready(self.err_fd, 2000)

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

    def __init__(self, devices: list[str], limits: Limits, start_timeout: float = START_TIMEOUT):
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
        # Neither side of the pipes may stall the grader: every read and write has a deadline.
        os.set_blocking(self.fd_out, False)
        os.set_blocking(self.fd_in, False)
        self.deadline = 0.0
        self.received = 0   # bytes of all replies so far, bounded by limits.replies_mb
        self.reader = protocol.Reader(self._read_exact, max_total=limits.reply_mb << 20)
        try:
            self.info = self._receive(start_timeout, "starting the grading process")
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

    def _wait_for(self, fd: int, writing: bool):
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        ready = select.select([], [fd], [], remaining)[1] if writing else select.select([fd], [], [], remaining)[0]
        if not ready:
            raise TimeoutError

    def _read_exact(self, n: int) -> bytes:
        self.received += n
        if self.received > self.limits.replies_mb << 20:
            raise protocol.ProtocolError(f"the replies add up to more than {self.limits.replies_mb} MB")
        chunks, got = [], 0
        while got < n:
            self._wait_for(self.fd_in, writing=False)
            try:
                chunk = os.read(self.fd_in, min(n - got, 1 << 20))
            except BlockingIOError:
                continue
            if not chunk:
                raise EOFError
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks)

    def _write_all(self, data: bytes):
        view = memoryview(data)
        while view:
            self._wait_for(self.fd_out, writing=True)
            try:
                view = view[os.write(self.fd_out, view[: 1 << 20]):]
            except BlockingIOError:
                continue

    def _receive(self, timeout: float, what: str, deadline: float | None = None):
        """The next reply, by `deadline` (default: `timeout` seconds from now)."""
        self.deadline = deadline if deadline is not None else time.monotonic() + timeout
        try:
            header, buffers = self.reader.read_message()
            return header, buffers
        except TimeoutError:
            self.kill()
            raise WorkerDied(f"{what} did not finish within {timeout:g} s (an endless loop, or far too slow)") from None
        except EOFError:
            raise WorkerDied(f"the Python process running your code ended while {what}: {self._exit_reason()}") from None
        except (protocol.ProtocolError, ValueError, OSError, RecursionError) as e:
            self.kill()
            raise WorkerDied(f"the grader could not read the reply while {what}: {e}") from None

    def _exit_reason(self) -> str:
        try:
            code = self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.kill()
            return "it stopped answering"
        if code < 0:
            try:
                sig = signal.Signals(-code).name
            except ValueError:
                sig = f"signal {-code}"
            hint = " (probably the memory limit)" if -code in (signal.SIGKILL, signal.SIGSEGV, signal.SIGABRT) else ""
            return f"killed by {sig}{hint}"
        if code == 0:
            return "it exited (exit() or sys.exit() in your code?)"
        err = self.proc.stderr_tail().strip().splitlines()
        if any("MemoryError" in line or "Cannot allocate" in line for line in err):
            return "out of memory"
        return f"exit status {code}" + (f" ({safe_line(err[-1], 300)})" if err else "")

    def request(self, msg: dict, timeout: float, what: str):
        """Send a request and wait for its reply; `timeout` bounds both together."""
        if self.proc.poll() is not None:
            raise WorkerDied(f"the Python process running your code had already ended before {what}")
        buffers: list[bytes] = []
        encoded = protocol.encode(msg, buffers, _parent_tensor_hook)
        self.deadline = time.monotonic() + timeout
        try:
            self._write_all(protocol.frame({"msg": encoded}, buffers))
        except TimeoutError:
            self.kill()
            raise WorkerDied(f"the Python process running your code stopped reading before {what} "
                             f"(nothing read for {timeout:g} s)") from None
        except OSError:
            raise WorkerDied(f"the Python process running your code ended before {what}: {self._exit_reason()}") from None
        header, reply_buffers = self._receive(timeout, what, self.deadline)
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
