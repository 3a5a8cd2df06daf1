"""Hidden tests for exercise 06-pretrained-vectors.

Every expected value is computed here: the aligned matrix (the specified seeded draw, with the
grader's own torch, and the pretrained rows), the coverage shares, the models' outputs and
parameters after Adam steps the grader drives call by call in the worker and replays, step for
step, on its own copy of the model, the harness's accuracies from runs the grader repeats here with
its own copy of the notebook's given BagClassifier and fit_and_score (tests/test_given_code.py
checks that the copy is the notebook's code), and the means and standard deviations. The harness
(task 4) gets templates the grader builds with the given class and its own weights, so a bug in
tasks 1-3 costs nothing in task 4.

What the worker reports about its own objects (a dtype name, requires_grad) can be a lie: a
submission may patch the worker. So points rest on values only a correct implementation gives:
"frozen" is proven by Adam steps that leave the table as it was while the linear layer follows the
reference, "owns a copy" by a second model built from the same tensor after training the first,
"unchanged input" by a second call with the same input that must give the right result. The dtype
names checked in task 1's first test remain a claim of the worker (one point).

The worker sees no repository file: the vocabularies, pretrained words and vectors are small
tables made up here and passed in.
"""
import numpy as np
import torch
from torch import nn
from torch.nn import functional as F
from torch.optim import Adam

from autograder.harness import (Choice, Number, question_tests, Attempts, Mismatch, StudentRaised, TensorData,
                                WorkerDied, check_array, check_tensor, expect_error, named, points, tensor,
                                torch_threads)
from autograder.student import BudgetExhausted

# ---------------------------------------------------------------- the notebook's given code, verbatim


class BagClassifier(nn.Module):
    """BagClassifier(bag): `bag` is an nn.EmbeddingBag(V, d, mode="mean", padding_idx=...), the table.
    forward(x): int64 ids (batch, seq_len) -> logits (batch,), the linear layer on the bag's means."""

    def __init__(self, bag):
        super().__init__()
        if not isinstance(bag, nn.EmbeddingBag) or bag.mode != "mean" or bag.padding_idx is None:
            raise ValueError("BagClassifier needs an nn.EmbeddingBag with mode='mean' and a padding_idx")
        self.bag = bag
        self.linear = nn.Linear(bag.embedding_dim, 1, device=bag.weight.device)

    @classmethod
    def untrained(cls, vocab_size, embedding_dim, padding_idx=0):
        """A classifier whose table starts random, as chapter 4's did: N(0, 1), the padding row zero."""
        return cls(nn.EmbeddingBag(vocab_size, embedding_dim, mode="mean", padding_idx=padding_idx))

    def forward(self, x):
        return self.linear(self.bag(x)).squeeze(-1)


def fit_and_score(model, x_train, y_train, x_test, y_test, epochs, lr, batch_size, seed):
    """Train `model` in place, then return its accuracy on (x_test, y_test), a float.

    Chapter 4's recipe: Adam over the model's parameters, mean binary cross-entropy per mini-batch,
    `epochs` passes over the training examples, each in a new order drawn from a torch.Generator
    seeded with `seed` (so a run is reproducible, and torch's global generator is left alone).
    A frozen parameter gets no gradient, and Adam leaves a parameter without one alone."""
    shuffling = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    for _ in range(epochs):
        for batch in torch.randperm(len(x_train), generator=shuffling).split(batch_size):
            batch = batch.to(x_train.device)
            optimizer.zero_grad()
            F.binary_cross_entropy_with_logits(model(x_train[batch]), y_train[batch]).backward()
            optimizer.step()
    model.eval()
    with torch.no_grad():
        return ((model(x_test) > 0) == (y_test > 0.5)).float().mean().item()


# ---------------------------------------------------------------- helpers


def reference_matrix(itos, words, vectors, seed=0, pad=0):
    """The specified policy, with the grader's torch: (matrix float32, found bool)."""
    import torch
    row_of = {w: j for j, w in enumerate(words)}
    base = (torch.randn(len(itos), vectors.shape[1], generator=torch.Generator().manual_seed(seed))
            * float(np.std(vectors))).numpy()
    found = np.zeros(len(itos), bool)
    for i, w in enumerate(itos):
        if i != pad and w.lower() in row_of:
            base[i] = vectors[row_of[w.lower()]]
            found[i] = True
    base[pad] = 0.0
    return base.astype(np.float32), found


def made_up_vectors(rng, n_words, d, scale=0.3):
    """n_words lowercase pseudo-words and float32 vectors of std about `scale` (far from 1)."""
    words = [f"w{k}x{rng.integers(0, 10**6)}" for k in range(n_words)]
    words = list(dict.fromkeys(words))
    return words, (rng.standard_normal((len(words), d)) * scale).astype(np.float32)


def held_shape(held, vectors):
    """What call_matrix needs to know of vectors kept in the worker: their shape."""
    return np.zeros((0, vectors.shape[1]), vectors.dtype)


def call_matrix(student, case, itos, words, vectors, held=None, **kwargs):
    """The submission's (matrix, found) for these inputs (`held`: the vectors already in the worker)."""
    got = named(case, student.call, "pretrained_matrix", itos, words, vectors if held is None else held, **kwargs)
    if not isinstance(got, tuple) or len(got) != 2:
        raise Mismatch(f"{case}: expected a tuple (matrix, found), got {type(got).__name__}")
    matrix, found = got
    for what, value, dtype, shape in (("matrix", matrix, "float32", (len(itos), vectors.shape[1])),
                                      ("found", found, "bool", (len(itos),))):
        if not isinstance(value, TensorData):
            raise Mismatch(f"{case}: {what} should be a torch tensor, got a {type(value).__name__}")
        if value.shape != shape:
            raise Mismatch(f"{case}: {what} has shape {value.shape}, but {shape} was expected")
        # The dtype name is the worker's claim (a patched worker could lie); the values are checked below.
        if value.dtype != dtype or value.array.dtype != np.dtype(dtype):
            raise Mismatch(f"{case}: {what} has dtype {value.dtype}, but {dtype} was expected")
        if value.device != "cpu":
            raise Mismatch(f"{case}: {what} is on {value.device}; return it on the CPU")
    return matrix, found


