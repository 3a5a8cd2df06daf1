"""Chapter 6's controlled experiment: random, frozen pretrained and fine-tuned pretrained
embeddings on chapter 4's sentiment task, as the number of labelled training sentences grows.

    .venv/bin/python book/benchmarks/transfer_curves.py [--seeds 5] [--jobs 2]

Every run trains chapter 4's model (embedding, mean over the real tokens, linear layer) with
chapter 4's recipe (Adam, lr 0.005, batches of 64) on the first n sentences of a seeded
permutation of the 8,454 training sentences, and measures the accuracy on the 2,114 held-out
test sentences, which no run ever trains on. Only the embedding table's start and whether it
trains differ between conditions. Writes transfer_curves.json beside this file (the config,
every run's accuracy, versions, date and machine); chapter 6 plots it. Run on demand (about
8 minutes on 2 cores); not part of `make test` or the book build.
"""
from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import platform
import re
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

BOOK = Path(__file__).resolve().parents[1]
if str(BOOK) not in sys.path:
    sys.path.insert(0, str(BOOK))

RESULTS = Path(__file__).with_suffix(".json")

CONFIG = {
    "sizes": [100, 300, 1000, 3000, 8454],
    "conditions": ["random", "glove-frozen", "glove-finetuned", "course-frozen", "course-finetuned"],
    "maxlen": 50,
    "batch_size": 64,
    "lr": 0.005,
    "min_epochs": 6,
    "min_steps": 300,           # small subsets get more epochs, so that every run takes >= 300 steps
    "random_dim": 50,           # the random table has GloVe's width
    "oov_seed": 0,
}


def epochs_for(n: int) -> int:
    """Chapter 4 trained 6 epochs on all 8,454 sentences (133 steps each); a subset of n gets
    at least 6 epochs and at least min_steps optimiser steps in total."""
    steps_per_epoch = math.ceil(n / CONFIG["batch_size"])
    return max(CONFIG["min_epochs"], math.ceil(CONFIG["min_steps"] / steps_per_epoch))


def tokenize(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


def task():
    """Chapter 4's data: (itos, word_counts, x_train, y_train, x_test, y_test); the vocabulary
    comes from the text of all training sentences (<pad> 0, words by frequency, <unk> last)."""
    import coursedata
    train_rows, test_rows = coursedata.sentiment_split(seed=0)
    counts = Counter(tok for s, _ in train_rows for tok in tokenize(s))
    itos = ["<pad>"] + [w for w, _ in counts.most_common()] + ["<unk>"]
    vocab = {w: i for i, w in enumerate(itos)}

    def encode(rows):
        x = np.zeros((len(rows), CONFIG["maxlen"]), np.int64)
        for r, (s, _) in enumerate(rows):
            ids = [vocab.get(t, vocab["<unk>"]) for t in tokenize(s)][-CONFIG["maxlen"]:]
            if ids:
                x[r, CONFIG["maxlen"] - len(ids):] = ids
        return torch.from_numpy(x), torch.tensor([label for _, label in rows], dtype=torch.float32)

    return (itos, counts, *encode(train_rows), *encode(test_rows))


def aligned_matrix(itos: list[str], words: list[str], vectors: np.ndarray, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """The chapter's OOV policy: every row starts as N(0, std of the pretrained table) from a
    seeded generator; rows of words the vectors know (looked up lowercased) get their vector;
    row 0 (<pad>) is zero. Returns (float32 matrix (len(itos), d), bool `found` per row)."""
    row_of = {}
    for i, w in enumerate(words):
        row_of.setdefault(w, i)
    generator = torch.Generator().manual_seed(seed)
    matrix = torch.randn(len(itos), vectors.shape[1], generator=generator) * float(vectors.std())
    found = torch.zeros(len(itos), dtype=torch.bool)
    for i, w in enumerate(itos):
        j = row_of.get(w.lower())
        if j is not None and i != 0:
            matrix[i] = torch.from_numpy(vectors[j])
            found[i] = True
    matrix[0] = 0.0
    return matrix, found


class MeanEmbeddingClassifier(nn.Module):
    """Chapter 4's model around a given embedding layer."""

    def __init__(self, embedding: nn.Embedding):
        super().__init__()
        self.embedding = embedding
        self.linear = nn.Linear(embedding.embedding_dim, 1)

    def forward(self, x):
        real = (x != 0).unsqueeze(-1).float()
        pooled = (self.embedding(x) * real).sum(dim=1) / real.sum(dim=1).clamp(min=1)
        return self.linear(pooled).squeeze(-1)


def make_model(condition: str, matrices: dict, vocab_size: int) -> MeanEmbeddingClassifier:
    """A fresh model; call after torch.manual_seed(seed) (the random table and the linear layer
    are drawn from torch's global generator)."""
    if condition == "random":
        return MeanEmbeddingClassifier(nn.Embedding(vocab_size, CONFIG["random_dim"], padding_idx=0))
    source, mode = condition.split("-")
    # from_pretrained wraps the tensor it is given, without copying: each run gets its own copy.
    embedding = nn.Embedding.from_pretrained(matrices[source].clone(), freeze=(mode == "frozen"), padding_idx=0)
    return MeanEmbeddingClassifier(embedding)


def one_run(condition: str, n: int, seed: int, data, matrices: dict) -> float:
    """Test accuracy of one fresh model trained on the first n sentences of the seed's permutation."""
    itos, _, x_train, y_train, x_test, y_test = data
    subset = torch.from_numpy(np.random.default_rng(seed).permutation(len(x_train))[:n])
    xs, ys = x_train[subset], y_train[subset]
    torch.manual_seed(seed)
    model = make_model(condition, matrices, len(itos))
    optimizer = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=CONFIG["lr"])
    for _ in range(epochs_for(n)):
        model.train()
        order = torch.randperm(n)
        for start in range(0, n, CONFIG["batch_size"]):
            batch = order[start:start + CONFIG["batch_size"]]
            optimizer.zero_grad()
            F.binary_cross_entropy_with_logits(model(xs[batch]), ys[batch]).backward()
            optimizer.step()
    model.eval()
    with torch.no_grad():
        return ((model(x_test) > 0).float() == y_test).float().mean().item()


def pretrained_matrices(itos) -> dict:
    import coursedata
    import word2vec
    glove_words, glove_vectors = coursedata.glove_6b_50d()
    course_words, course_vectors = word2vec.course_vectors()
    return {"glove": aligned_matrix(itos, glove_words, glove_vectors, CONFIG["oov_seed"])[0],
            "course": aligned_matrix(itos, course_words, course_vectors, CONFIG["oov_seed"])[0]}


_STATE = {}


def _init_worker():
    torch.set_num_threads(1)
    data = task()
    _STATE["data"], _STATE["matrices"] = data, pretrained_matrices(data[0])


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
    acc = {c: {str(n): [None] * len(seeds) for n in CONFIG["sizes"]} for c in CONFIG["conditions"]}
    seconds = 0.0
    with ProcessPoolExecutor(max_workers=args.jobs, initializer=_init_worker) as pool:
        for c, n, s, a, t in tqdm(pool.map(_job, jobs), total=len(jobs), desc="runs"):
            acc[c][str(n)][seeds.index(s)] = a
            seconds += t
    result = {
        "config": {**CONFIG, "seeds": seeds, "epochs": {str(n): epochs_for(n) for n in CONFIG["sizes"]}},
        "accuracy": acc,
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
