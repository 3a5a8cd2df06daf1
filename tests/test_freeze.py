"""Student.paused (autograder/sandbox/freeze.py): while the grader measures a speed check's
reference, every process of the submission's sandbox is stopped, so a submission cannot keep the
cores busy between its calls to slow the reference down and widen its own time limit.

Checked on the kernel's own CPU accounting of the sandbox's processes (read here, in /proc, not
asked of the worker): a submission with a busy thread, a busy child and a busy orphan (its parent
gone) uses CPU time, and none at all while it is paused; afterwards it runs again and answers."""
import os
import time

import pytest

from autograder.sandbox import Limits, bwrap_path
from autograder.student import Student

pytestmark = pytest.mark.skipif(not bwrap_path(), reason="the sandbox (bubblewrap) is not installed")

CODE = """
import os, threading

def spin():
    while True:
        pass

def start_spinning():
    threading.Thread(target=spin, daemon=True).start()     # a thread of the worker
    if os.fork() == 0:                                       # a child
        spin()
    middle = os.fork()
    if middle == 0:                                          # an orphan: its parent exits at once
        if os.fork() == 0:
            spin()
        os._exit(0)
    os.waitpid(middle, 0)
    return os.getpid()

def ping(x):
    return x + 1
"""


def sandbox_processes(student) -> set[int]:
    """Every process under the submission's bubblewrap, found here by walking /proc's parent links
    (not by the code under test)."""
    parents = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as f:
                    parents[int(name)] = int(f.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                pass
    found = {student.worker.proc.zygote.proc.pid}
    while True:
        more = {pid for pid, parent in parents.items() if parent in found} - found
        if not more:
            return found
        found |= more


def cpu_seconds(pids) -> float:
    """CPU time the kernel has counted for these processes (all their threads)."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / 100


@pytest.fixture
def spinning():
    s = Student([(0, CODE)], ["cpu"], Limits(call_timeout=20))
    s.call("start_spinning")
    time.sleep(0.2)
    yield s
    s.close()


def test_a_paused_submission_uses_no_cpu_and_runs_again_afterwards(spinning):
    pids = sandbox_processes(spinning)
    assert len(pids) >= 5, "bubblewrap, the zygote, the worker, its child and the orphan"
    assert pids <= spinning.worker.proc.processes()
    before = cpu_seconds(pids)
    time.sleep(0.5)
    assert cpu_seconds(pids) - before > 0.05, "the spinners run between calls (the attack)"
    with spinning.paused():
        start = cpu_seconds(pids)
        time.sleep(0.5)
        assert cpu_seconds(pids) == start, "a process of the submission ran while it was paused"
    after = cpu_seconds(pids)
    time.sleep(0.5)
    assert cpu_seconds(pids) - after > 0.05, "the submission runs again after the pause"
    assert spinning.call("ping", 41) == 42


def test_pausing_before_the_first_call_or_after_the_worker_ended_is_harmless():
    s = Student([(0, CODE)], ["cpu"], Limits(call_timeout=20))
    try:
        with s.paused():                     # no worker yet
            pass
        assert s.call("ping", 1) == 2
        s.worker.kill()
        with s.paused():                     # the worker has ended
            pass
    finally:
        s.close()