def a_vocabulary(rng, words, n_known, n_unknown, pad_first=True):
    """A task vocabulary: <pad>, n_known pretrained words in shuffled order, n_unknown made-up ones, <unk>."""
    known = [words[j] for j in rng.choice(len(words), n_known, replace=False)]
    unknown = [f"zz{k}q" for k in range(n_unknown)]
    body = known + unknown
    body = [body[j] for j in rng.permutation(len(body))]
    return (["<pad>"] if pad_first else []) + body + ["<unk>"]


def weights_table(rng, v, d, pad=0):
    w = (rng.standard_normal((v, d)) * 0.5).astype(np.float32)
    w[pad] = 0.0
    return w


def pretrained(student, case, w, dev, **kwargs):
    return named(case, student.new, "pretrained_model", tensor(w, dev), **kwargs)


def param(m, path, case):
    try:
        value = m.attr(path)
    except StudentRaised as e:
        raise Mismatch(f"{case}: reading .{path} raised {e.type}; the model needs the attributes `bag` "
                       "(an nn.EmbeddingBag) and `linear` (an nn.Linear), as the given BagClassifier has") from None
    if not isinstance(value, TensorData):
        raise Mismatch(f"{case}: .{path} should be a tensor, got a {type(value).__name__}")
    return value


def reference_logits(W, A, b, x, pad=0):
    real = (x != pad)[..., None]
    pooled = (W.astype(np.float64)[x] * real).sum(1) / np.maximum(real.sum(1), 1)
    return pooled @ A[0].astype(np.float64) + float(b[0])


def padded(rng, n, seq_len, v, pad=0):
    x = np.full((n, seq_len), pad, np.int64)
    for i in range(n):
        length = int(rng.integers(1, seq_len + 1))
        ids = rng.integers(1, v, size=length)
        ids[ids == pad] = 1 if pad != 1 else 2
        x[i, seq_len - length:] = ids
    return x


def linear_values(rng, d):
    """A linear layer's weight (1, d) and bias (1,) chosen here, so that every logit is known."""
    return ((rng.uniform(-1, 1, (1, d)) / np.sqrt(d)).astype(np.float32),
            rng.uniform(-0.3, 0.3, 1).astype(np.float32))


def logits_like(got, expected, case, dev):
    """The submission's logits (read back) against the grader's, float32 arithmetic allowed."""
    if not isinstance(got, TensorData) or got.shape != expected.shape:
        raise Mismatch(f"{case}: forward should return logits of shape {expected.shape}")
    check_tensor(got, expected, f"{case}: the logits are not the linear layer on the mean of the real (non-padding) "
                 "tokens' rows", device=dev, rtol=1e-5, atol=1e-6)


class Replay:
    """A model in the worker and the grader's own BagClassifier with the same table and linear layer,
    driven by the same Adam steps: the grader sends d loss / d logits, computed from its own logits,
    to both. After every step the submission's logits, table and linear layer must be the reference's,
    which is frozen or trainable as the test says; so freezing is proven by values, not by flags."""

    def __init__(self, student, m, w, frozen, pad, dev, rng, case, lr=0.1, optimiser=True):
        self.student, self.m, self.w, self.dev, self.case, self.lr = student, m, w, dev, case, lr
        A, b = linear_values(rng, w.shape[1])
        named(f"{case}: setting linear.weight", m.set, "linear.weight", tensor(A, dev))
        named(f"{case}: setting linear.bias", m.set, "linear.bias", tensor(b, dev))
        self.ref = BagClassifier(nn.EmbeddingBag.from_pretrained(torch.from_numpy(w.copy()), freeze=frozen,
                                                                 mode="mean", padding_idx=pad))
        with torch.no_grad():
            self.ref.linear.weight.copy_(torch.from_numpy(A))
            self.ref.linear.bias.copy_(torch.from_numpy(b))
        self.opt = self.ref_opt = None
        if optimiser:
            self.optimisers()

    def optimisers(self):
        """An Adam over all parameters, for both (also over a frozen table: it trains once unfrozen)."""
        self.opt = named(self.case, self.student.new, "Adam", self.m.call("parameters", keep=True), lr=self.lr)
        self.ref_opt = Adam(self.ref.parameters(), lr=self.lr)

    def set_frozen(self, frozen):
        self.ref.bag.weight.requires_grad_(not frozen)

    def forward_checked(self, x, what):
        z = named(f"{self.case}: forward", self.m.call, "forward", tensor(x, self.dev), keep=True)
        with torch_threads(1):
            zr = self.ref(torch.from_numpy(x))
        logits_like(named(f"{self.case}: forward", z.value), zr.detach().numpy(), f"{self.case}, {what}", self.dev)
        return z, zr

    def steps(self, x, y, n, label=""):
        for k in range(n):
            named(self.case, self.opt.call, "zero_grad")
            self.ref_opt.zero_grad()
            z, zr = self.forward_checked(x, f"{label}step {k + 1}")
            dz = ((torch.sigmoid(zr.detach().double()) - torch.from_numpy(y)) / len(y)).float()
            named(self.case, z.call, "backward", tensor(dz.numpy(), self.dev))
            with torch_threads(1):
                zr.backward(dz)
                self.ref_opt.step()
            named(self.case, self.opt.call, "step")
            self.check_state(f"{label}step {k + 1}")

    def check_state(self, when):
        case, frozen = f"{self.case}, after {when}", not self.ref.bag.weight.requires_grad
        table = param(self.m, "bag.weight", case)
        expected = self.ref.bag.weight.detach().numpy()
        if not (isinstance(table.array, np.ndarray) and table.shape == expected.shape
                and np.allclose(table.array, expected, rtol=1e-5, atol=1e-6)):
            if frozen:
                raise Mismatch(f"{case}: the table changed, but it is frozen (only the linear layer trains)")
            if isinstance(table.array, np.ndarray) and table.shape == self.w.shape and np.array_equal(table.array, self.w):
                raise Mismatch(f"{case}: the table did not change: it should train (fine-tuning)")
            raise Mismatch(f"{case}: the table is not what the same Adam steps make of it (only the rows of the "
                           "words in the batch move; the padding row and unused rows stay)")
        for path in ("linear.weight", "linear.bias"):
            check_tensor(param(self.m, path, case), self.ref.get_parameter(path).detach().numpy(),
                         f"{case}: {path} is not what the same Adam steps make of it (the linear layer always "
                         "trains)", device=self.dev, rtol=1e-5, atol=1e-6)


