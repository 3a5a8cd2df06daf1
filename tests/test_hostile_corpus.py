"""Hostile submissions (tests/hostile/*.py), graded in one batch beside a correct one.

Each file is a cell appended to the chapter-1 solution notebook, with a header:
    # attack: what it tries
    # zero: the tasks whose functions it sabotages (comma-separated, may be empty)
Every test of a sabotaged task must score 0 and every other test full marks: the
attack earns nothing and costs nothing elsewhere, and the correct submission in
the same batch keeps its full score.
"""
import re
import subprocess
from pathlib import Path

import pytest

from conftest import SCRATCH_LISTING, early, load_json, notebook_with, run_grader, solution

BASE = "01-one-hot-encoding"
CORPUS = sorted((Path(__file__).parent / "hostile").glob("*.py"))


def header(path: Path, key: str) -> str:
    match = re.search(rf"^# {key}:(.*)$", path.read_text(), re.M)
    assert match, f"{path.name} has no '# {key}:' line"
    return match.group(1).strip()


def leftover_sleepers() -> int:
    out = subprocess.run(["pgrep", "-f", "^sleep 600$"], capture_output=True, text=True).stdout
    return len(out.split())


def grade_corpus(d: Path):
    """The corpus and a correct submission in one batch: (the command's result, records by name,
    how many `sleep 600` the batch left behind)."""
    d.mkdir()
    notebook_with(solution(BASE), d / "correct.ipynb")
    for path in CORPUS:
        notebook_with(solution(BASE), d / f"{path.stem}.ipynb", append=[path.read_text()])
    before = leftover_sleepers()
    done = run_grader("grade", d, "--device", "cpu", "--jobs", "2", "--timeout", "5", "--json", d / "out.json")
    records = {Path(r["notebook"]).stem: r for r in load_json(d / "out.json")}
    return done, records, leftover_sleepers() - before


EARLY_FIXTURE = "hostile"


def prepare_early(root: Path) -> dict:
    """Every grading of this module, one after another (the sleeper count and the canary must not
    see another attack's work), started with the session (conftest.py, Early): they drive the
    grader's command only, and the stalls among them wait more than they compute. Each result, or
    the exception that stopped it, by name."""
    work = {"corpus": lambda: grade_corpus(root / "corpus")}
    work |= {f"trace {attack}": (lambda attack=attack: grade_after(attack, root / f"trace-{attack}"))
             for attack in TRACE_ATTACKS}
    work["transport"] = lambda: grade_transport_attacks(root / "transport")
    found = {}
    for name, grade in work.items():
        try:
            found[name] = grade()
        except Exception as e:          # one failed grading fails its own tests only
            found[name] = e
    return found


@pytest.fixture(scope="module")
def hostile() -> dict:
    return early(prepare_early)


def result(hostile: dict, name: str):
    found = hostile[name]
    if isinstance(found, Exception):
        raise found
    return found


@pytest.fixture(scope="module")
def graded(hostile):
    return result(hostile, "corpus")


def test_corpus_covers_the_attacks():
    attacks = " ".join(header(p, "attack") for p in CORPUS)
    for word in ("comparison", "subclasses", "sys.exit", "KeyboardInterrupt", "signals", "loops forever",
                 "builtins", "pytest", "grader output", "hidden suites", "write", "memory", "network",
                 "forks", "processes", "disk", "stdout", "warm parent", "next submission", "ld.so.preload",
                 "keyring", "traces the sandbox"):
        assert word in attacks, word


@pytest.mark.slow
def test_batch_finishes_and_the_correct_submission_keeps_full_marks(graded):
    done, records, _ = graded
    assert done.returncode == 0, done.stderr[-2000:]
    correct = records["correct"]
    assert correct["score"] == correct["max_score"] > 0


@pytest.mark.slow
@pytest.mark.parametrize("path", CORPUS, ids=[p.stem for p in CORPUS])
def test_attack_earns_nothing_and_costs_nothing_else(graded, path):
    _, records, _ = graded
    record = records[path.stem]
    zero = {t.strip() for t in header(path, "zero").split(",") if t.strip()}
    assert record["status"] == "graded"
    for test in record["tests"]:
        if test["task"] in zero:
            assert test["score"] == 0, f"{path.stem} earned points in {test['name']}"
        else:
            assert test["score"] == test["max_score"], f"{path.stem} lost {test['name']}: {test['output']}"
    tasks = {t["task"] for t in record["tests"]}
    assert zero <= tasks, f"unknown tasks in the header: {zero - tasks}"


@pytest.mark.slow
def test_no_process_outlives_the_batch(graded):
    assert graded[2] == 0


