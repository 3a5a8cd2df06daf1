"""The worker that runs student code: isolation, limits, and plain-data replies."""
import time

import numpy as np
import pytest

from autograder.sandbox import Limits, StudentRaised, TensorData, WorkerDied, bwrap_path, tensor
from autograder.student import Missing, Student
from conftest import SCRATCH_LISTING

pytestmark = pytest.mark.slow   # each starts sandboxes of its own
needs_bwrap = pytest.mark.sandbox   # skipped without bubblewrap (failed in CI): see conftest.py

CODE = r'''
import os, socket, sys, time, numpy as np, torch

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

def spin(seconds):
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass
    return 1

def spin_in_a_child(seconds):
    pid = os.fork()
    if pid == 0:
        spin(seconds)
        os._exit(0)
    os.waitpid(pid, 0)
    return 1

def spin_in_a_thread(seconds):
    import threading
    threads = [threading.Thread(target=spin, args=(seconds / 2,)) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return 1

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
    from autograder.sandbox.cgroup import Cgroup
    started = time.monotonic()
    with pytest.raises(WorkerDied):
        hostile.call("fork_bomb")
    assert time.monotonic() - started < 30
    assert hostile.call("orphan") == "started"  # the worker is back
    if Cgroup(8).path is None:
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
    from autograder.sandbox import live_zygotes
    first = Student([(0, "x = 1\ndef get():\n    return x")], ["cpu"])
    first.call("get")
    first.close()
    zygotes = live_zygotes()
    second = Student([(0, "def get():\n    return globals().get('x', 'fresh')")], ["cpu"])
    try:
        assert second.call("get") == "fresh"   # nothing of the first namespace
        assert live_zygotes() == zygotes   # the same sandbox served both
    finally:
        second.close()


def test_the_wipe_keeps_the_sandbox_mounts_and_removes_everything_else(tmp_path):
    """The parent's wipe of /tmp, run here on a folder laid out like the sandbox's /tmp when the
    course lives under /tmp: a bound Python installation, with a submission's files around it."""
    import os
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
    code = (f"from autograder.inside.zygote import wipe_folder; "
            f"print(wipe_folder({str(tmp_path)!r}, {{{str(venv)!r}}}))")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env).stdout
    assert out.strip() == "0"
    left = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*"))
    assert left == ["clone", "clone/.venv", "clone/.venv/lib", "clone/.venv/lib/keep.py"]


# ---------------------------------------------------------------- what a submission can reach

PROBES = r'''
import ctypes, errno, os, signal

def errno_name(e):
    return errno.errorcode.get(e, str(e))

def writable_folders():
    """Every folder (outside /proc and /sys) where this process can create a file."""
    found = []
    for root, dirs, files in os.walk("/"):
        if root.startswith(("/proc", "/sys")):
            dirs[:] = []
            continue
        probe = os.path.join(root, ".probe")
        try:
            os.close(os.open(probe, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600))
            os.unlink(probe)
            found.append(root)
        except OSError:
            pass
    return found

def parent_process():
    """What the sandbox's first process shows a submission."""
    out = {"pid1": open("/proc/1/cmdline").read().replace("\0", " ")}
    for path in ("/proc/1/environ", "/proc/1/mem", "/proc/1/fd", "/proc/1/maps"):
        try:
            os.listdir(path) if path.endswith("fd") else open(path, "rb").read(16)
            out[path] = "read"
        except OSError as e:
            out[path] = errno_name(e.errno)
    libc = ctypes.CDLL(None, use_errno=True)
    out["ptrace"] = "ok" if libc.ptrace(16, 1, 0, 0) == 0 else errno_name(ctypes.get_errno())   # PTRACE_ATTACH
    return out

def stop_the_parent():
    for sig in (signal.SIGSTOP, signal.SIGTERM, signal.SIGINT, signal.SIGKILL):
        os.kill(1, sig)
    return "sent"

def kernel_state():
    """Kernel objects kept per user or per namespace that would outlive this process."""
    libc = ctypes.CDLL(None, use_errno=True)
    def result(value):
        return "ok" if value != -1 else errno_name(ctypes.get_errno())
    out = {"add_key": result(libc.syscall(248, b"user", b"left-by-a-submission", b"x", 1, -3)),   # @u
           "keyctl": result(libc.syscall(250, 0, -3, 0, 0, 0)),
           "mq_open": result(libc.mq_open(b"/left", os.O_CREAT | os.O_RDWR, 0o600, None)),
           "inotify_init1": result(libc.inotify_init1(0)),
           "unshare": result(libc.unshare(0x10000000))}   # CLONE_NEWUSER
    return out

