"""Skip-gram with negative sampling (SGNS), and the word-vector benchmarks.

Shared by chapter 5 (`book/05-word2vec.md`), chapter 6 (through `course_vectors`) and the
benchmark script (`benchmarks/word2vec_vs_gensim.py`), so all train and evaluate alike.

The trainer follows word2vec / gensim: vocabulary of words seen at least `min_count` times,
subsampling of frequent words, a dynamic window, `negative` noise words per (center, context)
pair drawn from the unigram distribution raised to 0.75, and a learning rate decaying linearly
from `alpha` to `min_alpha` over the run. Two engines schedule the updates: on a CPU, word2vec.c's
loop (one pair at a time), compiled with numba; on a GPU, shuffled batches of pairs with the
gradients computed by hand and added to the rows concerned with `index_add_`.
"""
from __future__ import annotations

import sys
import time
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import torch


@dataclass
class Vocab:
    words: list[str]                     # most frequent first
    counts: np.ndarray                   # int64, counts[i] of words[i]
    index: dict[str, int] = field(default_factory=dict)

    def __post_init__(self):
        self.index = {w: i for i, w in enumerate(self.words)}

    def __len__(self):
        return len(self.words)


def build_vocab(sentences, min_count: int = 5) -> Vocab:
    """Words seen at least `min_count` times, most frequent first (ties alphabetical)."""
    counts = Counter(w for s in sentences for w in s)
    kept = sorted((w for w, c in counts.items() if c >= min_count), key=lambda w: (-counts[w], w))
    return Vocab(kept, np.array([counts[w] for w in kept], dtype=np.int64))


def encode(sentences, vocab: Vocab) -> tuple[np.ndarray, np.ndarray]:
    """All in-vocabulary tokens as one int64 array, and the sentence number of each token
    (out-of-vocabulary words are dropped, as gensim does)."""
    index = vocab.index
    ids, sid = [], []
    for k, s in enumerate(sentences):
        row = [index[w] for w in s if w in index]
        ids.extend(row)
        sid.extend([k] * len(row))
    return np.array(ids, dtype=np.int64), np.array(sid, dtype=np.int64)


def keep_probability(counts: np.ndarray, sample: float) -> np.ndarray:
    """word2vec's subsampling: word with frequency f (fraction of all tokens) is kept with
    probability (sqrt(f / sample) + 1) * sample / f, capped at 1."""
    f = counts / counts.sum()
    return np.minimum(1.0, (np.sqrt(f / sample) + 1) * sample / f)


def subsample(ids, sid, keep, rng):
    """One epoch's draw of word2vec's subsampling: token t survives with probability keep[ids[t]]."""
    kept = rng.random(len(ids)) < keep[ids]
    return ids[kept], sid[kept]


def epoch_pairs(ids, sid, keep, window, rng) -> tuple[np.ndarray, np.ndarray]:
    """(center, context) pairs of one epoch: subsample the tokens, draw a window size
    b in 1..window for every center, pair it with the words at distance <= b in its
    sentence; shuffled."""
    ids, sid = subsample(ids, sid, keep, rng)
    b = rng.integers(1, window + 1, size=len(ids))
    centers, contexts = [], []
    for d in range(1, window + 1):
        same = sid[:-d] == sid[d:]
        right = same & (b[:-d] >= d)        # center i, context i + d
        left = same & (b[d:] >= d)          # center i + d, context i
        centers += [ids[:-d][right], ids[d:][left]]
        contexts += [ids[d:][right], ids[:-d][left]]
    c, o = np.concatenate(centers), np.concatenate(contexts)
    order = rng.permutation(len(c))
    return c[order], o[order]


def alias_table(counts: np.ndarray, power: float = 0.75) -> tuple[np.ndarray, np.ndarray]:
    """Walker's alias method (Vose's construction) for the noise distribution
    p_i = count_i^power / sum_j count_j^power: a draw takes a uniform slot i of V and keeps it
    with probability accept[i] / 2^24, else takes alias[i]. Exact up to 2^-24 per slot, and two
    arrays of V entries (160 kB for 20,000 words) stay in the cache; word2vec.c's table of 10^8
    slots (gensim bisects a cumulative table instead) costs a memory miss per noise word."""
    weight = counts.astype(np.float64) ** power
    scaled = weight / weight.sum() * len(weight)          # mean 1: a slot holds exactly 1 of mass
    accept = np.ones(len(weight))
    alias = np.arange(len(weight), dtype=np.int32)
    small = [i for i in range(len(weight)) if scaled[i] < 1.0]
    large = [i for i in range(len(weight)) if scaled[i] >= 1.0]
    while small and large:
        s, l = small.pop(), large.pop()
        accept[s], alias[s] = scaled[s], l                # slot s: s with its own mass, the rest is l's
        scaled[l] -= 1.0 - scaled[s]
        (small if scaled[l] < 1.0 else large).append(l)
    return np.round(accept * 2 ** 24).astype(np.uint32), alias


