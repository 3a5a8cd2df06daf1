"""Notebooks per second: one machine (`grade --jobs 2`) against a Dask cluster of two local workers
(`grade --scheduler-file`, a scheduler and two one-thread workers on 127.0.0.1), the same class,
the same scores.

    .venv/bin/python benchmarks/cluster_grading.py [--copies 3]

The class: every exercise's solution and released notebook, `--copies` times each (copies differ by
a comment, so none is reused). Each way starts cold (fresh grading processes or workers) and the
time counts from the command's start to its end. On one 2-core machine the cluster cannot be
faster: the point is what distribution costs; with workers on other machines the work divides.
Writes cluster_grading.json beside this file. Run on demand; not part of `make test`.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autograder import REPO
from autograder.exercises import discover, released_path, solution_path

RESULTS = Path(__file__).with_suffix(".json")


def make_class(root: Path, copies: int) -> int:
    n = 0
    for name in discover():
        for who, source in (("solved", solution_path(name)), ("blank", released_path(name))):
            nb = json.loads(source.read_text())
            for k in range(copies):
                nb["cells"].append({"cell_type": "markdown", "metadata": {}, "source": f"copy {k}"})
                dest = root / f"{who}{k}" / name / f"{name}.ipynb"
                dest.parent.mkdir(parents=True)
                dest.write_text(json.dumps(nb))
                nb["cells"].pop()
                n += 1
    return n


def grade(folder: Path, out: Path, *extra) -> float:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "autograder", "grade", str(folder), "--device", "cpu",
                           "--json", str(out), *extra], cwd=REPO, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"grading failed:\n{done.stderr[-3000:]}")
    return seconds


def on_cluster(folder: Path, out: Path, tmp: Path) -> float:
    dask = str(Path(sys.executable).parent / "dask")
    scheduler_file = tmp / "scheduler.json"
    started = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                                 "--scheduler-file", str(scheduler_file)], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)]
    try:
        while not scheduler_file.exists():
            time.sleep(0.2)
        for name in ("w1", "w2"):
            started.append(subprocess.Popen([dask, "worker", "--scheduler-file", str(scheduler_file), "--nthreads", "1",
                                             "--name", name, "--host", "127.0.0.1", "--no-dashboard"],
                                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True))
        from distributed import Client
        with Client(scheduler_file=str(scheduler_file), timeout=60) as client:
            client.wait_for_workers(2, timeout=120)
        return grade(folder, out, "--scheduler-file", str(scheduler_file))
    finally:
        for process in started:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait()


def scores(path: Path) -> dict:
    return {Path(r["notebook"]).relative_to(path.parent / "class").as_posix(): r["score"]
            for r in json.loads(path.read_text())}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cluster-bench-") as tmp:
        tmp = Path(tmp)
        n = make_class(tmp / "class", args.copies)
        local = grade(tmp / "class", tmp / "local.json", "--jobs", "2")
        cluster = on_cluster(tmp / "class", tmp / "cluster.json", tmp)
        same = scores(tmp / "local.json") == scores(tmp / "cluster.json")
    results = {
        "notebooks": n,
        "one_machine_jobs_2": {"seconds": round(local, 1), "notebooks_per_second": round(n / local, 3)},
        "dask_two_local_workers": {"seconds": round(cluster, 1), "notebooks_per_second": round(n / cluster, 3)},
        "cluster_over_one_machine": round(local / cluster, 3),
        "same_scores": same,
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
        "measured": time.strftime("%Y-%m-%d"),
    }
    RESULTS.write_text(json.dumps(results, indent=1) + "\n")
    print(json.dumps(results, indent=1))
    if not same:
        raise SystemExit("the two ways gave different scores")


if __name__ == "__main__":
    main()
