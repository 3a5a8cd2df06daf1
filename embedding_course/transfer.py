"""Chapter 6's controlled experiment: random, frozen pretrained and fine-tuned pretrained
embeddings on chapter 4's sentiment task, as the number of labelled training sentences grows.

Every run trains chapter 4's model (embedding, mean over the real tokens, linear layer) with
chapter 4's recipe (Adam, lr 0.005, batches of 64) on the first n sentences of a seeded
permutation of the training split, keeps the epoch with the best accuracy on the validation
split, and only then measures the accuracy on the test split, once. The splits are chapter 4's
(`coursedata.sentiment_split(validation_fraction=0.1)`). Only the embedding table's start, its
width, whether it trains and (for the "+vocab" conditions) which words have a row differ between
conditions:

- random: N(0, 1) at 50 dimensions, as chapter 4 starts;
- random-glove-scale, random-course-scale: N(0, s) with the standard deviation s and the width of
  the aligned GloVe (50) or chapter-5 (100) matrix, the matched control for each pretrained table
  (the initial scale changes the effective step size, chapter 3);
- glove-* and course-*: the aligned pretrained matrix, frozen or fine-tuned;
- glove+vocab-*: the GloVe matrix with a vocabulary that also holds GloVe's most frequent words
  missing from the training text, so a word first seen at test time has its pretrained vector
  instead of <unk>'s.

`benchmarks/transfer_curves.py` runs the whole grid and writes its JSON file; chapter 6 plots
that file and re-checks one cell of the grid live with `one_run`.
"""
from __future__ import annotations

import copy
import math
import re
from collections import Counter
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

CONFIG = {
    "sizes": [100, 300, 1000, 3000, 7397],     # 7,397: the whole training split
    "conditions": ["random", "random-glove-scale", "random-course-scale",
                   "glove-frozen", "glove-finetuned", "course-frozen", "course-finetuned",
                   "glove+vocab-frozen", "glove+vocab-finetuned"],
    "maxlen": 50,
    "batch_size": 64,
    "lr": 0.005,
    "validation_fraction": 0.1,
    "min_epochs": 10,           # chapter 4 trains 10 epochs and keeps the best on validation
    "min_steps": 300,           # small subsets get more epochs, so that every run can take >= 300 steps
    "random_dim": 50,           # chapter 4's random table has GloVe's width
    "pretrained_vocabulary": 100_000,   # "+vocab": GloVe's most frequent words join the vocabulary
    "oov_seed": 0,
}


def epochs_for(n: int) -> int:
    """The most epochs a run on n sentences trains (it keeps the best on validation): at least
    min_epochs and at least min_steps optimiser steps in total."""
    steps_per_epoch = math.ceil(n / CONFIG["batch_size"])
    return max(CONFIG["min_epochs"], math.ceil(CONFIG["min_steps"] / steps_per_epoch))


