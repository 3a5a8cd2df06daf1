"""Chapter 6's controlled experiment: random, frozen pretrained and fine-tuned pretrained
embeddings on chapter 4's sentiment task, as the number of labelled training sentences grows.

Every run trains chapter 4's model (embedding, mean over the real tokens, linear layer) with
chapter 4's recipe (Adam, lr 0.005, batches of 64) on the first n sentences of a seeded
permutation of the 8,454 training sentences, and measures the accuracy on the 2,114 held-out
test sentences, which no run ever trains on. Only the embedding table's start and whether it
trains differ between conditions.

`benchmarks/transfer_curves.py` runs the whole grid and writes its JSON file; chapter 6 plots
that file and re-checks one cell of the grid live with `one_run`.
"""
from __future__ import annotations

import math
import re
from collections import Counter

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

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
    from embedding_course import coursedata
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
    from embedding_course import coursedata, word2vec
    glove_words, glove_vectors = coursedata.glove_6b_50d()
    course_words, course_vectors = word2vec.course_vectors()
    return {"glove": aligned_matrix(itos, glove_words, glove_vectors, CONFIG["oov_seed"])[0],
            "course": aligned_matrix(itos, course_words, course_vectors, CONFIG["oov_seed"])[0]}
