"""Chapter 6's controlled experiment, the whole grid: random, frozen pretrained and fine-tuned
pretrained embeddings on chapter 4's sentiment task, as the number of labelled training sentences
grows (the experiment itself is embedding_course/transfer.py).

    .venv/bin/python benchmarks/transfer_curves.py [--seeds 5] [--jobs 2]

Every condition, training-set size and seed is one `transfer.one_run`. Writes transfer_curves.json
beside this file (the config, the splits, every run's test and validation accuracy and chosen epoch,
versions, date and machine); chapter 6 plots it.
Run on demand (about 7 minutes on 2 cores: 439 s for 225 runs); not part of `make test` or the book build.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import torch

from embedding_course.transfer import CONFIG, epochs_for, one_run, pretrained_matrices, task

RESULTS = Path(__file__).with_suffix(".json")


_STATE = {}


def _init_worker():
    torch.set_num_threads(1)
    data = task()
    _STATE["data"], _STATE["matrices"] = data, pretrained_matrices(data)


def _job(args):
    condition, n, seed = args
    started = time.perf_counter()
    return condition, n, seed, one_run(condition, n, seed, _STATE["data"], _STATE["matrices"]), time.perf_counter() - started


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    seeds = list(range(args.seeds))
    jobs = [(c, n, s) for c in CONFIG["conditions"] for n in CONFIG["sizes"] for s in seeds]
    from tqdm import tqdm
    started = time.perf_counter()
    data = task()
    assert CONFIG["sizes"][-1] == len(data.x_train), "the last size is the whole training split"
    runs = {c: {str(n): [None] * len(seeds) for n in CONFIG["sizes"]} for c in CONFIG["conditions"]}
    seconds = 0.0
    with ProcessPoolExecutor(max_workers=args.jobs, initializer=_init_worker) as pool:
        for c, n, s, run, t in tqdm(pool.map(_job, jobs), total=len(jobs), desc="runs"):
            runs[c][str(n)][seeds.index(s)] = run
            seconds += t

    def field(key):
        return {c: {n: [run[key] for run in by_seed] for n, by_seed in by_size.items()} for c, by_size in runs.items()}

    result = {
        "config": {**CONFIG, "seeds": seeds, "max_epochs": {str(n): epochs_for(n) for n in CONFIG["sizes"]}},
        "splits": {"train": len(data.x_train), "validation": len(data.x_val), "test": len(data.x_test),
                   "vocabulary": len(data.itos), "extra_words": len(data.extra_words),
                   "test_sentences_with_unseen_words": int(data.unseen.sum())},
        "accuracy": field("test"),
        "accuracy_unseen": field("test_unseen"),
        "validation": field("val"),
        "epoch": field("epoch"),
        "seconds": {"wall": round(time.perf_counter() - started, 1), "sum_of_runs": round(seconds, 1),
                    "jobs": args.jobs, "threads_per_job": 1},
        "versions": {"python": platform.python_version(), "torch": torch.__version__, "numpy": np.__version__},
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": {"platform": platform.platform(), "processor": platform.processor() or platform.machine(),
                    "cpus": os.cpu_count()},
    }
    RESULTS.write_text(json.dumps(result, indent=1) + "\n")
    print(f"wrote {RESULTS} ({result['seconds']['wall']} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