def tokenize(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


@dataclass
class Task:
    """Chapter 4's data, encoded twice: with the training vocabulary (<pad> 0, the training
    split's words by frequency, <unk> last) and with that vocabulary plus `extra_words` (GloVe's
    most frequent words the training text lacks, rows after <unk>). Training sentences encode the
    same either way. `unseen[i]`: test sentence i has a word that only the larger vocabulary knows."""
    itos: list[str]
    counts: Counter
    x_train: torch.Tensor
    y_train: torch.Tensor
    x_val: torch.Tensor
    y_val: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor
    extra_words: list[str]
    x_val_plus: torch.Tensor
    x_test_plus: torch.Tensor
    unseen: torch.Tensor


def encode(rows, vocab: dict, unk: int) -> tuple[torch.Tensor, torch.Tensor]:
    """(ids (len(rows), maxlen) int64, left-padded with 0 and cut to the last maxlen tokens; labels float32)."""
    x = np.zeros((len(rows), CONFIG["maxlen"]), np.int64)
    for r, (s, _) in enumerate(rows):
        ids = [vocab.get(t, unk) for t in tokenize(s)][-CONFIG["maxlen"]:]
        if ids:
            x[r, CONFIG["maxlen"] - len(ids):] = ids
    return torch.from_numpy(x), torch.tensor([label for _, label in rows], dtype=torch.float32)


def task(glove_words: list[str] | None = None) -> Task:
    from embedding_course import coursedata
    if glove_words is None:
        glove_words = coursedata.glove_6b_50d()[0]
    train_rows, val_rows, test_rows = coursedata.sentiment_split(
        seed=0, validation_fraction=CONFIG["validation_fraction"])
    counts = Counter(tok for s, _ in train_rows for tok in tokenize(s))
    itos = ["<pad>"] + [w for w, _ in counts.most_common()] + ["<unk>"]
    vocab = {w: i for i, w in enumerate(itos)}
    unk = vocab["<unk>"]
    extra = [w for w in glove_words[:CONFIG["pretrained_vocabulary"]] if w not in vocab]
    plus = vocab | {w: len(itos) + k for k, w in enumerate(extra)}
    x_train, y_train = encode(train_rows, vocab, unk)
    x_val, y_val = encode(val_rows, vocab, unk)
    x_test, y_test = encode(test_rows, vocab, unk)
    x_val_plus, x_test_plus = encode(val_rows, plus, unk)[0], encode(test_rows, plus, unk)[0]
    return Task(itos, counts, x_train, y_train, x_val, y_val, x_test, y_test, extra,
                x_val_plus, x_test_plus, unseen=(x_test_plus >= len(itos)).any(dim=1))


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


def pretrained_matrices(data: Task) -> dict:
    """{"glove", "course", "glove+vocab"}: the aligned matrices; "glove+vocab" is "glove" with
    the extra words' GloVe rows appended (every extra word is a GloVe word)."""
    from embedding_course import coursedata, word2vec
    glove_words, glove_vectors = coursedata.glove_6b_50d()
    course_words, course_vectors = word2vec.course_vectors()
    glove = aligned_matrix(data.itos, glove_words, glove_vectors, CONFIG["oov_seed"])[0]
    return {"glove": glove,
            "course": aligned_matrix(data.itos, course_words, course_vectors, CONFIG["oov_seed"])[0],
            "glove+vocab": with_extra_rows(glove, data, glove_words, glove_vectors)}


def with_extra_rows(glove: torch.Tensor, data: Task, glove_words: list[str], glove_vectors: np.ndarray) -> torch.Tensor:
    """The aligned GloVe matrix of the training vocabulary with the GloVe rows of data.extra_words
    appended, in their order: the table of the "+vocab" conditions."""
    row_of = {w: i for i, w in enumerate(glove_words[:CONFIG["pretrained_vocabulary"]])}
    return torch.cat([glove, torch.from_numpy(glove_vectors[[row_of[w] for w in data.extra_words]])])


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
    if condition.startswith("random"):
        # "random": N(0, 1) at 50 dimensions; "random-<source>-scale": N(0, std) at the width of <source>
        reference = None if condition == "random" else matrices[condition.removeprefix("random-").removesuffix("-scale")]
        dim = CONFIG["random_dim"] if reference is None else reference.shape[1]
        embedding = nn.Embedding(vocab_size, dim, padding_idx=0)
        if reference is not None:
            with torch.no_grad():
                embedding.weight.mul_(float(reference[1:].std()))
        return MeanEmbeddingClassifier(embedding)
    source, mode = condition.rsplit("-", 1)
    # from_pretrained wraps the tensor it is given, without copying: each run gets its own copy.
    embedding = nn.Embedding.from_pretrained(matrices[source].clone(), freeze=(mode == "frozen"), padding_idx=0)
    return MeanEmbeddingClassifier(embedding)


def accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    model.eval()
    with torch.no_grad():
        return ((model(x) > 0).float() == y).float().mean().item()


def one_run(condition: str, n: int, seed: int, data: Task, matrices: dict) -> dict:
    """One fresh model trained on the first n training sentences of the seed's permutation, for
    up to epochs_for(n) epochs; the epoch with the best validation accuracy is kept (the first
    of equals), then scored once on the test split. Returns {"test", "test_unseen" (on the test
    sentences with a word only the larger vocabulary knows), "val", "epoch"}."""
    plus = condition.startswith("glove+vocab")
    x_val = data.x_val_plus if plus else data.x_val
    x_test = data.x_test_plus if plus else data.x_test
    vocab_size = len(data.itos) + (len(data.extra_words) if plus else 0)
    subset = torch.from_numpy(np.random.default_rng(seed).permutation(len(data.x_train))[:n])
    xs, ys = data.x_train[subset], data.y_train[subset]
    torch.manual_seed(seed)
    model = make_model(condition, matrices, vocab_size)
    optimizer = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=CONFIG["lr"])
    best = (-1.0, 0, None)
    for epoch in range(1, epochs_for(n) + 1):
        model.train()
        order = torch.randperm(n)
        for start in range(0, n, CONFIG["batch_size"]):
            batch = order[start:start + CONFIG["batch_size"]]
            optimizer.zero_grad()
            F.binary_cross_entropy_with_logits(model(xs[batch]), ys[batch]).backward()
            optimizer.step()
        val = accuracy(model, x_val, data.y_val)
        if val > best[0]:
            best = (val, epoch, copy.deepcopy(model.state_dict()))
    model.load_state_dict(best[2])
    return {"test": accuracy(model, x_test, data.y_test),
            "test_unseen": accuracy(model, x_test[data.unseen], data.y_test[data.unseen]),
            "val": best[0], "epoch": best[1]}