def identity():
    status = dict(line.split(":", 1) for line in open("/proc/self/status") if ":" in line)
    return {"uid": os.getuid(), "gid": os.getgid(), "capabilities": int(status["CapEff"].strip(), 16),
            "seccomp": status["Seccomp"].strip(), "no_new_privs": status["NoNewPrivs"].strip()}

def grader_code():
    """How the grader's own code in here was imported: as one package, `inside`."""
    import sys
    names = ("inside", "worker", "protocol", "zygote", "seccomp")
    return {"modules": sorted(m for m in sys.modules if m.split(".")[0] in names),
            "worker_file": sys.modules["inside.worker"].__file__}

def fill(place, megabytes):
    for n in range(0, megabytes, 32):   # files of at most 32 MB (RLIMIT_FSIZE)
        with open(os.path.join(place, f"filler{n}"), "wb") as f:
            f.write(b"x" * (min(32, megabytes - n) << 20))
    return megabytes
'''


@pytest.fixture(scope="module")
def probe():
    s = Student([(0, PROBES)], ["cpu"], Limits(call_timeout=60))
    s.load()
    yield s
    s.close()


@needs_bwrap
def test_only_the_bounded_scratch_folders_are_writable(probe):
    """A read-only root: nothing a submission writes can reach the next one but /tmp and
    /dev/shm, which are bounded and emptied between submissions (/etc/ld.so.preload, /root,
    /dev and / itself included)."""
    assert probe.call("writable_folders") == ["/tmp", "/dev/shm"]


@needs_bwrap
def test_the_sandbox_parent_is_out_of_reach(probe, repo):
    import sys
    seen = probe.call("parent_process")
    assert seen["pid1"].split()[-2:] == ["-S", "/grader"]   # the staged package's launcher
    for host_path in (str(repo), sys.prefix, sys.base_prefix, "/root"):
        assert host_path not in seen["pid1"], host_path
    for path in ("/proc/1/environ", "/proc/1/mem", "/proc/1/fd", "/proc/1/maps"):
        assert seen[path] == "EACCES", (path, seen[path])
    assert seen["ptrace"] == "EPERM"


def test_the_code_beside_a_submission_is_one_package(probe):
    """What runs beside student code is the package autograder/inside, copied and imported as
    `inside` (its modules relative to one another), never loose files on sys.path."""
    seen = probe.call("grader_code")
    assert {"inside", "inside.protocol", "inside.seccomp", "inside.worker"} <= set(seen["modules"])
    assert not {"worker", "protocol", "zygote", "seccomp"} & set(seen["modules"])
    if bwrap_path():
        assert seen["worker_file"] == "/grader/inside/worker.py" and "inside.zygote" in seen["modules"]


@needs_bwrap
def test_signals_from_inside_do_not_stop_the_sandbox():
    first = Student([(0, PROBES)], ["cpu"])
    try:
        assert first.call("stop_the_parent") == "sent"
    finally:
        first.close()
    second = Student([(0, "def answer():\n    return 42")], ["cpu"])
    try:
        assert second.call("answer") == 42
    finally:
        second.close()


def test_kernel_state_that_outlives_a_process_is_denied(probe):
    """Keyrings are per user and outlive the submission (a key added by one was read by the
    next, and on the host); message queues, inotify instances and new user namespaces likewise."""
    assert probe.call("kernel_state") == {name: "EPERM" for name in
                                          ("add_key", "keyctl", "mq_open", "inotify_init1", "unshare")}


@needs_bwrap
def test_the_sandbox_runs_as_a_user_of_its_own(probe):
    import os
    from autograder.sandbox import sandbox_user
    me = probe.call("identity")
    assert me["capabilities"] == 0 and me["seccomp"] == "2" and me["no_new_privs"] == "1"
    if os.geteuid() != 0:
        pytest.skip("the grader is not root: the sandbox's uid maps to the grader's own")
    import pwd
    assert (me["uid"], me["gid"]) == sandbox_user()
    assert me["uid"] != os.geteuid() and me["uid"] not in {entry.pw_uid for entry in pwd.getpwall()}


@needs_bwrap
def test_scratch_files_count_against_the_sandbox_memory(probe):
    """What a submission writes to its tmpfs scratch folders is memory: counted in the sandbox's
    memory cgroup, so the sandbox's whole footprint is bounded, not only each process's."""
    from autograder.sandbox import live_zygotes
    cgroups = [z.cgroup for z in live_zygotes() if z.alive()]
    if not cgroups or cgroups[0].memory_used() is None:
        pytest.skip("no memory cgroup here (the grader is not root, or the controller is missing)")
    before = sum(c.memory_used() for c in cgroups)   # the probe's sandbox is one of these
    assert probe.call("fill", "/dev/shm", 96) == 96
    assert sum(c.memory_used() for c in cgroups) - before > 80 << 20


# ---------------------------------------------------------------- the grader's side of the pipes

TRANSPORT = r'''
import numpy as np, time
from inside import protocol