# ================================================================ Task 1: pretrained_matrix


@points(1, task="align")
def test_align_shapes_and_dtypes(student, rng):
    """pretrained_matrix: returns (float32 matrix (V, d), bool found (V,)) on the CPU, also from float64 vectors"""
    words, vectors = made_up_vectors(rng, 30, 5)
    itos = a_vocabulary(rng, words, 8, 4)
    for case, given in (("pretrained_matrix on 14 entries, 30 pretrained words of dimension 5", vectors),
                        ("pretrained_matrix with float64 vectors", vectors.astype(np.float64)),
                        ("pretrained_matrix with dimension 1", vectors[:, :1].copy())):
        matrix, found = call_matrix(student, case, itos, words, given)
        # The types are the worker's report; the values must be right as well.
        exp_matrix, exp_found = reference_matrix(itos, words, given)
        if not (np.array_equal(found.array, exp_found) and np.allclose(matrix.array, exp_matrix, rtol=1e-3, atol=1e-6)):
            raise Mismatch(f"{case}: the matrix or found is wrong (the tests below say how)")


@points(2, task="align")
def test_align_known_rows(student, rng):
    """pretrained_matrix: row i of a known word is that word's pretrained vector, and found marks exactly those rows"""
    for n_words, d, n_known, n_unknown in ((40, 6, 12, 7), (200, 3, 150, 0), (25, 4, 1, 20)):
        words, vectors = made_up_vectors(rng, n_words, d)
        itos = a_vocabulary(rng, words, n_known, n_unknown)
        case = f"pretrained_matrix on a vocabulary of {len(itos)} entries, {n_known} of them pretrained"
        matrix, found = call_matrix(student, case, itos, words, vectors)
        exp_matrix, exp_found = reference_matrix(itos, words, vectors)
        if not np.array_equal(found.array, exp_found):
            bad = int(np.sum(found.array != exp_found))
            raise Mismatch(f"{case}: found is wrong for {bad} of the {len(itos)} entries (it should be True exactly "
                           "for the entries, except padding, whose lowercased word is in `words`)")
        rows = np.flatnonzero(exp_found)
        wrong = [i for i in rows if not np.array_equal(matrix.array[i], exp_matrix[i])]
        if wrong:
            raise Mismatch(f"{case}: {len(wrong)} of the {len(rows)} pretrained rows do not hold their word's vector "
                           f"(the first is row {wrong[0]}); row i must be the vector of itos[i], with no shift")


@points(1, task="align")
def test_align_lowercase(student, rng):
    """pretrained_matrix: entries with capitals get the vector of their lowercased word"""
    words, vectors = made_up_vectors(rng, 20, 4)
    itos = ["<pad>", words[3].upper(), words[5], words[7].capitalize(), "ZZnotaword", words[9][0].upper() + words[9][1:],
            "<unk>"]
    case = "pretrained_matrix on a vocabulary with capitalised entries (the pretrained words are lowercase)"
    matrix, found = call_matrix(student, case, itos, words, vectors)
    exp_matrix, exp_found = reference_matrix(itos, words, vectors)
    if not np.array_equal(found.array, exp_found) or not np.array_equal(matrix.array[exp_found], exp_matrix[exp_found]):
        raise Mismatch(f"{case}: the capitalised entries did not get their vectors; look up itos[i].lower()")


@points(1, task="align")
def test_align_padding_row(student, rng):
    """pretrained_matrix: the padding row is zero and not found, wherever it is and even if it has a pretrained vector"""
    words, vectors = made_up_vectors(rng, 30, 5)
    words = words + ["<pad>"]
    vectors = np.vstack([vectors, np.full((1, 5), 0.7, np.float32)])
    for pad in (0, 3):
        itos = a_vocabulary(rng, words[:-1], 8, 4)
        itos[pad], itos[0] = "<pad>", itos[pad]
        case = f"pretrained_matrix(..., padding_idx={pad}) where '<pad>' is among the pretrained words"
        matrix, found = call_matrix(student, case, itos, words, vectors, padding_idx=pad)
        if np.any(matrix.array[pad] != 0):
            raise Mismatch(f"{case}: row {pad}, the padding row, is not zero")
        if found.array[pad]:
            raise Mismatch(f"{case}: found[{pad}] is True; the padding row is never a pretrained row")
        exp_matrix, exp_found = reference_matrix(itos, words, vectors, pad=pad)
        if not (np.array_equal(found.array, exp_found) and np.allclose(matrix.array, exp_matrix, rtol=1e-3, atol=1e-6)):
            raise Mismatch(f"{case}: the other rows are wrong (the tests above and below say how)")


