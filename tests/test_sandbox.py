"""The worker that runs student code: isolation, limits, and plain-data replies."""
import time

import numpy as np
import pytest

from autograder.sandbox import Limits, StudentRaised, TensorData, WorkerDied, bwrap_path, tensor
from autograder.student import Missing, Student
from conftest import SCRATCH_LISTING

needs_bwrap = pytest.mark.skipif(bwrap_path() is None, reason="bubblewrap is not installed")

CODE = r'''
import os, socket, sys, numpy as np, torch

def visible(path):
    return os.path.exists(path)

def connect(port):
    s = socket.socket()
    s.settimeout(2)
    try:
        s.connect(("127.0.0.1", port))
        return "connected"
    except OSError as e:
        return type(e).__name__

def my_pid():
    return os.getpid()

def processes():
    return sorted(int(p) for p in os.listdir("/proc") if p.isdigit())

def env_keys():
    return sorted(os.environ)

def privileges():
    status = dict(line.split(":", 1) for line in open("/proc/self/status"))
    return os.getuid(), int(status["CapEff"].strip(), 16)

def hang():
    while True:
        pass

def die():
    os._exit(0)

def hog():
    return np.ones(10**10, dtype=np.uint8).sum()

def lie():
    class Liar(np.ndarray):
        def __eq__(self, other):
            return True
    return np.zeros(3).view(Liar)

def obj():
    return object()

def lookup(W, x):
    return W[x]

print("printed text never reaches the grader's channel")
'''


@pytest.fixture(scope="module")
def student():
    s = Student([(0, CODE), (1, "def broken(:\n    pass"), (2, "helper = 1")], ["cpu"],
                Limits(call_timeout=5, memory_mb=3072))
    s.load()
    yield s
    s.close()


def test_load_report_names_the_failing_cell(student):
    report = student.load()
    assert [c["ok"] for c in report["cells"]] == [True, False, True]
    assert report["cells"][1]["error"]["type"] == "SyntaxError"
    assert "lookup" in report["defined"] and "broken" not in report["defined"]
    with pytest.raises(Missing, match="no function or class named `broken`"):
        student.call("broken")


def test_values_cross_as_plain_data(student):
    W = np.arange(15, dtype=np.float32).reshape(3, 5)
    got = student.call("lookup", W, np.array([[0, 2], [1, 2]]))
    assert type(got) is np.ndarray and got.dtype == np.float32
    np.testing.assert_array_equal(got, W[[[0, 2], [1, 2]]])
    t = student.call("lookup", tensor(W), tensor(np.array([1])))
    assert isinstance(t, TensorData) and t.device == "cpu" and t.dtype == "float32"
    np.testing.assert_array_equal(t.array, W[[1]])


def test_lying_objects_arrive_as_plain_values(student):
    got = student.call("lie")
    assert type(got) is np.ndarray  # the subclass and its __eq__ stay behind
    assert not (got == np.ones(3)).all()
    assert type(student.call("obj")).__name__ == "Unsupported"


@needs_bwrap
def test_no_view_of_grader_files_or_network(student, repo):
    for path in (repo / "autograder" / "suites", repo / "solutions", repo / "tests", repo / "README.md", "/etc/passwd"):
        assert student.call("visible", str(path)) is False, path
    assert student.call("connect", 22) in ("ConnectionRefusedError", "OSError")
    assert len(student.call("processes")) < 10  # its own pid namespace: only the sandbox's processes
    assert "PYTHONPATH" not in student.call("env_keys")
    uid, capabilities = student.call("privileges")
    assert uid != 0 and capabilities == 0  # not root, no capabilities


def test_hang_is_killed_and_the_worker_restarts(student):
    started = time.monotonic()
    with pytest.raises(WorkerDied, match="did not finish within 5 s"):
        student.call("hang")
    assert time.monotonic() - started < 15
    assert student.call("lookup", np.eye(2), np.array([1])).tolist() == [[0.0, 1.0]]


def test_exit_is_reported_and_the_worker_restarts(student):
    with pytest.raises(WorkerDied, match="ended"):
        student.call("die")
    assert student.call("my_pid") > 0


def test_memory_limit_turns_into_an_error(student):
    with pytest.raises((StudentRaised, WorkerDied)) as info:
        student.call("hog")
    if isinstance(info.value, StudentRaised):
        assert info.value.type == "MemoryError"


def test_endless_notebook_cell_fails_everything_quickly():
    s = Student([(0, "while True: pass")], ["cpu"], Limits(load_timeout=3))
    try:
        with pytest.raises(WorkerDied, match="running the notebook's cells did not finish within 3 s"):
            s.call("anything")
        with pytest.raises(WorkerDied):  # no second attempt: the notebook itself is broken
            s.call("anything")
        assert s.starts == 1
    finally:
        s.close()


FORK = r'''
import os, subprocess, time

def fork_bomb():
    while True:
        try:
            os.fork()
        except OSError:
            pass

def orphan():
    # a process that tries to outlive the grading: its own session, sleeping
    subprocess.Popen(["sleep", "300"], start_new_session=True)
    return "started"

def fill_disk(place="/tmp"):
    n = 0
    try:
        while True:
            with open(f"{place}/fill{n}", "wb") as f:
                f.write(b"x" * (32 << 20))
            n += 1
    except OSError as e:
        return type(e).__name__, n

def flood_stdout():
    for _ in range(10**6):
        print("PASSED " * 20)
    return "done"
'''