def alias_probabilities(accept: np.ndarray, alias: np.ndarray) -> np.ndarray:
    """The distribution an alias table draws from (for tests): slot i gives i with probability
    accept[i] / 2^24 and alias[i] otherwise, each slot 1/V of the time."""
    keep = accept / 2 ** 24
    p = keep.copy()
    np.add.at(p, alias, 1.0 - keep)
    return p / len(accept)


def alias_draw(accept: torch.Tensor, alias: torch.Tensor, shape: tuple, gen: torch.Generator) -> torch.Tensor:
    """Noise words of the given shape from an alias table (int64 tensors on one device), batched:
    a uniform slot each, kept or replaced by its alias (the torch engine's draw)."""
    slot = torch.randint(len(accept), shape, generator=gen, device=accept.device)
    coin = torch.randint(2 ** 24, shape, generator=gen, device=accept.device)
    return torch.where(coin < accept[slot], slot, alias[slot])


MAX_EXP = 6.0   # scores beyond +-MAX_EXP: the sigmoid is saturated and the pair is skipped, as gensim does


def _compile_sentence_kernel():
    """The CPU engine: word2vec.c's loop (one pair at a time, plain SGD), compiled by numba. One
    call trains a run of sentences and releases the GIL (nogil), so that `threads` Python threads
    run it at once on different sentences, updating the shared tables without locks, as
    word2vec.c and gensim do. Noise words come from the alias table with a xorshift64* generator
    per call; a score beyond +-MAX_EXP skips the update (gensim's rule)."""
    import numba

    @numba.njit(fastmath=True, cache=True, nogil=True)
    def train_sentences(W_in, W_out, tokens, bounds, reach, accept, alias, negative,
                        alpha_first, alpha_last, seed):
        dim = W_in.shape[1]
        V = np.uint64(len(accept))
        rnd = np.uint64(seed)
        grad_in = np.empty(dim, dtype=np.float32)
        n_sent = len(bounds) - 1
        for s in range(n_sent):
            # the rate decays from alpha_first to alpha_last over this call's sentences
            alpha = np.float32(alpha_first + (alpha_last - alpha_first) * s / max(n_sent, 1))
            lo, hi = bounds[s], bounds[s + 1]
            for i in range(lo, hi):
                center = tokens[i]
                for j in range(max(lo, i - reach[i]), min(hi, i + reach[i] + 1)):
                    if j == i:
                        continue
                    # as in word2vec.c and gensim, the context word's input vector predicts the center
                    # word (the same pairs the other way round gave SimLex-999 scores 0.01 lower)
                    v = W_in[tokens[j]]
                    grad_in[:] = 0.0
                    for k in range(negative + 1):
                        if k == 0:
                            target, label = np.int64(center), np.float32(1.0)
                        else:
                            rnd ^= rnd >> np.uint64(12)
                            rnd ^= rnd << np.uint64(25)
                            rnd ^= rnd >> np.uint64(27)
                            r = rnd * np.uint64(2685821657736338717)
                            slot = ((r >> np.uint64(32)) * V) >> np.uint64(32)      # uniform in [0, V)
                            if ((r >> np.uint64(8)) & np.uint64(0xFFFFFF)) < accept[slot]:
                                target = np.int64(slot)
                            else:
                                target = np.int64(alias[slot])
                            if target == center:
                                continue
                            label = np.float32(0.0)
                        u = W_out[target]
                        f = np.float32(0.0)
                        for x in range(dim):
                            f += v[x] * u[x]
                        if f <= -MAX_EXP or f >= MAX_EXP:
                            continue
                        g = (label - np.float32(1.0) / (np.float32(1.0) + np.exp(-f))) * alpha
                        for x in range(dim):
                            grad_in[x] += g * u[x]
                            u[x] += g * v[x]
                    for x in range(dim):
                        v[x] += grad_in[x]
        return 0

    return train_sentences