@points(2, task="align")
def test_align_unknown_rows(student, rng):
    """pretrained_matrix: rows of unknown words are the seeded N(0, std of the vectors) draw, not zeros, not N(0, 1)"""
    words, vectors = made_up_vectors(rng, 600, 8, scale=0.3)
    for seed in (0, 11):
        itos = a_vocabulary(rng, words, 50, 40)
        case = f"pretrained_matrix(..., seed={seed}) on {len(itos)} entries, 41 of them unknown to the vectors"
        matrix, _ = call_matrix(student, case, itos, words, vectors, seed=seed)
        exp_matrix, exp_found = reference_matrix(itos, words, vectors, seed=seed)
        unknown = ~exp_found
        unknown[0] = False
        got = matrix.array[unknown]
        if not np.any(got):
            raise Mismatch(f"{case}: the rows of unknown words are zero; the policy gives them random vectors")
        scale = float(np.std(got))
        if not 0.5 * 0.3 < scale < 2 * 0.3:
            raise Mismatch(f"{case}: the unknown rows have a standard deviation of {scale:.2f}, far from the "
                           "pretrained vectors' (multiply the standard normal draw by vectors.std())")
        # rtol 1e-3: np.std or torch.std (ddof 1) of 4,800 numbers differ by 1e-4.
        if not np.allclose(got, exp_matrix[unknown], rtol=1e-3, atol=1e-6):
            raise Mismatch(f"{case}: the unknown rows are not torch.randn(V, d, generator=torch.Generator()"
                           ".manual_seed(seed)) * vectors.std() (draw one (V, d) matrix from the seeded generator "
                           "first, then overwrite the known rows)")


@points(1, task="align")
def test_align_seed(student, rng):
    """pretrained_matrix: the same seed gives the same matrix, another seed other random rows and the same pretrained rows"""
    words, vectors = made_up_vectors(rng, 60, 4)
    itos = a_vocabulary(rng, words, 20, 10)
    runs = [call_matrix(student, f"pretrained_matrix(..., seed={s}), call {k}", itos, words, vectors, seed=s)[0].array
            for k, s in enumerate((3, 3, 4), start=1)]
    expected, found = reference_matrix(itos, words, vectors, seed=3)
    if not np.allclose(runs[0], expected, rtol=1e-3, atol=1e-6):
        raise Mismatch("pretrained_matrix(..., seed=3) is not the specified matrix (the tests above say how)")
    if not np.array_equal(runs[0], runs[1]):
        raise Mismatch("two calls of pretrained_matrix with seed=3 gave different matrices: draw the random rows "
                       "from torch.Generator().manual_seed(seed), not from the global generator")
    unknown = ~found
    unknown[0] = False
    if np.allclose(runs[0][unknown], runs[2][unknown]):
        raise Mismatch("seeds 3 and 4 gave the same random rows: use the seed")
    if not np.array_equal(runs[0][found], runs[2][found]):
        raise Mismatch("seeds 3 and 4 gave different pretrained rows: only the random rows depend on the seed")


@points(1, task="align")
def test_align_leaves_vectors_unchanged(student, rng):
    """pretrained_matrix: does not modify the pretrained vectors it is given (a second call on them is right too)"""
    words, vectors = made_up_vectors(rng, 40, 5)
    itos = a_vocabulary(rng, words, 15, 5)
    exp_matrix, exp_found = reference_matrix(itos, words, vectors)
    held = named("sending the vectors", student.put, vectors, "pretrained vectors")
    # Two calls on the same array in the worker: both must give the right matrix, so a first call
    # that changed the vectors shows in the second one's result, whatever the worker says of the array.
    for call in (1, 2):
        case = f"pretrained_matrix(itos, words, vectors), call {call} on the same vectors"
        matrix, found = call_matrix(student, case, itos, words, held_shape(held, vectors), held=held)
        if not (np.array_equal(found.array, exp_found) and np.array_equal(matrix.array[exp_found], exp_matrix[exp_found])
                and np.allclose(matrix.array, exp_matrix, rtol=1e-3, atol=1e-6)):
            raise Mismatch(f"{case}: the matrix is wrong" + (" after the first call: did it change `vectors`?"
                                                              if call == 2 else " (the tests above say how)"))
    after = held.value()
    if not isinstance(after, np.ndarray) or not np.array_equal(after, vectors):
        raise Mismatch("pretrained_matrix changed the `vectors` array it was given; copy rows out of it, never write "
                       "into it")


@points(1, task="align")
def test_align_fast(student, rng):
    """pretrained_matrix: 20,000 entries against 60,000 pretrained words in under 3 s (a dict, not list searches)"""
    words, vectors = made_up_vectors(rng, 60_000, 4)
    itos = a_vocabulary(rng, words, 10_000, 9_998)
    case = "pretrained_matrix on 20,000 entries and 60,000 pretrained words"
    exp_matrix, exp_found = reference_matrix(itos, words, vectors)

    def check(got, _):   # a fast wrong answer earns nothing
        if not (isinstance(got, tuple) and len(got) == 2 and all(isinstance(g, TensorData) for g in got)
                and got[0].shape == exp_matrix.shape and np.array_equal(got[1].array, exp_found)
                and np.array_equal(got[0].array[exp_found], exp_matrix[exp_found])):
            raise Mismatch(f"{case}: the result is wrong (the tests above say how)")

    # One attempt; its result is read back at once and what reading takes beyond a right result's
    # transfer counts as call time (harness.Attempts), so no work can hide in the sending.
    attempt = Attempts([None], [exp_matrix], lambda _: student.time_call("pretrained_matrix", itos, words, vectors),
                       check)
    try:
        with student.time_limit(10):
            seconds, got = attempt.run(0)
    except StudentRaised as e:
        raise Mismatch(f"{case}: {e.summary()}") from None
    except BudgetExhausted:
        raise
    except WorkerDied as e:  # the worker was stopped at the time limit
        raise Mismatch(f"{case}: did not finish within 10 s ({e.reason[:200]}); look words up in a dict "
                       "built once from `words`") from None
    attempt.check(got, exp_matrix)
    if seconds > 3.0:
        raise Mismatch(f"{case}: took {seconds:.1f} s (the reference needs well under a second); look words up "
                       "in a dict built once, not with words.index() or `in words`")


