"""How long a submission's worker takes to start: forked from the warm sandbox
(autograder/inside/zygote.py) against a fresh sandboxed interpreter importing numpy
and torch, which is what every submission cost before the zygote.

    .venv/bin/python benchmarks/worker_startup.py [--repeat 15]

Each measurement runs until the worker has answered a first call, and includes
the clean-up that follows it. Writes worker_startup.json beside this file.
Run on demand; not part of `make test`.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from pathlib import Path

from autograder import sandbox
from autograder.sandbox import Limits, WorkerClient, bwrap_path

RESULTS = Path(__file__).with_suffix(".json")
CELL = "import numpy as np\nimport torch\n\ndef double(x):\n    return 2 * x\n"


def first_call(worker: WorkerClient):
    worker.request({"op": "load", "cells": [[0, CELL]]}, 60, "loading")
    worker.request({"op": "call", "target": "double", "method": [], "args": [21], "kwargs": {}}, 20, "calling")


def warm(limits: Limits) -> float:
    start = time.perf_counter()
    worker = WorkerClient(["cpu"], limits)
    first_call(worker)
    worker.close()
    return time.perf_counter() - start


def cold(limits: Limits) -> float:
    """A new sandbox and interpreter for this one submission, then its worker."""
    start = time.perf_counter()
    sandbox.shutdown_zygotes()   # no warm sandbox: WorkerClient builds a fresh one
    worker = WorkerClient(["cpu"], limits)
    first_call(worker)
    worker.close()
    sandbox.shutdown_zygotes()
    return time.perf_counter() - start


def summary(times: list[float]) -> dict:
    return {"median_ms": round(1000 * statistics.median(times), 1), "min_ms": round(1000 * min(times), 1),
            "max_ms": round(1000 * max(times), 1), "runs": len(times)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    if not bwrap_path():
        raise SystemExit("error: bubblewrap (bwrap) is not installed or cannot run here; the warm sandbox needs it. "
                         "Install it (apt-get install bubblewrap) and run again.")
    limits = Limits()
    warm(limits)   # builds the warm sandbox once, as the first submission of a batch does
    cold_times, warm_times = [], []
    for _ in range(args.repeat):   # alternate, so both see the same machine
        cold_times.append(cold(limits))
        warm(limits)               # rebuild the warm sandbox (not measured)
        warm_times.append(warm(limits))
    import numpy
    import torch
    result = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": {"cores": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
                    "numpy": numpy.__version__, "torch": torch.__version__},
        "what": "from asking for a worker to its first answer (notebook cell run, one call), clean-up included",
        "fresh_sandbox": summary(cold_times),
        "forked_from_warm_sandbox": summary(warm_times),
        "speedup_median": round(statistics.median(cold_times) / statistics.median(warm_times), 1),
    }
    RESULTS.write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