_KERNEL = None


@dataclass
class SGNS:
    """Skip-gram with negative sampling. `fit` trains; `vectors` is the input table.

    Two engines for one algorithm. On a CPU ("numba"), word2vec.c's loop: pairs in corpus
    order, one SGD step per pair, `threads` threads on disjoint sentences. On a GPU ("torch"),
    a whole epoch of pairs is shuffled and processed in batches of `batch`, the gradient of a
    batch computed by hand and added to the rows it concerns with `index_add_`.
    """
    dim: int = 100
    window: int = 5
    negative: int = 5
    min_count: int = 5
    sample: float = 1e-3
    alpha: float = 0.025
    min_alpha: float = 0.0001
    epochs: int = 5
    threads: int = 2
    device: str = "cpu"
    engine: str = "auto"             # "numba" (CPU), "torch" (any device), auto: numba on CPU
    batch: int = 4096                # pairs per step of the torch engine
    chunk: int = 1024                # sentences per job of the numba engine
    seed: int = 0
    progress: bool = True

    def fit(self, sentences=None, vocab: Vocab | None = None, ids=None, sid=None):
        """Train on `sentences` (lists of words), or on an encoded corpus (vocab, ids, sid)."""
        if ids is None:
            vocab = build_vocab(sentences, self.min_count)
            ids, sid = encode(sentences, vocab)
        self.vocab = vocab
        engine = self.engine if self.engine != "auto" else ("numba" if self.device == "cpu" else "torch")
        rng = np.random.default_rng(self.seed)
        V, d = len(vocab), self.dim
        # word2vec's initialisation: input vectors uniform in +-0.5/d, output vectors zero
        W_in = ((rng.random((V, d), dtype=np.float32) - 0.5) / d).astype(np.float32)
        W_out = np.zeros((V, d), dtype=np.float32)
        noise = alias_table(vocab.counts)
        keep = keep_probability(vocab.counts, self.sample)
        # the learning rate decays linearly with the corpus words processed, as in gensim
        self.total_words = self.epochs * len(ids)
        from embedding_course.progress import bar as progress_bar
        # in a terminal the bar redraws every second; in a notebook or a log every update is a new
        # line, so there it updates every 20 s (and in the book's build only its final line shows)
        bar = progress_bar(total=self.total_words, unit="word", unit_scale=True, disable=not self.progress,
                   desc=f"word2vec ({engine}, {self.device})",
                   mininterval=1.0 if sys.stderr.isatty() else 20.0)
        start = time.perf_counter()
        if engine == "numba":
            self._fit_numba(W_in, W_out, ids, sid, noise, keep, rng, bar)
        else:
            self._fit_torch(W_in, W_out, ids, sid, noise, keep, rng, bar)
        self.seconds = time.perf_counter() - start
        self.words_per_second = self.total_words / self.seconds
        bar.close()
        return self

    def _alpha(self, words_done: float) -> float:
        return self.alpha - (self.alpha - self.min_alpha) * words_done / self.total_words

    def _fit_numba(self, W_in, W_out, ids, sid, noise, keep, rng, bar):
        global _KERNEL
        from concurrent.futures import ThreadPoolExecutor
        if _KERNEL is None:
            _KERNEL = _compile_sentence_kernel()
        accept, alias = noise
        self.W_in, self.W_out = W_in, W_out
        n = len(ids)
        # Jobs of `chunk` sentences go to a queue that `threads` threads drain, as in gensim: a
        # thread that was held up does not keep the others waiting (no barrier but the epoch's end).
        with ThreadPoolExecutor(self.threads) as pool:
            for epoch in range(self.epochs):
                tokens, tsid = subsample(ids, sid, keep, rng)
                reach = rng.integers(1, self.window + 1, size=len(tokens)).astype(np.int32)
                tokens = tokens.astype(np.int32)
                # sentence boundaries in the subsampled stream
                bounds = np.flatnonzero(np.r_[True, tsid[1:] != tsid[:-1], True]).astype(np.int64)
                n_sent = len(bounds) - 1
                jobs = []
                for lo in range(0, n_sent, self.chunk):
                    hi = min(lo + self.chunk, n_sent)
                    b = bounds[lo:hi + 1]
                    done_lo, done_hi = epoch * n + n * lo / n_sent, epoch * n + n * hi / n_sent
                    job = pool.submit(_KERNEL, W_in, W_out, tokens[b[0]:b[-1]], b - b[0], reach[b[0]:b[-1]],
                                      accept, alias, self.negative, self._alpha(done_lo), self._alpha(done_hi),
                                      rng.integers(1, 2 ** 62, dtype=np.uint64))
                    jobs.append((job, round(done_hi) - round(done_lo)))
                for job, words in jobs:
                    job.result()
                    bar.update(words)

    def _fit_torch(self, W_in, W_out, ids, sid, noise, keep, rng, bar):
        torch.set_num_threads(self.threads)
        dev = torch.device(self.device)
        gen = torch.Generator(device=dev).manual_seed(self.seed)
        self.W_in = torch.from_numpy(W_in).to(dev)
        self.W_out = torch.from_numpy(W_out).to(dev)
        accept, alias = (torch.from_numpy(a.astype(np.int64)).to(dev) for a in noise)
        n = len(ids)
        for epoch in range(self.epochs):
            centers, contexts = epoch_pairs(ids, sid, keep, self.window, rng)
            centers, contexts = torch.from_numpy(centers).to(dev), torch.from_numpy(contexts).to(dev)
            m = len(centers)
            for lo in range(0, m, self.batch):
                c, o = centers[lo:lo + self.batch], contexts[lo:lo + self.batch]
                noise_words = alias_draw(accept, alias, (len(c), self.negative), gen)
                self._step(c, o, noise_words, self._alpha(epoch * n + n * lo / m))
                bar.update(round(n * min(lo + self.batch, m) / m) - round(n * lo / m))

    def _step(self, c, o, noise, lr):
        """One batch of SGD on the negative-sampling loss, gradients by hand."""
        v = self.W_in[c]                                    # (B, d) center vectors
        targets = torch.cat([o[:, None], noise], dim=1)     # (B, 1 + K): context, then noise
        u = self.W_out[targets]                             # (B, 1 + K, d)
        scores = torch.bmm(u, v[:, :, None]).squeeze(2)     # (B, 1 + K)
        labels = torch.zeros_like(scores)
        labels[:, 0] = 1.0
        g = (torch.sigmoid(scores) - labels) * lr           # d loss / d score, times lr
        grad_v = torch.bmm(g[:, None, :], u).squeeze(1)     # (B, d)
        grad_u = g[:, :, None] * v[:, None, :]              # (B, 1 + K, d)
        self.W_in.index_add_(0, c, grad_v, alpha=-1.0)
        self.W_out.index_add_(0, targets.reshape(-1), grad_u.reshape(-1, grad_u.shape[2]), alpha=-1.0)

    @property
    def vectors(self) -> np.ndarray:
        W = self.W_in
        return W.cpu().numpy() if isinstance(W, torch.Tensor) else W