# ================================================================ Task 2: coverage


def reference_coverage(counts, words):
    known = set(words)
    covered = [w for w in counts if w.lower() in known]
    return len(covered) / len(counts), sum(counts[w] for w in covered) / sum(counts.values())


def check_coverage(student, case, counts, words):
    got = named(case, student.call, "coverage", counts, words)
    if not isinstance(got, tuple) or len(got) != 2:
        raise Mismatch(f"{case}: expected a tuple of two floats, got {type(got).__name__}")
    for what, value, exp in zip(("the type coverage", "the token coverage"), got, reference_coverage(counts, words)):
        if isinstance(value, bool) or not isinstance(value, (float, np.floating)):
            raise Mismatch(f"{case}: {what} should be a Python float, got a {type(value).__name__}")
        if not abs(float(value) - exp) <= 1e-9:
            raise Mismatch(f"{case}: {what} is {float(value):.4f}, which is wrong")


@points(2, task="coverage")
def test_coverage_values(student, rng):
    """coverage: the shares of distinct words and of tokens that the pretrained words cover"""
    words, _ = made_up_vectors(rng, 300, 1)
    for n_known, n_unknown in ((40, 25), (5, 1), (10, 0), (0, 7)):
        counts = {w: int(rng.integers(1, 200)) for w in [words[j] for j in rng.choice(300, n_known, replace=False)]}
        rare = {f"zz{k}q": int(rng.integers(1, 3)) for k in range(n_unknown)}
        counts.update(rare)
        check_coverage(student, f"coverage of {len(counts)} words, {n_known} of them pretrained", counts, words)


@points(1, task="coverage")
def test_coverage_lowercase(student, rng):
    """coverage: words with capitals count as covered when their lowercased form is pretrained"""
    words, _ = made_up_vectors(rng, 50, 1)
    counts = {words[0].upper(): 5, words[1]: 3, words[2].capitalize(): 9, "ZZunknown": 4}
    check_coverage(student, "coverage of 4 words, two of them with capitals", counts, words)


@points(1, task="coverage")
def test_coverage_empty(student):
    """coverage: an empty word_counts raises ValueError (a one-word one does not)"""
    expect_error(lambda: student.call("coverage", {}, ["the", "film"]), "coverage({}, words)", "ValueError")
    # ... and a word_counts of one word is not empty: its shares are 0 or 1.
    check_coverage(student, "coverage of one pretrained word", {"film": 3}, ["the", "film"])
    check_coverage(student, "coverage of one unknown word", {"zzq": 2}, ["the", "film"])


# ================================================================ Task 3: pretrained_model, set_frozen


@points(2, task="model")
def test_model_table(student, devices, rng):
    """pretrained_model: the given BagClassifier whose table is the pretrained weights and whose mean leaves out padding_idx"""
    for dev in devices:
        for v, d, pad in ((9, 4, 0), (12, 3, 2), (6, 1, 0)):
            w = weights_table(rng, v, d, pad)
            case = f"pretrained_model(weights ({v}, {d}) on {dev}" + (f", padding_idx={pad})" if pad else ")")
            m = pretrained(student, case, w, dev, **({"padding_idx": pad} if pad else {}))
            check_tensor(param(m, "bag.weight", case), w, f"{case}: bag.weight", device=dev, dtype="float32",
                         exact=True)
            # The linear layer gets values chosen here, so the logits are known: they need the table's
            # values and a mean over the real tokens only (padding_idx passed on to the bag).
            A, b = linear_values(rng, d)
            named(f"{case}: setting linear.weight", m.set, "linear.weight", tensor(A, dev))
            named(f"{case}: setting linear.bias", m.set, "linear.bias", tensor(b, dev))
            x = padded(rng, 5, 6, v, pad)
            x[0, :] = pad   # a text of padding only: the bias
            z = named(f"{case}.forward(x)", m.call, "forward", tensor(x, dev))
            logits_like(z, reference_logits(w, A, b, x, pad), f"{case}: forward on 5 texts", dev)


@points(1, task="model")
def test_model_freeze_flag(student, devices, rng):
    """pretrained_model: Adam steps leave the table alone by default and with freeze=True, and train it with freeze=False"""
    for dev in devices:
        w = weights_table(rng, 7, 3)
        x = padded(rng, 6, 4, 7)
        y = np.array([1, 0, 1, 1, 0, 0], np.float64)
        for kwargs, frozen in (({}, True), ({"freeze": True}, True), ({"freeze": False}, False)):
            case = f"2 Adam steps on pretrained_model(weights{''.join(f', {k}={v}' for k, v in kwargs.items())}) on {dev}"
            m = pretrained(student, case, w, dev, **kwargs)
            Replay(student, m, w, frozen, 0, dev, rng, case).steps(x, y, 2)


