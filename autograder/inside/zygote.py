"""The pre-warmed parent of the sandbox's workers.

The grader starts it once per grading process as the sandbox's pid 1
(`bwrap --as-pid-1 ... python -I -S /grader`: /grader holds a copy of this
package, imported as `inside`, a launcher that calls main(), and the settings,
config.json). Before it imports anything that student code could have a
say in, it becomes the sandbox's own unprivileged user (when the grader is
root), makes itself non-dumpable and installs the seccomp filter (seccomp.py)
that it and every worker it forks keep. Then it imports numpy and torch once
and forks one worker (worker.py) per submission: a worker is ready in
milliseconds instead of the ~2 s a fresh interpreter takes to import torch.

Nothing of one submission reaches the next: before each fork it kills every
process left in the sandbox's pid namespace and empties /tmp, /dev/shm and
System V IPC, the only writable places (it refuses to start if the sandbox has
any other writable mount). As pid 1 it ignores signals sent from inside the
sandbox; not dumpable, it cannot be ptraced nor its memory, environment or
file descriptors read through /proc by the workers (same uid, no capabilities).
It never sees a score: it only starts and cleans up processes, and the grader
checks its replies and counts the sandbox's processes itself.

Control messages are small JSON objects on a SOCK_SEQPACKET socket; the
worker's pipes come in, and its pidfd goes back, as SCM_RIGHTS.
"""
import codecs
import ctypes
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

worker = None   # imported by main(), after the filter is in place

PR_SET_DUMPABLE = 4
SCRATCH = ("/tmp", "/dev/shm", "/dev/mqueue")
# Mounts that may be writable: the scratch folders (bounded tmpfs), and kernel
# interfaces that hold no files of their own (per-process /proc, ptys).
WRITABLE = {"/tmp": "tmpfs", "/dev/shm": "tmpfs", "/dev/mqueue": "mqueue", "/proc": "proc", "/dev/pts": "devpts"}
DEVICE_FILES = ("/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty")


def preload():
    """What the notebooks import, so that a forked worker finds it loaded.
    Imports only: no torch op runs here, so no thread pool exists at fork time,
    and CUDA is never initialised (a forked child could not use it)."""
    for name in ("torch.nn", "torch.nn.functional", "torch.optim", "torch.utils.data", "tqdm"):
        try:
            __import__(name)
        except ImportError:
            pass


def namespace_pids() -> list[int]:
    """Live processes of this pid namespace other than this one (its init)."""
    me, live = os.getpid(), []
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) in (1, me):
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                state = f.read().rpartition(")")[2].split()[0]
        except (OSError, IndexError):
            continue
        if state not in ("Z", "X"):
            live.append(int(name))
    return live


