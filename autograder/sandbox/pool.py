"""The grader's side of the warm sandboxes: a ZygoteClient starts one bubblewrap sandbox around
its pre-warmed parent (autograder/inside/zygote.py, the class Zygote there) and asks it, over a
control socket, to fork workers and clean up; a ForkedProcess is one such worker, seen through
its pidfd; the pool keeps one idle sandbox per (devices, limits) for the next submission."""
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
import tempfile
import threading

from autograder.sandbox.boundary import WorkerDied
from autograder.sandbox.bwrap import python_layout, sandbox_command
from autograder.sandbox.cgroup import Cgroup
from autograder.sandbox.limits import START_TIMEOUT, Limits, limit_resources, memory_bytes, sandbox_user
from autograder.sandbox.process import kill_tree, read_ready
from autograder.sandbox.staging import stage


class ZygoteBroken(Exception):
    """The sandbox failed, ended or answered what it should not: it has been thrown away."""


class ZygoteClient:
    """One bubblewrap sandbox holding a pre-warmed parent (zygote.py's Zygote) that has
    imported numpy and torch and forks one worker per submission. The sandbox
    is built once per grading process and reused: between two workers the
    zygote kills whatever the last one left and empties /tmp, and this side
    checks, by counting the sandbox's processes in its pids cgroup, that
    nothing was left. Anything unexpected and the whole sandbox is thrown away."""

    REPLY_TIMEOUT = 8.0   # seconds, beyond any wait the request itself asks for

    def __init__(self, devices: list[str], limits: Limits):
        self.key = _zygote_key(devices, limits)
        self.cgroup = Cgroup(limits.max_pids, memory_bytes(limits, scratch=2))
        self.sock, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.log = tempfile.TemporaryFile()   # the parent's stderr, outside the sandbox
        _, _, sites = python_layout()
        self.dir = stage("zygote", {"control_fd": theirs.fileno(), "site": sites, "user": sandbox_user()})
        try:
            cmd = sandbox_command(self.dir, devices, limits)
            # bwrap itself starts with an empty environment: nothing of the grader's reaches the sandbox.
            self.proc = subprocess.Popen(
                cmd, pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=self.log, start_new_session=True, env={},
                preexec_fn=limit_resources(limits, self.cgroup))
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

    def spawn(self, child_fds: tuple[int, int, int]) -> ForkedProcess:
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
        return ForkedProcess(self, reply["pid"], fds[0])

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
            kill_tree(self.proc, self.cgroup)
        else:
            self.cgroup.kill_all()
        self.sock.close()
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)
        _forget(self)


class ForkedProcess:
    """A worker forked by the sandbox's Zygote. The grader holds its pidfd: it sees the
    exit and kills it directly, without the zygote's help."""

    def __init__(self, zygote: ZygoteClient, pid: int, pidfd: int, err_fd: int | None = None):
        self.zygote, self.pid, self.pidfd, self.err_fd = zygote, pid, pidfd, err_fd
        self.code: int | None = None

    def _exited(self, timeout: float) -> bool:
        try:
            ready, _, _ = select.select([self.pidfd], [], [], timeout)
        except (OSError, ValueError):
            return True
        return bool(ready)

    def cpu_seconds(self) -> float | None:
        """CPU seconds of the whole sandbox (its zygote and every worker forked), None without a cgroup."""
        return self.zygote.cgroup.cpu_seconds()

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
        return "" if self.err_fd is None else read_ready(self.err_fd, 2000)

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


def _acquire_zygote(devices: list[str], limits: Limits) -> ZygoteClient:
    key = _zygote_key(devices, limits)
    with _zygotes_lock:
        zygote = _idle_zygotes.pop(key, None)
    if zygote is not None and zygote.alive():
        return zygote
    if zygote is not None:
        zygote.destroy()
    zygote = ZygoteClient(devices, limits)
    with _zygotes_lock:
        _all_zygotes.append(zygote)
    return zygote


def _release(zygote: ZygoteClient):
    with _zygotes_lock:
        if zygote not in _all_zygotes:
            return   # destroyed
        if zygote.key in _idle_zygotes or not zygote.alive():
            extra = zygote
        else:
            _idle_zygotes[zygote.key] = zygote
            return
    extra.destroy()


def _forget(zygote: ZygoteClient):
    with _zygotes_lock:
        if zygote in _all_zygotes:
            _all_zygotes.remove(zygote)
        if _idle_zygotes.get(zygote.key) is zygote:
            del _idle_zygotes[zygote.key]


@atexit.register
def shutdown_zygotes():
    for zygote in list(_all_zygotes):
        zygote.destroy()


def live_zygotes() -> list[ZygoteClient]:
    """The sandboxes this grading process holds now, idle or serving a worker."""
    with _zygotes_lock:
        return list(_all_zygotes)


def fork_worker(devices: list[str], limits: Limits, fds: tuple[int, int]) -> ForkedProcess:
    """A worker on the pipes `fds` (its ends: requests in, replies out), forked by a warm
    sandbox's parent; a sandbox found broken is replaced once."""
    for _attempt in range(2):
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