@pytest.fixture(scope="module")
def hostile():
    s = Student([(0, FORK)], ["cpu"], Limits(call_timeout=8))
    s.load()
    yield s
    s.close()


def sleepers() -> int:
    import subprocess
    return subprocess.run(["pgrep", "-f", "^sleep 300$"], capture_output=True, text=True).stdout.count("\n")


def test_fork_bomb_is_contained(hostile):
    from autograder.sandbox import PidsCgroup
    started = time.monotonic()
    with pytest.raises(WorkerDied):
        hostile.call("fork_bomb")
    assert time.monotonic() - started < 30
    assert hostile.call("orphan") == "started"  # the worker is back
    if PidsCgroup(8).path is None:
        pytest.skip("no pids cgroup here: the fork bomb ran until the time limit")


def test_processes_do_not_outlive_the_worker():
    before = sleepers()
    s = Student([(0, FORK)], ["cpu"], Limits(call_timeout=8))
    assert s.call("orphan") == "started"
    s.close()
    time.sleep(0.5)
    assert sleepers() == before


@needs_bwrap
def test_disk_is_bounded(hostile):
    kind, files = hostile.call("fill_disk")
    assert kind == "OSError" and files < 16  # a 256 MB private /tmp, not the machine's disk
    kind, files = hostile.call("fill_disk", "/dev/shm")
    assert kind == "OSError" and files < 16  # shared memory is bounded the same way


def test_stdout_flood_goes_nowhere(hostile):
    assert hostile.call("flood_stdout") == "done"


LEAVER = r'''
import os, subprocess

def leave_traces():
    """What one submission could leave for the next: files, a process, shared memory."""
    open("/tmp/left-behind", "w").write("from the last submission")
    os.makedirs("/tmp/locked/inner")
    open("/tmp/locked/inner/f", "w").write("x")
    os.chmod("/tmp/locked/inner", 0)
    os.chmod("/tmp/locked", 0)
    if os.path.isdir("/dev/shm"):
        open("/dev/shm/left", "w").write("x")
    subprocess.Popen(["sleep", "300"], start_new_session=True)

def traces():
    mine = os.getpid()
    others = [int(p) for p in os.listdir("/proc") if p.isdigit() and int(p) not in (1, mine, os.getppid())]
    return scratch_listing("/tmp"), scratch_listing("/dev/shm"), others
''' + SCRATCH_LISTING


@needs_bwrap
def test_nothing_of_one_submission_reaches_the_next():
    """Workers are forked from one warm sandbox: files, processes and shared
    memory left by one are gone before the next starts."""
    first = Student([(0, LEAVER)], ["cpu"])
    first.call("leave_traces")
    files, shm, others = first.call("traces")
    assert "/tmp/left-behind" in files and "/tmp/locked" in files and shm and others   # while it runs
    first.close()
    second = Student([(0, LEAVER)], ["cpu"])
    try:
        assert second.call("traces") == ([], [], [])
    finally:
        second.close()


@needs_bwrap
def test_a_warm_worker_starts_fast_and_fresh():
    """The second submission's worker is forked, not started: its start is cheap.
    (Not a timing assertion: the count of sandboxes started says it.)"""
    from autograder import sandbox
    first = Student([(0, "x = 1\ndef get():\n    return x")], ["cpu"])
    first.call("get")
    first.close()
    zygotes = list(sandbox._all_zygotes)
    second = Student([(0, "def get():\n    return globals().get('x', 'fresh')")], ["cpu"])
    try:
        assert second.call("get") == "fresh"   # nothing of the first namespace
        assert list(sandbox._all_zygotes) == zygotes   # the same sandbox served both
    finally:
        second.close()


def test_the_wipe_keeps_the_sandbox_mounts_and_removes_everything_else(tmp_path):
    """The parent's wipe of /tmp, run here on a folder laid out like the sandbox's /tmp when the
    course lives under /tmp: a bound Python installation, with a submission's files around it."""
    import subprocess
    import sys
    from pathlib import Path
    venv = tmp_path / "clone" / ".venv"
    (venv / "lib").mkdir(parents=True)
    (venv / "lib" / "keep.py").write_text("x")
    (tmp_path / "clone" / "planted").write_text("x")      # beside the mount: goes
    (tmp_path / "left-behind").write_text("x")
    (tmp_path / "locked" / "inner").mkdir(parents=True)
    (tmp_path / "locked" / "inner" / "f").write_text("x")
    (tmp_path / "locked" / "inner").chmod(0)
    (tmp_path / "locked").chmod(0)
    autograder = Path(__file__).resolve().parents[1] / "autograder"
    code = (f"import sys; sys.path.insert(0, {str(autograder)!r}); from zygote import wipe_folder; "
            f"print(wipe_folder({str(tmp_path)!r}, {{{str(venv)!r}}}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "0"
    left = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*"))
    assert left == ["clone", "clone/.venv", "clone/.venv/lib", "clone/.venv/lib/keep.py"]
