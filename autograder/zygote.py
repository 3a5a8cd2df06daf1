"""The pre-warmed parent of the sandbox's workers.

sandbox.py starts it once per grading process, inside bubblewrap, as
`python -I zygote.py CONTROL_FD`. It imports numpy and torch once, then forks
one worker (worker.py) per submission: a worker is ready in milliseconds
instead of the ~2 s a fresh interpreter takes to import torch.

Nothing of one submission reaches the next: before each fork it kills every
process left in the sandbox's pid namespace and empties /tmp, /dev/shm and
System V IPC. It is not dumpable, and neither are the workers it forks, so
student code (same uid, no capabilities) can neither ptrace it nor open its
file descriptors through /proc. It never sees a score: it only starts and
cleans up processes, and the grader checks its replies and counts the
sandbox's processes itself.

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

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import worker  # noqa: E402  (imports numpy, torch and the protocol once, for every fork)

PR_SET_DUMPABLE = 4
SCRATCH = ("/tmp", "/dev/shm", "/dev/mqueue")


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
    """Live processes of this pid namespace other than its init (bwrap) and this one."""
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
        self.exits: dict[int, int] = {}   # pid -> wait status of finished workers

    def reap(self):
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
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
        signal.signal(signal.SIGINT, signal.default_int_handler)
        worker.run(fd_in, fd_out)
        code = 0
    except BaseException:
        code = 1
    os._exit(code)   # never run the zygote's own clean-up in the child


def main():
    # kill(-1) below is only safe in the sandbox's own pid namespace, whose init is bwrap.
    with open("/proc/1/comm") as f:
        if f.read().strip() != "bwrap":
            sys.exit("zygote.py runs only inside the grader's bubblewrap sandbox")
    control = socket.socket(fileno=int(sys.argv[1]))
    # Not dumpable: same-uid processes cannot ptrace this one or read /proc/<pid>/fd;
    # forked workers inherit the flag.
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
    preload()
    Zygote(control).serve()


if __name__ == "__main__":
    main()