# ---------------------------------------------------------------- evaluation


def unit_rows(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


def similarity_correlation(vectors, index: dict, pairs) -> tuple[float, int]:
    """Spearman rho between human scores and cosine similarities over the pairs whose two
    words are in `index`; returns (rho, number of pairs used)."""
    from scipy.stats import spearmanr
    unit = unit_rows(vectors)
    human, model = [], []
    for a, b, score in pairs:
        if a in index and b in index:
            human.append(score)
            model.append(float(unit[index[a]] @ unit[index[b]]))
    return float(spearmanr(human, model).statistic), len(human)


def analogy_accuracy(vectors, words: list[str], questions, restrict: int = 30_000,
                     chunk: int = 2048) -> tuple[float, int]:
    """3CosAdd accuracy on the questions (section, a, b, c, d): the answer is the word whose
    unit vector is closest (cosine) to b - a + c of unit vectors, excluding a, b and c, searched
    among the `restrict` most frequent words. Questions with a word outside those are skipped
    (as gensim does); returns (accuracy on the others, number of questions answered)."""
    words = words[:restrict]
    unit = torch.from_numpy(unit_rows(np.asarray(vectors[:restrict], dtype=np.float32)))
    index = dict(zip(words, range(len(words))))
    q = np.array([[index[w] for w in row[1:]] for row in questions
                  if all(w in index for w in row[1:])], dtype=np.int64).reshape(-1, 4)
    q = torch.from_numpy(q)
    correct = 0
    for lo in range(0, len(q), chunk):
        a, b, c, d = q[lo:lo + chunk].T
        sims = (unit[b] - unit[a] + unit[c]) @ unit.T
        rows = torch.arange(len(a))
        for excluded in (a, b, c):
            sims[rows, excluded] = -np.inf
        correct += int((sims.argmax(1) == d).sum())
    return correct / max(len(q), 1), len(q)


def evaluate(vectors, words: list[str], benchmarks: dict) -> dict:
    """The three scores of a table of word vectors (rows in `words` order, most frequent first)."""
    index = dict(zip(words, range(len(words))))
    ws, n_ws = similarity_correlation(vectors, index, benchmarks["wordsim353"])
    sl, n_sl = similarity_correlation(vectors, index, benchmarks["simlex999"])
    an, n_an = analogy_accuracy(vectors, words, benchmarks["analogies"])
    return {"wordsim353_rho": ws, "wordsim353_pairs": n_ws, "simlex999_rho": sl,
            "simlex999_pairs": n_sl, "analogy_accuracy": an, "analogy_questions": n_an}


def shared_items(benchmarks: dict, vocabularies: list[list[str]], restrict: int = 30_000) -> dict:
    """The benchmarks cut to the items every model can answer: the similarity pairs whose two
    words are in every vocabulary, the analogies whose four words are among the `restrict` most
    frequent words of every vocabulary. Models scored on these are scored on the same items."""
    known = set.intersection(*(set(v) for v in vocabularies))
    frequent = set.intersection(*(set(v[:restrict]) for v in vocabularies))
    return {"wordsim353": [p for p in benchmarks["wordsim353"] if p[0] in known and p[1] in known],
            "simlex999": [p for p in benchmarks["simlex999"] if p[0] in known and p[1] in known],
            "analogies": [q for q in benchmarks["analogies"] if all(w in frequent for w in q[1:])]}


def load_benchmarks() -> dict:
    from embedding_course import coursedata
    return {"wordsim353": coursedata.wordsim353(), "simlex999": coursedata.simlex999(),
            "analogies": coursedata.google_analogies()}


# ---------------------------------------------------------------- the course's vectors

COURSE_HYPERPARAMETERS = dict(dim=100, window=5, negative=5, min_count=5, sample=1e-3, alpha=0.025,
                              min_alpha=0.0001, epochs=5, threads=2, seed=0)


def course_vectors(progress: bool = False) -> tuple[list[str], np.ndarray]:
    """The chapter 5 vectors: our SGNS with COURSE_HYPERPARAMETERS on Brown + the State of the
    Union addresses, as (words most frequent first, float32 array (V, 100)): the input table of
    `course_tables`."""
    words, vectors, _ = course_tables(progress)
    return words, vectors


def course_tables(progress: bool = False) -> tuple[list[str], np.ndarray, np.ndarray]:
    """The words and both tables of the chapter 5 model, (words, input vectors, output vectors).

    Trained once (about 15 s on 2 cores) and cached next to the data, keyed by the
    hyperparameters, the corpus files' SHA-256 and this file's SHA-256, so chapters 5 and 6
    (and a rebuild) share one training run. Two threads update the tables without locks, as in
    word2vec.c, so a retraining differs in the last decimals; threads=1 reproduces bit for bit."""
    import fcntl
    import hashlib
    import json
    from embedding_course import coursedata
    key = hashlib.sha256(json.dumps([COURSE_HYPERPARAMETERS, coursedata.SOURCES["brown"]["sha256"],
                                     coursedata.SOURCES["sotu"]["sha256"],
                                     hashlib.sha256(open(__file__, "rb").read()).hexdigest()]).encode()).hexdigest()[:16]
    path = coursedata.CACHE / f"word2vec-course-{key}.npz"
    path.parent.mkdir(parents=True, exist_ok=True)
    # Pages built side by side (chapters 5 and 6), or a build beside the tests, may ask at once:
    # the first trains while the others wait for its file instead of training again.
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if path.exists():
            saved = np.load(path)
            return [str(w) for w in saved["words"]], saved["vectors"], saved["contexts"]
        model = SGNS(**COURSE_HYPERPARAMETERS, progress=progress).fit(coursedata.word2vec_corpus())
        tmp = path.with_suffix(".tmp.npz")
        np.savez(tmp, words=np.array(model.vocab.words), vectors=model.vectors, contexts=model.W_out)
        tmp.replace(path)
    return model.vocab.words, model.vectors, model.W_out