def stop_reading():
    """Every later request is left unread: the grader's write must not wait forever."""
    protocol.Reader.read_message = lambda self: time.sleep(10**6)
    return "stopped"

def huge(megabytes):
    return np.zeros(megabytes << 20, np.uint8)

def deep_reply():
    """A reply whose header is a JSON list nested 200,000 deep."""
    def frame(header, buffers=()):
        body = b"[" * 200_000 + b"]" * 200_000
        return len(body).to_bytes(8, "big") + (0).to_bytes(4, "big") + body
    protocol.frame = frame
    return "never seen"

def ok():
    return "ok"
'''


def test_a_worker_that_stops_reading_cannot_block_the_grader():
    s = Student([(0, TRANSPORT)], ["cpu"], Limits(call_timeout=3))
    try:
        assert s.call("stop_reading") == "stopped"
        started = time.monotonic()
        with pytest.raises(WorkerDied, match="stopped reading|did not finish"):
            s.put(np.zeros(4 << 20))   # 32 MB: far more than a pipe holds
        assert time.monotonic() - started < 15
        assert s.call("ok") == "ok"   # a fresh worker took over
    finally:
        s.close()


def test_replies_are_bounded_one_by_one_and_in_all():
    s = Student([(0, TRANSPORT)], ["cpu"], Limits(reply_mb=16, replies_mb=64))
    try:
        assert s.call("huge", 8).shape == (8 << 20,)
        with pytest.raises(WorkerDied, match="larger than 16 MB"):
            s.call("huge", 17)
        with pytest.raises(WorkerDied, match="more than 64 MB"):
            for _ in range(10):
                s.call("huge", 8)
    finally:
        s.close()


def test_a_malformed_reply_is_refused_without_harm():
    s = Student([(0, TRANSPORT)], ["cpu"])
    try:
        with pytest.raises(WorkerDied, match="could not read the reply"):
            s.call("deep_reply")
        assert s.call("ok") == "ok"
    finally:
        s.close()


@needs_bwrap
@pytest.mark.parametrize("how", ["spin", "spin_in_a_child", "spin_in_a_thread"])
def test_cpu_time_counts_every_process_and_thread_of_the_submission(student, how):
    # the grader reads the kernel's count for the sandbox's cgroup: work moved to a child process or
    # to threads is counted, and the submission cannot change the count
    timed = student.time_call(how, 0.3)
    timed.result.value()
    used = timed.cpu.elapsed()
    if used is None:
        pytest.skip("no cgroup with CPU accounting here (not root)")
    assert 0.28 <= used < 0.3 + 0.25, used


@needs_bwrap
def test_waiting_is_not_cpu_time(student):
    timed = student.time_call("spin", 0.0)   # warm
    before = timed.cpu
    time.sleep(0.3)   # the grader waits; the submission is idle
    if before.elapsed() is None:
        pytest.skip("no cgroup with CPU accounting here (not root)")
    assert before.elapsed() < 0.1


def test_a_dropped_result_is_gone_and_its_handle_number_is_not_reused(student):
    first = student.time_call("lookup", np.arange(6.0).reshape(3, 2), np.array([2, 0]))
    assert np.array_equal(first.result.value(), [[4.0, 5.0], [0.0, 1.0]])
    first.result.drop()
    with pytest.raises(StudentRaised):
        first.result.value()
    second = student.time_call("lookup", np.arange(6.0).reshape(3, 2), np.array([1]))
    assert second.result.handle.ident != first.result.handle.ident
    assert np.array_equal(second.result.value(), [[2.0, 3.0]])


def test_no_cpu_clock_when_the_submission_may_use_a_gpu(student, monkeypatch):
    # a GPU kernel's work is not CPU time: there, only the wall clock may judge speed
    monkeypatch.setattr(student, "devices", ["cpu", "cuda"])
    timed = student.time_call("spin", 0.05)
    timed.result.value()
    assert timed.cpu.elapsed() is None