class Zygote:
    def __init__(self, control: socket.socket):
        self.control = control
        self.workers: set[int] = set()    # forked workers whose exit nobody has asked for yet
        self.exits: dict[int, int] = {}   # pid -> wait status of finished workers

    def reap(self):
        """Collect every ended child: workers and, as pid 1, any orphan of the sandbox."""
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            if pid in self.workers:
                self.exits[pid] = status

    def kill_others(self, seconds: float = 3.0) -> int:
        """SIGKILL everything else in the namespace (kill(-1) spares init and
        the caller) until nothing is left; returns how many could not be killed."""
        deadline = time.monotonic() + seconds
        while True:
            left = namespace_pids()
            if not left or time.monotonic() > deadline:
                self.reap()
                return len(left)
            try:
                os.kill(-1, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.reap()
            time.sleep(0.002)

    @staticmethod
    def wipe() -> int:
        """Empty the writable scratch places; returns how many entries remain."""
        mounts = mount_points()
        return sum(wipe_folder(place, mounts) for place in SCRATCH if os.path.isdir(place)) + clear_sysv_ipc()

    def reset(self) -> dict:
        left = self.kill_others()
        return {"leftover_processes": left, "leftover_files": self.wipe()}

    def spawn(self, fds: list[int]) -> tuple[dict, list[int]]:
        state = self.reset()
        pid = os.fork()
        if pid == 0:
            run_worker(self.control, fds)   # never returns
        self.workers.add(pid)
        for fd in fds:
            os.close(fd)
        pidfd = os.pidfd_open(pid)
        return {**state, "pid": pid}, [pidfd]

    def status(self, pid: int, wait: float) -> dict:
        deadline = time.monotonic() + min(max(wait, 0.0), 30.0)
        while True:
            self.reap()
            if pid in self.exits:
                status = self.exits.pop(pid)
                self.workers.discard(pid)
                if os.WIFSIGNALED(status):
                    return {"pid": pid, "exited": True, "code": -os.WTERMSIG(status)}
                return {"pid": pid, "exited": True, "code": os.WEXITSTATUS(status)}
            if time.monotonic() >= deadline:
                return {"pid": pid, "exited": False}
            time.sleep(0.01)

    def serve(self):
        self.send({"ready": True})
        while True:
            try:
                data, fds, _, _ = socket.recv_fds(self.control, 4096, 4)
            except OSError:
                return
            if not data:
                return   # the grader closed its end
            reply_fds: list[int] = []
            try:
                request = json.loads(data)
                op = request["op"]
                if op == "spawn" and len(fds) == 3:
                    reply, reply_fds = self.spawn(fds)
                elif op == "status":
                    reply = self.status(int(request["pid"]), float(request.get("wait", 0)))
                elif op == "reset":
                    reply = self.reset()
                else:
                    reply = {"error": f"bad request {op!r} with {len(fds)} descriptors"}
            except Exception as e:  # a bad request must not end the zygote
                reply = {"error": f"{type(e).__name__}: {e}"}
            self.send(reply, reply_fds)
            for fd in reply_fds:
                os.close(fd)

    def send(self, reply: dict, fds=()):
        socket.send_fds(self.control, [json.dumps(reply).encode()], list(fds))


def mount_points() -> set[str]:
    with open("/proc/self/mounts") as f:
        return {codecs.decode(line.split()[1], "unicode_escape") for line in f if len(line.split()) > 1}


def wipe_folder(folder: str, mounts: set[str]) -> int:
    """Remove everything in `folder` but the sandbox's own mounts (the Python installation
    is bound under /tmp when it lives there) and the folders leading to them, which are
    emptied of everything else in turn. Returns how many entries could not be removed."""
    remaining = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 1
    for entry in entries:
        path = entry.path
        if path in mounts:
            continue
        if any(m.startswith(path + "/") for m in mounts):
            remaining += wipe_folder(path, mounts)
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                _make_removable(path)
                shutil.rmtree(path, ignore_errors=True)
            else:
                os.unlink(path)
        except OSError:
            pass
        remaining += os.path.lexists(path)
    return remaining


def _make_removable(folder: str):
    """A submission may leave folders without permissions (mode 0): open them all up first.
    os.walk lists a folder's subfolders before it enters them, so each is opened in time."""
    os.chmod(folder, 0o700)
    for root, dirs, _ in os.walk(folder):
        for name in dirs:
            path = os.path.join(root, name)
            try:
                if not os.path.islink(path):
                    os.chmod(path, 0o700)
            except OSError:
                pass


def clear_sysv_ipc() -> int:
    """System V shared memory, semaphores and message queues outlive their
    processes: remove them (ipcrm) when there are any; returns how many remain."""
    def count():
        n = 0
        for kind in ("shm", "sem", "msg"):
            try:
                with open(f"/proc/sysvipc/{kind}") as f:
                    n += max(0, len(f.read().splitlines()) - 1)
            except OSError:
                pass
        return n
    if count() and shutil.which("ipcrm"):
        subprocess.run(["ipcrm", "--all"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=10, check=False)
    return count()


def run_worker(control: socket.socket, fds: list[int]):
    """In the forked child: become a worker on the pipes the grader sent."""
    fd_in, fd_out, fd_err = fds
    try:
        control.close()
        os.setsid()
        os.dup2(fd_err, 2)
        keep = {0, 1, 2, fd_in, fd_out}
        for fd in map(int, os.listdir("/proc/self/fd")):
            if fd not in keep:
                try:
                    os.close(fd)
                except OSError:
                    pass
        os.chdir("/tmp")
        try:   # if the sandbox runs out of memory, the kernel takes a worker, not the parent
            with open("/proc/self/oom_score_adj", "w") as f:
                f.write("1000")
        except OSError:
            pass
        signal.signal(signal.SIGINT, signal.default_int_handler)
        worker.run(fd_in, fd_out)
        code = 0
    except BaseException:
        code = 1
    os._exit(code)   # never run the zygote's own clean-up in the child


def drop_privileges(user):
    """As root's sandbox (bwrap left CAP_SETUID and CAP_SETGID only): become the
    sandbox's own uid for good, with no capabilities left in any set."""
    if user is None:
        return
    uid, gid = user
    os.setgroups([])
    os.setresgid(gid, gid, gid)
    os.setresuid(uid, uid, uid)
    status = dict(line.split(":", 1) for line in open("/proc/self/status") if ":" in line)
    ids = [int(x) for x in status["Uid"].split()] + [int(x) for x in status["Gid"].split()]
    caps = [int(status[k].strip(), 16) for k in ("CapInh", "CapPrm", "CapEff", "CapAmb")]
    if set(ids) != {uid} | {gid} or any(caps[1:]):
        sys.exit(f"could not drop privileges: ids {ids}, capabilities {caps}")


def check_mounts():
    """Refuse to serve unless every writable mount is one of WRITABLE (or a device file)."""
    with open("/proc/self/mountinfo") as f:
        for line in f:
            fields = line.split()
            point = codecs.decode(fields[4], "unicode_escape")
            options = fields[5].split(",")
            kind, super_options = fields[fields.index("-") + 1], fields[-1].split(",")
            if "rw" not in options or point in DEVICE_FILES or point.startswith("/dev/nvidia"):
                continue
            if WRITABLE.get(point) != kind:
                sys.exit(f"the sandbox has a writable mount that is not scratch space: {point} ({kind})")
            if kind == "tmpfs" and not any(o.startswith("size=") for o in super_options):
                sys.exit(f"the sandbox's scratch folder {point} has no size limit")


def main(config_path: str):
    """Serve the grader with the settings in `config_path` (the launcher's config.json)."""
    global worker
    # kill(-1) below is only safe in the sandbox's own pid namespace, whose init this process is.
    if os.getpid() != 1:
        sys.exit("zygote.py runs only as pid 1 of the grader's bubblewrap sandbox")
    with open(config_path) as f:
        config = json.load(f)
    drop_privileges(config.get("user"))
    # Not dumpable: same-uid processes cannot ptrace this one or read /proc/1/{mem,environ,fd};
    # forked workers inherit the flag.
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
    from . import seccomp
    try:
        seccomp.install()
    except seccomp.Unsupported as e:
        print(f"warning: {e}: the sandbox runs without its seccomp filter", file=sys.stderr)
    check_mounts()
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # pid 1: nothing from inside may stop it
    import site
    for folder in config.get("site", []):
        site.addsitedir(folder)
    site.setquit()       # exit() and quit(), which -S leaves out, as in a normal interpreter
    site.setcopyright()
    site.sethelper()
    from . import worker as worker_module   # numpy, torch and the protocol, once for every fork
    worker = worker_module
    control = socket.socket(fileno=int(config["control_fd"]))
    preload()
    Zygote(control).serve()