@points(2, task="model")
def test_model_owns_a_copy(student, devices, rng):
    """pretrained_model: the model owns a copy of weights (from_pretrained shares the tensor it is given)"""
    for dev in devices:
        w = weights_table(rng, 8, 3)
        x = padded(rng, 6, 4, 8)
        y = rng.integers(0, 2, 6).astype(np.float64)
        held = named("sending the weights", student.put, tensor(w, dev), "weights")
        case = f"pretrained_model(weights, freeze=False) on {dev}, fine-tuned by 2 Adam steps"
        first = named(case, student.new, "pretrained_model", held, freeze=False)
        tuned = Replay(student, first, w, False, 0, dev, rng, case)
        tuned.steps(x, y, 2)
        # A second model from the same tensor must start from the pretrained values, not the first
        # model's fine-tuned table: its logits tell, whatever the worker says of the tensor.
        case = f"a second pretrained_model(weights) from the same weights, after fine-tuning the first, on {dev}"
        second = named(case, student.new, "pretrained_model", held)
        Replay(student, second, w, True, 0, dev, rng, case, optimiser=False).forward_checked(x, "before training")
        after = held.value()
        if not isinstance(after, TensorData) or not np.array_equal(after.array, w):
            raise Mismatch(f"pretrained_model(weights, freeze=False) on {dev}: fine-tuning the model changed the "
                           "`weights` tensor passed in: from_pretrained wraps the tensor it gets without copying; "
                           "give it weights.clone()")
        # Changing the caller's tensor afterwards must not reach the fine-tuned model.
        named("weights.add_(1.0)", held.call, "add_", 1.0)
        tuned.case = (f"the fine-tuned model on {dev} after weights.add_(1.0) on the tensor it was made from "
                      "(the model must own a copy)")
        tuned.forward_checked(x, "after the change")
        tuned.check_state("the change")


@points(2, task="model")
def test_model_fine_tuning_steps(student, devices, rng):
    """pretrained_model: Adam steps move the used rows of a fine-tuned table (not padding, not unused rows) and no row of a frozen one"""
    for dev in devices:
        v, d = 10, 4
        w = weights_table(rng, v, d)
        x = padded(rng, 8, 5, v - 1)            # index v - 1 never occurs
        x[0, :2] = 0
        y = np.array([1, 0, 1, 1, 0, 0, 1, 0], np.float64)
        for freeze in (False, True):
            case = f"3 Adam steps (lr 0.1, driven by the grader) on pretrained_model(weights, freeze={freeze}) on {dev}"
            m = pretrained(student, case, w, dev, freeze=freeze)
            Replay(student, m, w, freeze, 0, dev, rng, case).steps(x, y, 3)


@points(2, task="model")
def test_set_frozen(student, devices, rng):
    """set_frozen: freezes and unfreezes the table only, in place, so an existing optimiser trains it once unfrozen"""
    for dev in devices:
        w = weights_table(rng, 9, 3)
        x = padded(rng, 6, 4, 9)
        y = np.array([1, 0, 1, 0, 1, 0], np.float64)
        case = f"Adam steps on pretrained_model(weights, freeze=False) on {dev} with set_frozen in between"
        m = pretrained(student, case, w, dev, freeze=False)
        replay = Replay(student, m, w, False, 0, dev, rng, case)
        replay.steps(x, y, 1, "trainable, ")
        for frozen in (True, False, True):
            named(f"set_frozen(model, {frozen})", student.call, "set_frozen", m, frozen)
            replay.set_frozen(frozen)
            replay.steps(x, y, 2, f"set_frozen(model, {frozen}), ")
        # Gradual unfreezing: an optimiser made while the table was frozen, then the table unfrozen.
        case = f"an Adam made on a frozen pretrained_model on {dev}, then set_frozen(model, False) and 2 steps"
        m = pretrained(student, case, w, dev, freeze=True)
        replay = Replay(student, m, w, True, 0, dev, rng, case)
        named("set_frozen(model, False)", student.call, "set_frozen", m, False)
        replay.set_frozen(False)
        replay.steps(x, y, 2)


# ================================================================ Task 4: learning_curves, summarise


def template(student, v, d, dev, rng, frozen=False, label="template"):
    """The notebook's given BagClassifier.untrained(v, d) on `dev`, with the grader's weights; frozen table if asked."""
    m = named(f"BagClassifier.untrained({v}, {d}) as the {label}", student.new, "BagClassifier.untrained", v, d)
    named(f"BagClassifier.untrained({v}, {d}).to('{dev}')", m.call, "to", dev)
    A, b = linear_values(rng, d)
    params = {"bag.weight": weights_table(rng, v, d), "linear.weight": A, "linear.bias": b}
    for path, value in params.items():
        named(f"setting the {label}'s {path}", m.set, path, tensor(value, dev))
    if frozen:
        named(f"freezing the {label}'s table", m.call, "bag.weight.requires_grad_", False)
    return m, params


def polar_data(rng, n, v=12, flip=False):
    """Texts of 3 tokens (one padding in front): words 1-5 only in positive texts, 6-10 only in negative ones."""
    labels = np.array([k % 2 for k in range(n)], np.float32)[rng.permutation(n)]
    x = np.zeros((n, 4), np.int64)
    for i, label in enumerate(labels):
        x[i, 1:] = rng.integers(1, 6, 3) if label == 1 else rng.integers(6, 11, 3)
    return x, (1 - labels if flip else labels)


def call_curves(student, case, templates, data, dev, sizes, seeds, epochs=3, lr=0.1, batch_size=4, **kwargs):
    x_train, y_train, x_test, y_test = data
    got = named(case, student.call, "learning_curves", {k: m for k, m in templates.items()},
                tensor(x_train, dev), tensor(y_train, dev), tensor(x_test, dev), tensor(y_test, dev),
                list(sizes), list(seeds), epochs, lr, batch_size, **kwargs)
    if not isinstance(got, dict) or set(got) != set(templates):
        raise Mismatch(f"{case}: expected a dict with the conditions {sorted(templates)} as keys, got "
                       + (f"the keys {sorted(map(str, got))}" if isinstance(got, dict) else f"a {type(got).__name__}"))
    for name, value in got.items():
        if not isinstance(value, np.ndarray):
            raise Mismatch(f"{case}: the value for {name!r} should be a numpy array, got a {type(value).__name__}")
        if value.shape != (len(sizes), len(seeds)):
            raise Mismatch(f"{case}: the array for {name!r} has shape {value.shape}, but (len(sizes), len(seeds)) = "
                           f"{(len(sizes), len(seeds))} was expected")
        if value.dtype != np.float64:
            raise Mismatch(f"{case}: the array for {name!r} has dtype {value.dtype}, but float64 was expected")
        if not np.isfinite(value).all():
            raise Mismatch(f"{case}: the array for {name!r} holds nan or inf; every entry is a run's test accuracy")
    return got