CANARY = SCRATCH_LISTING + r'''
# Fails every test of texts_to_sequences if anything of an earlier submission is visible:
# files anywhere, processes, System V memory, POSIX message queues, keys in any keyring it can see.
def _sysv():
    with open("/proc/sysvipc/shm") as f:
        return len(f.read().splitlines()) - 1
def _left_anywhere():
    found = []
    for root, dirs, files in os.walk("/"):
        if root.startswith(("/proc", "/sys")):
            dirs[:] = []
            continue
        found += [os.path.join(root, n) for n in dirs + files if "left-by-an-earlier-submission" in n]
    return found
def _keys():
    try:
        with open("/proc/keys") as f:
            return [line for line in f if "left-by-an-earlier-submission" in line]
    except OSError:
        return []
def _queues():
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    fd = libc.mq_open(b"/left-by-an-earlier-submission", os.O_RDONLY, 0, None)
    return [] if fd == -1 else ["a message queue"]
_others = [p for p in os.listdir("/proc") if p.isdigit() and int(p) not in (1, os.getpid(), os.getppid())]
_traces = (scratch_listing("/tmp") + scratch_listing("/dev/shm") + [f"process {p}" for p in _others]
           + ["System V memory"] * _sysv() + _left_anywhere() + _keys() + _queues()
           + (["/etc/ld.so.preload"] if os.path.exists("/etc/ld.so.preload") else []))
if _traces:
    def texts_to_sequences(texts, vocab):
        raise RuntimeError(f"traces of an earlier submission: {_traces}")
'''
TRACE_ATTACKS = ["leaves-files-for-the-next-submission", "attacks-the-warm-parent",
                 "writes-outside-scratch-and-keeps-kernel-state"]


def grade_after(attack: str, d: Path):
    """One grading process, the attack first, then a correct submission that looks for traces
    (files, shared memory, processes) when its cells run: (the command's result, records by name)."""
    d.mkdir()
    first = notebook_with(solution(BASE), d / "1-attack.ipynb",
                          append=[(Path(__file__).parent / "hostile" / f"{attack}.py").read_text()])
    canary = notebook_with(solution(BASE), d / "2-canary.ipynb", append=[CANARY])
    done = run_grader("grade", first, canary, "--device", "cpu", "--jobs", "1", "--timeout", "5",
                      "--json", d / "out.json")
    return done, {Path(r["notebook"]).stem: r for r in load_json(d / "out.json")}


@pytest.mark.slow
@pytest.mark.sandbox
@pytest.mark.parametrize("attack", TRACE_ATTACKS)
def test_the_next_submission_sees_nothing_of_an_attack(hostile, attack):
    """The correct submission graded right after the attack, in the same grading process, finds no
    trace of it."""
    done, records = result(hostile, f"trace {attack}")
    assert done.returncode == 0, done.stderr[-2000:]
    assert records["1-attack"]["score"] < records["1-attack"]["max_score"]
    assert records["2-canary"]["score"] == records["2-canary"]["max_score"] > 0, \
        [t["output"] for t in records["2-canary"]["tests"] if t["score"] < t["max_score"]]


# Attacks on the grader's side of the pipes. Each costs its author points wherever it strikes
# (a stalled pipe fails whichever test sends the next request), so they are graded apart from the
# corpus above: what matters is that the batch goes on, the grader stays small, and the correct
# submission graded in the same process keeps full marks.
TRANSPORT_ATTACKS = {
    "replies-a-gigabyte": "import numpy as np\ndef one_hot(indices, num_classes):\n"
                          "    return np.zeros(1 << 30, np.uint8)\n",
    "stops-reading-requests": "import time\nfrom inside import protocol\ndef one_hot(indices, num_classes):\n"
                              "    protocol.Reader.read_message = lambda self: time.sleep(10**6)\n    return None\n",
    "sends-a-deeply-nested-reply": "from inside import protocol\ndef one_hot(indices, num_classes):\n"
                                   "    body = b'[' * 200000 + b']' * 200000\n"
                                   "    protocol.frame = lambda h, b=(): len(body).to_bytes(8, 'big') + bytes(4) + body\n"
                                   "    return None\n",
}

PEAK_RSS = r'''
import subprocess, sys, time
proc = subprocess.Popen(sys.argv[1:])
peak = 0
while proc.poll() is None:
    try:
        status = open(f"/proc/{proc.pid}/status").read()
        peak = max(peak, int(status.split("VmHWM:")[1].split()[0]))
    except (OSError, IndexError):
        pass
    time.sleep(0.1)
print(peak, flush=True)
sys.exit(proc.returncode)
'''


def grade_transport_attacks(d: Path):
    """The transport attacks between two correct submissions, in one grading process whose peak
    memory is measured: (the command's result, records by name, seconds)."""
    import os
    import sys
    import time
    from conftest import REPO
    d.mkdir()
    notebook_with(solution(BASE), d / "0-correct.ipynb")
    for name, cell in TRANSPORT_ATTACKS.items():
        notebook_with(solution(BASE), d / f"{name}.ipynb", append=[cell])
    notebook_with(solution(BASE), d / "z-correct-after.ipynb")
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", PEAK_RSS, sys.executable, "-m", "autograder", "grade", str(d),
                           "--device", "cpu", "--jobs", "1", "--timeout", "5", "--json", str(d / "out.json")],
                          cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, text=True,
                          timeout=900)
    elapsed = time.monotonic() - started
    return done, {Path(r["notebook"]).stem: r for r in load_json(d / "out.json")}, elapsed


@pytest.mark.slow
def test_floods_and_stalls_neither_stop_the_batch_nor_swell_the_grader(hostile):
    done, records, elapsed = result(hostile, "transport")
    assert done.returncode == 0, done.stderr[-2000:]
    for name in ("0-correct", "z-correct-after"):
        assert records[name]["score"] == records[name]["max_score"] > 0, records[name]
    for name in TRANSPORT_ATTACKS:
        assert records[name]["status"] == "graded" and records[name]["score"] < records[name]["max_score"], name
    peak_mb = int(done.stdout.split()[-1]) / 1024   # the wrapper prints it last
    assert peak_mb < 1024, f"the grading process grew to {peak_mb:.0f} MB"   # torch imported: ~500 MB
    assert elapsed < 600
