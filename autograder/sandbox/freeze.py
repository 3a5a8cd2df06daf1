"""Stopping a sandbox's processes for a moment: what the grader measures meanwhile (a speed check's
reference, harness.Reference) is not slowed by threads or processes a submission keeps busy between
its calls to widen its own time limit.

SIGSTOP, which no process can catch, block or ignore, goes to every process of the sandbox: those of
its cgroup, when it has one, and every descendant of its first process (orphans of a forked worker
are the zygote's, which is in the sandbox). A stopped process cannot fork, so a few passes find
every one; the block starts once each of their threads is seen stopped. SIGCONT afterwards."""
from __future__ import annotations

import os
import signal
import time
from contextlib import contextmanager

STOP_WAIT = 0.5   # seconds to wait for every thread to be seen stopped


def _ppid_and_state(pid: int) -> tuple[int, str] | None:
    try:
        with open(f"/proc/{pid}/stat") as f:
            text = f.read()
    except OSError:
        return None
    rest = text[text.rindex(")") + 2:].split()
    return int(rest[1]), rest[0]


def descendants(root: int) -> set[int]:
    """`root` and every process below it, as /proc shows them now."""
    children: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            found = _ppid_and_state(int(name))
            if found:
                children.setdefault(found[0], []).append(int(name))
    found, todo = set(), [root]
    while todo:
        pid = todo.pop()
        if pid not in found:
            found.add(pid)
            todo.extend(children.get(pid, ()))
    return found


def _all_threads_stopped(pid: int) -> bool:
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return True   # gone
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                text = f.read()
        except OSError:
            continue
        if text[text.rindex(")") + 2:].split()[0] not in "TtZX":
            return False
    return True


def stop(pids_of) -> set[int]:
    """SIGSTOP every process `pids_of()` lists, until a pass finds no new one; then wait (at most
    STOP_WAIT) until all their threads are stopped. Returns the processes stopped."""
    stopped: set[int] = set()
    for _ in range(20):
        new = set(pids_of()) - stopped
        if not new:
            break
        for pid in new:
            try:
                os.kill(pid, signal.SIGSTOP)
                stopped.add(pid)
            except (ProcessLookupError, PermissionError):
                pass
    deadline = time.monotonic() + STOP_WAIT
    while time.monotonic() < deadline and not all(_all_threads_stopped(pid) for pid in stopped):
        time.sleep(0.001)
    return stopped


def resume(pids: set[int]):
    for pid in pids:
        try:
            os.kill(pid, signal.SIGCONT)
        except (ProcessLookupError, PermissionError):
            pass


@contextmanager
def stopped(pids_of):
    """The block runs while every process `pids_of()` lists is stopped."""
    pids = set()
    try:
        pids = stop(pids_of)
        yield pids
    finally:
        resume(pids)