def reference_run(params, frozen, data, n, seed, epochs=3, lr=0.1, batch_size=4):
    """One run as specified, here in the grader, with its own copy of the given class and fit_and_score."""
    x_train, y_train, x_test, y_test = (torch.from_numpy(a) for a in data)
    with torch.random.fork_rng():   # the classifier's own initialisation must not move the grader's generator
        m = BagClassifier(nn.EmbeddingBag.from_pretrained(torch.from_numpy(params["bag.weight"].copy()),
                                                          freeze=frozen, mode="mean", padding_idx=0))
    with torch.no_grad():
        m.linear.weight.copy_(torch.from_numpy(params["linear.weight"]))
        m.linear.bias.copy_(torch.from_numpy(params["linear.bias"]))
    subset = torch.as_tensor(np.random.default_rng(seed).permutation(len(x_train))[:n])
    with torch_threads(1):
        return fit_and_score(m, x_train[subset], y_train[subset], x_test, y_test, epochs, lr, batch_size, seed)


def check_curves(case, got, made, data, dev, sizes, seeds, **settings):
    """Every entry of every condition against the run the grader repeats; `made`: name -> (params, frozen)."""
    tolerance = 1e-9 if dev == "cpu" else 1.5 / len(data[2])
    for name, (params, frozen) in made.items():
        for k, n in enumerate(sizes):
            for s, seed in enumerate(seeds):
                expected = reference_run(params, frozen, data, n, seed, **settings)
                if not abs(got[name][k, s] - expected) <= tolerance:
                    raise Mismatch(f"{case}: entry [{k}, {s}] of {name!r} (size {n}, seed {seed}) is not the accuracy "
                                   "of the specified run: a deep copy of the template, trained and measured by the "
                                   "given fit_and_score(..., seed) on the first n indices of "
                                   "np.random.default_rng(seed).permutation(N) and on the test data; each run must "
                                   "not depend on the runs before it")


@points(1, task="compare")
def test_curves_shape(student, devices, rng):
    """learning_curves: one float64 array (len(sizes), len(seeds)) of test accuracies per condition; a tqdm bar over the runs only with progress=True"""
    for dev in devices:
        data = (*polar_data(rng, 16), *polar_data(rng, 10))
        made = {"a": template(student, 12, 3, dev, rng), "b": template(student, 12, 3, dev, rng, frozen=True)}
        case = f"learning_curves with 2 conditions, sizes [4, 8, 16], seeds [0, 1] on {dev}"
        for progress in (False, True):
            got = call_curves(student, case, {k: m for k, (m, _) in made.items()}, data, dev, [4, 8, 16], [0, 1],
                              progress=progress)
            check_curves(case, got, {"a": (made["a"][1], False), "b": (made["b"][1], True)}, data, dev,
                         [4, 8, 16], [0, 1])
            # The printed text is the worker's report (forgeable); it only adds a condition to right curves.
            printed = student.last_output
            if not progress and printed.strip():
                raise Mismatch(f"{case}, progress=False: learning_curves printed something; without progress "
                               "it prints nothing")
            if progress and "12/12" not in printed:
                raise Mismatch(f"{case}, progress=True: no tqdm bar over the 12 runs (total=12) reached 12/12")


@points(3, task="compare")
def test_curves_match_reference_runs(student, devices, rng):
    """learning_curves: every entry is its own run (fresh copy, seeded subset, fit_and_score with its seed), repeated by the grader"""
    for dev in devices:
        data = (*polar_data(rng, 30), *polar_data(rng, 41))
        made = {"trainable": template(student, 12, 3, dev, rng, label="trainable template"),
                "frozen": template(student, 12, 3, dev, rng, frozen=True, label="frozen template")}
        sizes, seeds = [6, 30, 13], [0, 5]
        case = f"learning_curves with conditions trainable and frozen, sizes {sizes}, seeds {seeds} on {dev}"
        got = call_curves(student, case, {k: m for k, (m, _) in made.items()}, data, dev, sizes, seeds)
        check_curves(case, got, {k: (params, k == "frozen") for k, (_, params) in made.items()}, data, dev, sizes,
                     seeds)


@points(1, task="compare")
def test_curves_templates_unchanged(student, devices, rng):
    """learning_curves: never trains the templates themselves (a second call with the same templates gives the same right curves)"""
    for dev in devices:
        data = (*polar_data(rng, 12), *polar_data(rng, 8))
        m, params = template(student, 12, 3, dev, rng)
        for call in (1, 2):
            case = f"learning_curves with sizes [6, 12], seeds [0, 1] on {dev}, call {call} with the same template"
            got = call_curves(student, case, {"only": m}, data, dev, [6, 12], [0, 1])
            check_curves(case, got, {"only": (params, False)}, data, dev, [6, 12], [0, 1])
        for path, value in params.items():
            if not np.array_equal(param(m, path, "the template").array, value):
                raise Mismatch(f"learning_curves on {dev}: the template's {path} changed; train a "
                               "copy.deepcopy(template) in every run")


def mostly_flipped(rng, n_flipped, n_kept):
    """Test texts, most of them with the opposite rule's labels: a model trained on the training data gets
    about n_kept / (n_flipped + n_kept) of them right, never all wrong (so 0 is never the right answer)."""
    x1, y1 = polar_data(rng, n_flipped, flip=True)
    x2, y2 = polar_data(rng, n_kept)
    order = rng.permutation(n_flipped + n_kept)
    return np.concatenate([x1, x2])[order], np.concatenate([y1, y2])[order]


