"""Grading on a Dask cluster (autograder/cluster.py), with the engine's real processes on 127.0.0.1:
a scheduler and two workers. The command grades a class there; one worker is killed while it grades
a notebook; the notebook it held is graded again on the other, and every record equals the one the
same notebook gets on one machine. A second run with the same --json grades nothing again."""
import json
import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import REPO, early, exercise, solution

pytestmark = pytest.mark.slow

EARLY_FIXTURE = "graded_on_a_cluster"

CLASS = ["01-one-hot-encoding", "02-table-lookup", "03-training-the-layer"]


def dask(*args, log: Path) -> subprocess.Popen:
    """`dask <args>` from this environment, its output in `log`."""
    bindir = Path(sys.executable).parent
    return subprocess.Popen([str(bindir / "dask"), *args], stdout=open(log, "w"), stderr=subprocess.STDOUT,
                            cwd=REPO, start_new_session=True)


def stop(process: subprocess.Popen):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@contextmanager
def cluster(tmp_path):
    """(scheduler file, {worker name: process}), all on 127.0.0.1; workers with one thread and no nanny
    (a killed worker stays dead, as a lost host would)."""
    scheduler_file = tmp_path / "scheduler.json"
    processes = [dask("scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                      "--scheduler-file", str(scheduler_file), log=tmp_path / "scheduler.log")]
    deadline = time.monotonic() + 60
    while not scheduler_file.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert scheduler_file.exists(), (tmp_path / "scheduler.log").read_text()
    workers = {}
    for name in ("w1", "w2"):
        workers[name] = dask("worker", "--scheduler-file", str(scheduler_file), "--nthreads", "1", "--no-nanny",
                             "--name", name, "--host", "127.0.0.1", "--no-dashboard", log=tmp_path / f"{name}.log")
        processes.append(workers[name])
    try:
        yield scheduler_file, workers
    finally:
        for process in processes:
            stop(process)


def class_folder(root: Path) -> dict[Path, Path]:
    """A copy of each solution and released exercise of CLASS under `root` -> its original."""
    paths = {}
    for name in CLASS:
        for who, source in (("solved", solution(name)), ("blank", exercise(name))):
            dest = root / f"{who}-{name[:2]}" / name / f"{name}.ipynb"
            dest.parent.mkdir(parents=True)
            dest.write_bytes(source.read_bytes())
            paths[dest] = source
    return paths


def prepare_early(tmp_path: Path) -> dict:
    """The class graded on the cluster, one worker killed while it grades, then the same command
    again (started with the session: conftest.py, Early): what the tests below look at."""
    from distributed import Client
    paths = class_folder(tmp_path / "class")
    out = tmp_path / "grades.json"
    with cluster(tmp_path) as (scheduler_file, workers), \
            Client(scheduler_file=str(scheduler_file), timeout=60) as client:
        client.wait_for_workers(2, timeout=120)
        names = {addr: info["name"] for addr, info in client.scheduler_info()["workers"].items()}
        command = [sys.executable, "-m", "autograder", "grade", str(tmp_path / "class"), "--device", "cpu",
                   "--scheduler-file", str(scheduler_file), "--json", str(out)]
        grading = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        killed, deadline = None, time.monotonic() + 120
        while killed is None and time.monotonic() < deadline and grading.poll() is None:
            busy = [addr for addr, keys in client.processing().items() if keys]
            if busy:
                killed = names[busy[0]]
                stop(workers[killed])            # the host is gone, with the notebook it was grading
            time.sleep(0.1)
        stdout, stderr = grading.communicate(timeout=600)
        first = out.read_text() if out.exists() else None
        again = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=300)
    return {"paths": paths, "killed": killed, "returncode": grading.returncode, "stderr": stderr, "first": first,
            "again": again, "after_again": out.read_text() if out.exists() else None}


@pytest.fixture(scope="module")
def graded_on_a_cluster() -> dict:
    return early(prepare_early)


def test_a_class_graded_on_two_workers_one_killed_mid_batch_gets_the_single_machine_records(graded_on_a_cluster,
                                                                                            gradings):
    run = graded_on_a_cluster
    assert run["killed"], "no worker was ever seen grading: the kill tested nothing"
    assert run["returncode"] == 0, run["stderr"][-3000:]
    records = {Path(r["notebook"]).resolve(): r for r in json.loads(run["first"])}
    assert set(records) == {p.resolve() for p in run["paths"]}
    for path, original in run["paths"].items():      # the same bytes, graded on one machine in this session
        got, alone = records[path.resolve()], gradings.record(original)
        assert got["status"] == alone["status"] == "graded", got["messages"]
        assert [(t["name"], t["score"], t["output"]) for t in got["tests"]] == \
               [(t["name"], t["score"], t["output"]) for t in alone["tests"]], path
        assert got["score"] == (got["max_score"] if path.parent.parent.name.startswith("solved") else 0)
    again = run["again"]
    assert again.returncode == 0 and f"{len(run['paths'])} submission(s) already graded" in again.stderr, again.stderr
    assert run["after_again"] == run["first"]


def test_an_unreachable_scheduler_is_a_clear_error(tmp_path):
    nb = tmp_path / "01-one-hot-encoding.ipynb"
    nb.write_bytes(solution("01-one-hot-encoding").read_bytes())
    done = subprocess.run([sys.executable, "-m", "autograder", "grade", str(nb), "--device", "cpu",
                           "--scheduler", "tcp://127.0.0.1:9", "--json", str(tmp_path / "g.json")],
                          cwd=REPO, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "3s"})
    assert done.returncode != 0 and "cannot reach the Dask scheduler tcp://127.0.0.1:9" in done.stderr, done.stderr