@points(1, task="compare")
def test_curves_measured_on_test_data(student, devices, rng):
    """learning_curves: trains on the training subset only and measures on the test data (most test labels flipped here)"""
    for dev in devices:
        # Most test texts follow the opposite rule: a model trained on the training data gets about a quarter of
        # them right; training on the test data, or measuring on the training data, gets most of them right.
        data = (*polar_data(rng, 24), *mostly_flipped(rng, 30, 10))
        m, params = template(student, 12, 4, dev, rng)
        case = f"learning_curves on 24 training texts and 40 test texts, 30 with the opposite labels, on {dev}"
        settings = dict(epochs=10, lr=0.2)
        got = call_curves(student, case, {"only": m}, data, dev, [3, 24], [0, 1, 2], **settings)
        # Trained on all 24 training texts, a model gets about a quarter right (the small subsets vary more).
        if got["only"][1].max() > 0.5:
            raise Mismatch(f"{case}: the accuracies are too high for a model trained on the training subset and "
                           "measured on these test texts; train on x_train[subset] only and measure on x_test, y_test")
        check_curves(case, got, {"only": (params, False)}, data, dev, [3, 24], [0, 1, 2], **settings)


@points(1, task="compare")
def test_curves_sizes_checked(student, rng):
    """learning_curves: sizes 1 to N are runs; a size below 1 or above the number of training examples raises ValueError"""
    data = (*polar_data(rng, 10), *polar_data(rng, 6))
    m, params = template(student, 12, 3, "cpu", rng)
    x_train, y_train, x_test, y_test = data
    case = "learning_curves with sizes [1, 10] and 10 training examples"
    got = call_curves(student, case, {"only": m}, data, "cpu", [1, 10], [0], epochs=2)
    check_curves(case, got, {"only": (params, False)}, data, "cpu", [1, 10], [0], epochs=2)
    for sizes in ([4, 11], [0, 5]):
        case = f"learning_curves with sizes {sizes} and 10 training examples"
        expect_error(lambda: student.call("learning_curves", {"only": m}, tensor(x_train), tensor(y_train),
                                          tensor(x_test), tensor(y_test), sizes, [0], 2, 0.1, 4), case, "ValueError")


def reference_summary(acc):
    mean = acc.mean(axis=1)
    std = acc.std(axis=1, ddof=1) if acc.shape[1] > 1 else np.zeros_like(mean)
    return mean, std


def check_summary(student, case, acc):
    got = named(case, student.call, "summarise", acc)
    if not isinstance(got, tuple) or len(got) != 2:
        raise Mismatch(f"{case}: expected a tuple (mean, std), got a {type(got).__name__}")
    for what, value, exp in zip(("mean", "std"), got, reference_summary(acc)):
        check_array(value, exp, f"{case}: the {what}", dtype="float64", rtol=1e-9, atol=1e-12)


@points(1, task="compare")
def test_summarise(student, rng):
    """summarise: the mean and the sample standard deviation (ddof=1) over the seeds, one value per size"""
    for shape in ((5, 3), (4, 4), (2, 5), (3, 2)):
        acc = rng.uniform(0.5, 0.9, shape)
        check_summary(student, f"summarise on accuracies of shape {shape} (sizes, seeds)", acc)


@points(1, task="compare")
def test_summarise_one_seed(student, rng):
    """summarise: with a single seed the std is 0 (not NaN)"""
    check_summary(student, "summarise on accuracies of shape (4, 1)", rng.uniform(0.5, 0.9, (4, 1)))


# ---------------------------------------------------------------- questions
# The key lives here only: the notebook's answer cell is stripped on release. `why` is what a
# learner reads once the answers are released.

QUESTIONS = {
    1: Choice("c", '`from_pretrained` does not copy. Give each model its own `matrix.clone()`, or the next model starts from a table the previous one trained.', ask='`base = glove.clone()` and `layer = nn.Embedding.from_pretrained(base, freeze=False)`. ...'),
    2: Choice("b", 'At the start the classifier is random and its gradients large and arbitrary; once it makes sense of the vectors, fine-tuning adjusts them instead of overwriting them.', ask='A classic recipe first trains the classifier on frozen pretrained vectors and unfreezes...'),
    3: Number(1_000_000, "One row per vocabulary index, in the vocabulary's order: 20,000 × 50 = 1,000,000. GloVe's other words are not part of the layer.", ask='A task vocabulary has 20,000 indices (`<pad>` and `<unk>` included) and GloVe holds 400...'),
    4: Choice("a", 'A zero row is a legitimate, trainable row; the point is what it does to the model at the start.', ask="Why does the chapter give the words GloVe lacks a random vector at GloVe's scale rather..."),
    5: Choice("d", 'GloVe, like word2vec, places words by the company they keep; *a good film* and *a bad film* are the same company. Fine-tuning on sentiment pulls them apart.', ask='Before any fine-tuning, how do the GloVe vectors of *good* and *bad* relate'),
    6: Choice("c", "A matched control changes one thing only. Part of what a comparison with a N(0, 1) table would credit to pretraining is the table's scale and width.", ask='Why does the chapter compare pretrained vectors with a random table drawn at their scal...'),
    7: Number(4001, '16,002 rows: 12,000 copied from GloVe, `<pad>` zero, and the rest random: the 4,000 words GloVe lacks and `<unk>`, 4,001.', ask='A vocabulary holds 16,000 words plus `<pad>` and `<unk>`; GloVe has vectors for 12,000 ...'),
    8: Choice("a", "A word outside the vocabulary becomes `<unk>`, whatever GloVe holds; to use its vector, build the vocabulary from the pretrained words too (the chapter's last experiment).", ask='The vocabulary is built from the training text only. A test sentence contains *himalaya...'),
}


globals().update(question_tests(6, QUESTIONS))
