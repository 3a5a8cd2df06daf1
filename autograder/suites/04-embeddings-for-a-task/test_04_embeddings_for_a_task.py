"""Hidden tests for exercise 04-embeddings-for-a-task.

Every expected value is computed here: logits, losses, gradients and parameter
updates of the architecture the exercise specifies (embedding, mean over the
non-padding tokens, linear layer) and of the notebook's given BagOfWords baseline,
with numpy and the grader's own torch, from weights the grader sets in the
submission's modules. Accuracies are computed here from the logits the worker
returns, never taken from the submission.

Each task is graded apart from the others: the SentimentModel tests train the
submission's model with the grader's own loop (the notebook's Adam, driven call by
call from here), and the train_epoch, evaluate and train tests use the given
BagOfWords module, so a bug in one task costs points only in that task.

The real data come from embedding_course/coursedata.py (the same fixed split as the chapter);
the grader reads its cache and never downloads anything.

What the worker reports about its own objects (is_parameter, requires_grad, a
dtype name, a module's training flag) comes from the sandbox, which the
submission can patch: such facts only give clearer messages, and points rest on
values. Parameters are proven by an optimiser step over parameters(), gradient
flow by gradient values, an unchanged model by its parameters and preset
gradients read back AND a right result. A training test needs training to have
happened: the train tests compare the submission's run with the same run driven
from here (seeded through the notebook's own torch, one Adam, the notebook's
train_epoch and evaluate), which also keeps train_epoch's and evaluate's bugs out
of train's points, and with the start.
"""
import time

import numpy as np
import torch

from autograder.harness import (Choice, Number, question_tests, load_once, named, Mismatch, StudentRaised,
                                TensorData, check_tensor, points, tensor)
from autograder.student import Remote

MAXLEN = 50

# The training run of test_model_learns: embedding_dim 16, Adam with lr 0.1, batches of 1,024,
# 3 epochs over the 8,454 training sentences (27 steps), starting from weights set here.
# Measured with the solution's model on CPU: 77.7 % held-out accuracy with LEARN_SEED (77.0-77.9 %
# with seeds 0-2); with the table frozen by mistake, 52-55 %. The threshold leaves 7 points of margin.
LEARN_DIM, LEARN_LR, LEARN_BATCH, LEARN_EPOCHS, LEARN_SEED = 16, 0.1, 1024, 3, 2024
LEARN_THRESHOLD = 0.70
LEARN_BUDGET = 90.0    # seconds per device for the whole run (the solution needs 1-3 s)

# ---------------------------------------------------------------- helpers


def as_float(value, case, what):
    """A Python float (or numpy floating scalar) returned by the submission, as a float."""
    if isinstance(value, TensorData):
        raise Mismatch(f"{case}: {what} is a torch tensor; return a Python float (use .item())")
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (float, np.floating)):
        raise Mismatch(f"{case}: {what} should be a Python float, got a {type(value).__name__}")
    value = float(value)
    if not np.isfinite(value):
        raise Mismatch(f"{case}: {what} is {value}")
    return value


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def bce(z, y):
    """Mean binary cross-entropy with logits, in float64."""
    z = z.astype(np.float64)
    return float(np.mean(np.logaddexp(0.0, z) - y * z))


def padded(rng, n, seq_len, vocab, pad=0, min_len=1, where="pre"):
    """n rows of random token ids in 1..vocab-1 (never `pad`), with random lengths, padded with `pad`."""
    x = np.full((n, seq_len), pad, np.int64)
    for i in range(n):
        length = int(rng.integers(min_len, seq_len + 1))
        ids = rng.integers(1, vocab, size=length)
        ids[ids == pad] = (pad + 1) % vocab or 1
        if where == "pre":
            x[i, seq_len - length:] = ids
        else:
            x[i, :length] = ids
    return x


# ---------------------------------------------------------------- SentimentModel reference


def model_weights(rng, v, d, pad=0):
    W = rng.standard_normal((v, d)).astype(np.float32)
    W[pad] = 0.0
    A = (rng.uniform(-1, 1, (1, d)) / np.sqrt(d)).astype(np.float32)
    b = rng.uniform(-0.5, 0.5, 1).astype(np.float32)
    return W, A, b


def reference_logits(W, A, b, x, pad=0):
    """The specified forward pass, in float64: mean over non-padding tokens, then linear."""
    real = (x != pad)[..., None]
    pooled = (W.astype(np.float64)[x] * real).sum(1) / np.maximum(real.sum(1), 1)
    return pooled @ A[0].astype(np.float64) + float(b[0])


def reference_gradients(W, A, b, x, pad=0):
    """Gradients of reference_logits(...).sum() with respect to W, A and b (float64 autograd)."""
    Wt = torch.tensor(W, dtype=torch.float64, requires_grad=True)
    At = torch.tensor(A, dtype=torch.float64, requires_grad=True)
    bt = torch.tensor(b, dtype=torch.float64, requires_grad=True)
    xt = torch.from_numpy(x)
    real = (xt != pad).unsqueeze(-1).double()
    pooled = (Wt[xt] * real).sum(1) / real.sum(1).clamp(min=1)
    (pooled @ At[0] + bt[0]).sum().backward()
    gW = Wt.grad.numpy().copy()
    gW[pad] = 0.0   # padding_idx: the padding row never gets a gradient
    return gW, At.grad.numpy(), bt.grad.numpy()


def sentiment_model(student, v, d, dev, weights=None, pad=None):
    """A new SentimentModel(v, d[, padding_idx=pad]) in the worker, on `dev`, with the grader's weights if given."""
    what = f"SentimentModel({v}, {d}" + (f", padding_idx={pad})" if pad is not None else ")")
    m = named(what, student.new, "SentimentModel", v, d, **({} if pad is None else {"padding_idx": pad}))
    named(f"{what}.to('{dev}')", m.call, "to", dev)
    if weights is not None:
        W, A, b = weights
        for path, value in (("embedding.weight", W), ("linear.weight", A), ("linear.bias", b)):
            named(f"setting {what}.{path} (shape {value.shape})", m.set, path, tensor(value, dev))
    return m


def model_logits(student, m, x, dev, case):
    got = named(case, m.call, "forward", tensor(x, dev))
    if not isinstance(got, TensorData):
        raise Mismatch(f"{case}: forward should return a torch tensor of logits, got a {type(got).__name__}")
    if got.shape != (x.shape[0],):
        raise Mismatch(f"{case}: forward returned shape {got.shape}; the logits of a batch of {x.shape[0]} "
                       f"should have shape ({x.shape[0]},) (squeeze the linear layer's last axis)")
    return got


# ---------------------------------------------------------------- BagOfWords (given in the notebook)


def bag(student, v, dev, scores=None, bias=0.0):
    """The notebook's BagOfWords(v) on `dev`, with the grader's scores (row 0, the padding row, stays 0)."""
    m = named(f"BagOfWords({v})", student.new, "BagOfWords", v)
    named(f"BagOfWords({v}).to('{dev}')", m.call, "to", dev)
    if scores is not None:
        s = np.asarray(scores, np.float32).copy()
        s[0] = 0.0
        named("setting BagOfWords.scores.weight", m.set, "scores.weight", tensor(s[:, None], dev))
        named("setting BagOfWords.bias", m.set, "bias", tensor(np.array([bias], np.float32), dev))
    return m


def bag_logits(scores, bias, x):
    s = np.asarray(scores, np.float64).copy()
    s[0] = 0.0
    return s[x].sum(1) + bias


def bag_gradients(scores, bias, x, y):
    """Gradients of the mean BCE of BagOfWords with respect to its scores and bias (float64)."""
    s = np.asarray(scores, np.float64).copy()
    s[0] = 0.0
    dz = (sigmoid(s[x].sum(1) + bias) - y) / len(y)
    g = np.zeros_like(s)
    np.add.at(g, x.reshape(-1), np.repeat(dz, x.shape[1]))
    g[0] = 0.0
    return g, float(dz.sum())


def bag_state(m):
    s = m.attr("scores.weight")
    b = m.attr("bias")
    return s.array[:, 0].astype(np.float64), float(b.array[0])


def sgd(student, m, lr, label):
    return named(f"SGD(...parameters(), lr={lr}) for {label}", student.new, "SGD",
                 m.call("parameters", keep=True), lr=lr)


def notebook_module(student, name, what):
    """The module `name` (torch, sys, io) as the notebook imported it in its setup cell, reached
    through the setup cell's BagOfWords class; it stays in the worker."""
    namespace = named(what, Remote(student, "BagOfWords", "BagOfWords").attr, "__init__.__globals__", keep=True)
    return named(what, namespace.call, "__getitem__", name, keep=True)


def seed_notebook_torch(student, seed):
    """torch.manual_seed(seed) in the worker, on the notebook's own torch module, so that the
    grader knows the next torch.randperm."""
    what = f"torch.manual_seed({seed}) in the notebook"
    named(what, notebook_module(student, "torch", what).call, "manual_seed", seed, keep=True)


def printed_by(student, call):
    """call() with the notebook's sys.stdout and sys.stderr (where tqdm writes) sent to an
    io.StringIO made in the worker: returns (call's result, what was written)."""
    what = "catching what the notebook prints"
    sys_module = notebook_module(student, "sys", what)
    sink = named(what, notebook_module(student, "io", what).call, "StringIO", keep=True)
    saved = {name: sys_module.attr(name, keep=True) for name in ("stdout", "stderr")}
    for name in saved:
        named(what, sys_module.set, name, sink)
    try:
        result = call()
    finally:
        for name, stream in saved.items():
            named(what, sys_module.set, name, stream)
    text = named(what, sink.call, "getvalue")
    return result, text if isinstance(text, str) else ""


def randperm(seed, n, draws=1):
    """The `draws`-th torch.randperm(n) after torch.manual_seed(seed) (the CPU generator), computed here."""
    generator = torch.Generator().manual_seed(seed)
    for _ in range(draws):
        order = torch.randperm(n, generator=generator)
    return order.numpy()


def sgd_epoch(scores, bias, x, y, lr, batch_size, order):
    """BagOfWords's parameters after one epoch of SGD over the batches of `order` (float64)."""
    s, b = np.asarray(scores, np.float64).copy(), float(bias)
    s[0] = 0.0
    for start in range(0, len(order), batch_size):
        batch = order[start:start + batch_size]
        gs, gb = bag_gradients(s, b, x[batch], y[batch])
        s, b = s - lr * gs, b - lr * gb
    return s, b


# ---------------------------------------------------------------- the real data


@load_once
def sentiment_data():
    """(x_train, y_train, x_test, y_test, V): the chapter's split, vocabulary from the training sentences."""
    import re
    from collections import Counter

    from embedding_course import coursedata
    try:
        train_rows, test_rows = coursedata.sentiment_split()
    except coursedata.DataError as e:
        raise Mismatch(f"the grader could not load its data set, so this test could not run; tell your "
                       f"instructor ({e})") from None

    def tokenize(text):
        return re.findall(r"[a-z0-9']+", text.lower())

    counts = Counter(tok for s, _ in train_rows for tok in tokenize(s))
    index = {w: i for i, (w, _) in enumerate(counts.most_common(), start=1)}
    unk = len(index) + 1

    def encode(rows):
        x = np.zeros((len(rows), MAXLEN), np.int64)
        for r, (s, _) in enumerate(rows):
            ids = [index.get(t, unk) for t in tokenize(s)][-MAXLEN:]
            if ids:
                x[r, MAXLEN - len(ids):] = ids
        return x, np.array([label for _, label in rows], np.float32)

    return (*encode(train_rows), *encode(test_rows), unk + 1)


# ================================================================ Task 1: SentimentModel


@points(1, task="model")
def test_model_layers(student, rng):
    """SentimentModel: an nn.Embedding table of shape (vocab_size, embedding_dim) and a linear layer to one output"""
    lr = 0.5   # a power of two: w - lr * g is rounded once, the same in any float32 arithmetic
    for v, d in [(23, 6), (5, 1), (300, 32)]:
        case = f"SentimentModel({v}, {d})"
        m = named(case, student.new, "SentimentModel", v, d)
        shapes = {"embedding.weight": (v, d), "linear.weight": (1, d), "linear.bias": (1,)}
        for path, shape in shapes.items():
            try:
                w = m.attr(path)
            except StudentRaised as e:
                raise Mismatch(f"{case}: reading .{path} raised {e.type}; the layers must be the attributes "
                               "`embedding` (nn.Embedding) and `linear` (nn.Linear)") from None
            if not isinstance(w, TensorData):
                raise Mismatch(f"{case}: .{path} should be a parameter (a torch.nn.Parameter)")
            if w.shape != shape:
                hint = " (the table needs one row per index 0 .. vocab_size-1)" if path == "embedding.weight" else ""
                raise Mismatch(f"{case}: .{path} has shape {w.shape}, but {shape} was expected{hint}")
            # The worker's word, for a clearer message; the SGD step below is the proof.
            if not w.is_parameter:
                raise Mismatch(f"{case}: .{path} should be a parameter (a torch.nn.Parameter)")
            if w.dtype != "float32":
                raise Mismatch(f"{case}: .{path} has dtype {w.dtype}, but float32 was expected")
        # Values and gradients chosen here, one SGD step over model.parameters(): each of the three
        # tensors must move by -lr * its gradient, so each is a float32 parameter the model registers.
        expected = {}
        for path, shape in shapes.items():
            w0, g = (rng.standard_normal(shape).astype(np.float32) for _ in range(2))
            named(f"setting {case}.{path}", m.set, path, tensor(w0))
            named(f"setting {case}.{path}.grad", m.set, f"{path}.grad", tensor(g))
            expected[path] = w0 - np.float32(lr) * g
        named(f"SGD(model.parameters(), lr={lr}).step() on {case}", sgd(student, m, lr, case).call, "step")
        for path, exp in expected.items():
            got = m.attr(path)
            if not isinstance(got, TensorData) or got.shape != exp.shape or not np.array_equal(got.array, exp):
                raise Mismatch(f"{case}: one SGD step over model.parameters() did not move .{path} by -lr times "
                               "its gradient: it should be a float32 parameter of the model (nn.Embedding, "
                               "nn.Linear)")
        # The worker's word (no value shows a parameter that nothing uses).
        n = named(case, m.call("state_dict", keep=True).call, "__len__")
        if n != 3:
            raise Mismatch(f"{case} has {n} entries in its state_dict; expected exactly 3 (the embedding table, "
                           "the linear layer's weight and bias)")


@points(1, task="model")
def test_model_padding_row(student, rng):
    """SentimentModel: the padding row (padding_idx, 0 by default) is zero and gets no gradient"""
    for pad in (None, 2):
        p = 0 if pad is None else pad
        case = f"SentimentModel(12, 4{'' if pad is None else f', padding_idx={pad}'})"
        m = sentiment_model(student, 12, 4, "cpu", pad=pad)
        # The worker's word, for a clearer message; the zero row and the gradients below are values.
        got = named(case, m.attr, "embedding.padding_idx")
        if got != p:
            raise Mismatch(f"{case}: embedding.padding_idx is {got!r}, but {p} was expected: "
                           "pass padding_idx to nn.Embedding")
        w = m.attr("embedding.weight")
        if not isinstance(w, TensorData) or w.shape != (12, 4) or np.any(w.array[p] != 0):
            raise Mismatch(f"{case}: row {p} of the embedding table, the padding row, is not zero")
        weights = model_weights(rng, 12, 4, p)
        m = sentiment_model(student, 12, 4, "cpu", weights, pad=pad)
        x = padded(rng, 6, 9, 12, pad=p)
        x[0, :3] = [1, 11, 11]
        out = named(f"{case}.forward(x)", m.call, "forward", tensor(x), keep=True)
        named(f"{case}: forward(x).sum().backward()", out.call("sum", keep=True).call, "backward")
        grad = m.attr("embedding.weight.grad")
        if not isinstance(grad, TensorData):
            raise Mismatch(f"{case}: after forward(x).sum().backward() the embedding table has no gradient")
        if grad.shape == (12, 4) and np.any(grad.array[p] != 0):
            raise Mismatch(f"{case}: after forward(x).sum().backward() the padding row {p} has a non-zero "
                           "gradient, so training would move it")
        check_tensor(grad, reference_gradients(*weights, x, p)[0], f"embedding.weight.grad after {case}.forward(x)"
                     ".sum().backward()", device="cpu", dtype="float32", rtol=1e-4, atol=1e-5)


@points(2, task="model")
def test_model_forward(student, devices, rng):
    """SentimentModel: forward gives the linear layer applied to the mean of the real tokens' vectors, on each device"""
    for dev in devices:
        cases = [("a batch of 6 'pre'-padded texts of length 9", 15, 5, None, padded(rng, 6, 9, 15)),
                 ("a batch of 5 'post'-padded texts of length 7", 15, 5, None, padded(rng, 5, 7, 15, where="post")),
                 ("one text of one token", 4, 3, None, np.array([[3]])),
                 ("a batch of 4 texts of length 50, vocabulary 200", 200, 16, None, padded(rng, 4, 50, 200)),
                 ("a batch of 4 texts with padding_idx=2", 9, 3, 2, padded(rng, 4, 8, 9, pad=2)),
                 ("an empty batch of shape (0, 5)", 6, 2, None, np.zeros((0, 5), np.int64))]
        for what, v, d, pad, x in cases:
            if x.size:
                x.reshape(-1)[-1] = v - 1 if v - 1 != (pad or 0) else 1   # the largest index occurs
            weights = model_weights(rng, v, d, pad or 0)
            case = f"{what} on {dev}"
            m = sentiment_model(student, v, d, dev, weights, pad)
            got = model_logits(student, m, x, dev, case)
            check_tensor(got, reference_logits(*weights, x, pad or 0), case, device=dev, dtype="float32",
                         rtol=1e-5, atol=1e-5)


@points(2, task="model")
def test_model_padding_invariance(student, devices, rng):
    """SentimentModel: more padding, in front of the text or behind it, leaves the logits unchanged"""
    for dev in devices:
        weights = model_weights(rng, 30, 8)
        m = sentiment_model(student, 30, 8, dev, weights)
        x = padded(rng, 7, 6, 30)
        case = f"forward on 7 texts of length 6 on {dev}"
        base = model_logits(student, m, x, dev, case)
        # Equal logits prove nothing unless they are right (a constant forward is padding-invariant).
        check_tensor(base, reference_logits(*weights, x), case, device=dev, dtype="float32", rtol=1e-5, atol=1e-5)
        variants = [("10 more padding tokens in front", np.pad(x, ((0, 0), (10, 0)))),
                    ("10 padding tokens at the end", np.pad(x, ((0, 0), (0, 10)))),
                    ("44 more padding tokens in front (length 50)", np.pad(x, ((0, 0), (44, 0))))]
        for what, xv in variants:
            case = f"the same 7 texts with {what} on {dev}"
            got = model_logits(student, m, xv, dev, case)
            if not np.allclose(got.array, base.array, rtol=1e-5, atol=1e-5):
                raise Mismatch(f"{case}: the logits changed; the mean must run over the real (non-padding) "
                               "tokens only, whatever the padded length")


@points(1, task="model")
def test_model_all_padding(student, devices, rng):
    """SentimentModel: a text made only of padding gets a finite logit, the linear layer's bias"""
    for dev in devices:
        weights = model_weights(rng, 10, 4)
        m = sentiment_model(student, 10, 4, dev, weights)
        x = np.array([[0, 0, 0, 0], [0, 0, 3, 7], [0, 0, 0, 0], [5, 0, 0, 9]])
        case = f"a batch with two texts of only padding on {dev}"
        got = model_logits(student, m, x, dev, case)
        if not np.isfinite(got.array).all():
            raise Mismatch(f"{case}: the logits contain NaN or infinity: a text without real tokens has nothing "
                           "to average; divide by max(count, 1) so its pooled vector is zero")
        check_tensor(got, reference_logits(*weights, x), case, device=dev, dtype="float32", rtol=1e-5, atol=1e-5)


@points(2, task="model")
def test_model_gradient(student, devices, rng):
    """SentimentModel: backward reaches the embedding table (the rows used, not the padding row) and the linear layer"""
    for dev in devices:
        v, d = 11, 4
        weights = model_weights(rng, v, d)
        x = padded(rng, 5, 7, v)
        x[0, -2:] = [10, 10]
        case = f"forward(x).sum().backward() on {dev}"
        m = sentiment_model(student, v, d, dev, weights)
        out = named(case, m.call, "forward", tensor(x, dev), keep=True)
        named(case, out.call("sum", keep=True).call, "backward")
        expected = reference_gradients(*weights, x)
        for path, exp in zip(("embedding.weight", "linear.weight", "linear.bias"), expected):
            grad = m.attr(f"{path}.grad")
            if grad is None:
                raise Mismatch(f"{case}: {path}.grad is None afterwards: no gradient reached it (is it frozen, "
                               "requires_grad=False, or detached?)")
            check_tensor(grad, exp, f"{path}.grad after {case}", device=dev, dtype="float32", rtol=1e-4, atol=1e-5)


@points(3, task="model")
def test_model_learns(student, devices):
    """SentimentModel: trained with Adam by the grader on the real training sentences, it reaches 70% held-out accuracy"""
    x_train, y_train, x_test, y_test, V = sentiment_data()
    for dev in devices:
        rng = np.random.default_rng(LEARN_SEED)
        weights = model_weights(rng, V, LEARN_DIM)
        what = f"training SentimentModel({V}, {LEARN_DIM}) with Adam on {dev}"
        m = sentiment_model(student, V, LEARN_DIM, dev, weights)
        opt = named(what, student.new, "Adam", m.call("parameters", keep=True), lr=LEARN_LR)
        started = time.perf_counter()
        with student.time_limit(20):
            for _epoch in range(LEARN_EPOCHS):
                order = rng.permutation(len(x_train))
                for start in range(0, len(order), LEARN_BATCH):
                    batch = order[start:start + LEARN_BATCH]
                    yb = y_train[batch]
                    named(what, opt.call, "zero_grad")
                    z = named(what, m.call, "forward", tensor(x_train[batch], dev), keep=True)
                    zv = z.value()
                    if not isinstance(zv, TensorData) or zv.shape != (len(batch),):
                        raise Mismatch(f"{what}: forward on a batch of {len(batch)} did not return logits of shape "
                                       f"({len(batch)},)")
                    # d(mean BCE)/d(logits), computed here and sent back for backward()
                    dz = ((sigmoid(zv.array.astype(np.float64)) - yb) / len(batch)).astype(np.float32)
                    named(what, z.call, "backward", tensor(dz, dev))
                    named(what, opt.call, "step")
                    if time.perf_counter() - started > LEARN_BUDGET:
                        raise Mismatch(f"{what}: {LEARN_EPOCHS} epochs took more than {LEARN_BUDGET:.0f} s "
                                       "(the reference needs a few seconds); is forward vectorised?")
            logits = model_logits(student, m, x_test, dev, f"forward on the {len(x_test)} test sentences on {dev}")
        if not np.isfinite(logits.array).all():
            raise Mismatch(f"{what}: the logits on the test sentences contain NaN or infinity")
        accuracy = float(np.mean((logits.array > 0) == (y_test > 0.5)))
        if accuracy < LEARN_THRESHOLD:
            raise Mismatch(f"{what}: after {LEARN_EPOCHS} epochs the held-out accuracy is {accuracy:.1%}, below "
                           f"{LEARN_THRESHOLD:.0%} (computed by the grader from your model's logits)")
        table = m.attr("embedding.weight").array
        if not np.isfinite(table).all():
            raise Mismatch(f"{what}: the embedding table holds NaN or infinite values after training")
        if np.any(table[0] != 0):
            raise Mismatch(f"{what}: the padding row of the embedding table changed during training")
        if np.allclose(table, weights[0]):
            raise Mismatch(f"{what}: the embedding table did not change during training")
        if np.any(table[V - 1] != weights[0][V - 1]):
            # <unk> never occurs in the training sentences: its row gets no gradient, and Adam moves
            # a row only after it has had one.
            raise Mismatch(f"{what}: the row of an index that never occurs in the training data changed; "
                           "only rows that are looked up may get a gradient")


# ================================================================ Task 2: train_epoch


@points(2, task="train_epoch")
def test_train_epoch_mean_loss(student, devices, rng):
    """train_epoch: with lr = 0 it returns the mean loss over all n examples (small last batch included)"""
    for dev in devices:
        v = 9
        scores = rng.uniform(-1, 1, v)
        x, y = padded(rng, 10, 6, v), rng.integers(0, 2, 10).astype(np.float32)
        expected = bce(bag_logits(scores, 0.2, x), y)
        for batch_size in (3, 4, 10, 16):
            case = f"train_epoch with SGD(lr=0) on 10 examples, batch_size={batch_size}, on {dev}"
            m = bag(student, v, dev, scores, 0.2)
            opt = sgd(student, m, 0.0, "BagOfWords")
            got = named(case, student.call, "train_epoch", m, opt, tensor(x, dev), tensor(y, dev), batch_size)
            got = as_float(got, case, "the returned loss")
            if abs(got - expected) > 1e-5 * max(1.0, abs(expected)):
                raise Mismatch(f"{case}: returned {got:.6f}, which is not the mean loss over the 10 examples "
                               "(weight each batch's mean loss by its size; use every example once)")


@points(2, task="train_epoch")
def test_train_epoch_resets_gradients(student, devices):
    """train_epoch: gradients are reset before every batch (checked with SGD on 7 equal examples, batches of 3)"""
    row = np.array([0, 0, 1, 2, 2, 3], np.int64)
    for dev in devices:
        for label in (1.0, 0.0):
            n, batch_size, lr, v = 7, 3, 0.5, 5
            scores, bias = np.array([0.0, 0.3, -0.2, 0.1, 0.7]), -0.1
            x, y = np.tile(row, (n, 1)), np.full(n, label, np.float32)
            # All examples are equal, so any order gives the same batches: 3 SGD steps (3 + 3 + 1 examples).
            s, b = scores.copy(), bias
            for _ in range(-(-n // batch_size)):
                gs, gb = bag_gradients(s, b, row[None], np.array([label]))
                s, b = s - lr * gs, b - lr * gb
            case = f"train_epoch with SGD(lr={lr}), 7 equal examples of label {label:g}, batch_size=3, on {dev}"
            m = bag(student, v, dev, scores, bias)
            named(case, student.call, "train_epoch", m, sgd(student, m, lr, "BagOfWords"), tensor(x, dev),
                  tensor(y, dev), batch_size)
            got_s, got_b = bag_state(m)
            if not (np.allclose(got_s, s, rtol=1e-4, atol=1e-5) and abs(got_b - b) <= 1e-4 + 1e-4 * abs(b)):
                raise Mismatch(f"{case}: the parameters after the epoch are not those of 3 SGD steps with fresh "
                               "gradients; call optimizer.zero_grad() before each backward(), and take one step "
                               "per batch (the last, smaller batch included)")


@points(1, task="train_epoch")
def test_train_epoch_shuffles(student, devices, rng):
    """train_epoch: the examples are visited in a new random order (torch.randperm from torch's global generator) at each call"""
    # Seeded here through the notebook's torch: each call's order is the torch.randperm(n) the grader
    # computes too, so each call must end where SGD over that order's batches ends (two calls with
    # different seeds differ), not merely somewhere else than the other call.
    for dev in devices:
        v, n, batch_size, lr = 13, 12, 3, 0.5
        scores = rng.uniform(-0.5, 0.5, v)
        x = padded(rng, n, 5, v)
        y = np.array([0.0] * 6 + [1.0] * 6, np.float32)
        for run, seed in enumerate((11, 12)):
            case = f"train_epoch with SGD(lr={lr}), {n} examples, batch_size={batch_size}, call {run + 1} on {dev}"
            m = bag(student, v, dev, scores, 0.0)
            opt = sgd(student, m, lr, "BagOfWords")
            seed_notebook_torch(student, seed)
            named(case, student.call, "train_epoch", m, opt, tensor(x, dev), tensor(y, dev), batch_size)
            s, b = sgd_epoch(scores, 0.0, x, y, lr, batch_size, randperm(seed, n))
            got_s, got_b = bag_state(m)
            if not (np.allclose(got_s, s, rtol=1e-4, atol=1e-5) and abs(got_b - b) <= 1e-4 + 1e-4 * abs(b)):
                unshuffled = sgd_epoch(scores, 0.0, x, y, lr, batch_size, np.arange(n))
                hint = (" (they are those of the examples in their given order)"
                        if np.allclose(got_s, unshuffled[0], rtol=1e-4, atol=1e-5) else "")
                raise Mismatch(f"{case}: the parameters after the epoch are not those of SGD over the batches of "
                               f"torch.randperm(n){hint}; draw order = torch.randperm(n) from torch's global "
                               "generator, then take the batches order[i:i + batch_size]")


@points(1, task="train_epoch")
def test_train_epoch_training_mode(student, devices, rng):
    """train_epoch: puts the model in training mode"""
    for dev in devices:
        v = 6
        scores = rng.uniform(-1, 1, v)
        m = bag(student, v, dev, scores, 0.3)
        named("model.eval()", m.call, "eval")
        x, y = padded(rng, 4, 3, v), np.array([1, 0, 1, 0], np.float32)
        case = f"train_epoch with SGD(lr=0) on a model in evaluation mode on {dev}"
        got = named(case, student.call, "train_epoch", m, sgd(student, m, 0.0, "BagOfWords"), tensor(x, dev),
                    tensor(y, dev), 2)
        # The flag alone could be set without training; the epoch must also report the right loss.
        expected = bce(bag_logits(scores, 0.3, x), y)
        got = as_float(got, case, "the returned loss")
        if abs(got - expected) > 1e-5 * max(1.0, abs(expected)):
            raise Mismatch(f"{case}: returned {got:.6f}, which is not the mean loss over the 4 examples")
        # The flags are the worker's word: what model.train() sets, on the model and its layers.
        if m.attr("training") is not True or m.attr("scores.training") is not True:
            raise Mismatch(f"{case}: afterwards the model is still in evaluation mode; call model.train()")


# ================================================================ Task 3: evaluate


def evaluate_case(student, dev, rng, n, v):
    """A BagOfWords on `dev` whose logits spread over [-1, 1], many of them between -0.5 and 0.5,
    with n texts (fewer: ties at 0 are dropped), random labels, and the grader's accuracy."""
    scores = rng.uniform(-0.6, 0.6, v)
    x = padded(rng, n, 4, v)
    z = bag_logits(scores, 0.0, x)
    x, z = x[np.abs(z) > 1e-3], z[np.abs(z) > 1e-3]   # no ties at 0: every prediction is clear-cut
    y = rng.integers(0, 2, len(x)).astype(np.float32)
    return bag(student, v, dev, scores, 0.0), scores, x, y


def accuracy(scores, x, y):
    return float(np.mean((bag_logits(scores, 0.0, x) > 0) == (y > 0.5)))


def check_evaluate(student, case, m, x, y, dev, expected):
    got = as_float(named(case, student.call, "evaluate", m, tensor(x, dev), tensor(y, dev)), case, "the accuracy")
    if abs(got - expected) > 1e-6:
        raise Mismatch(f"{case}: returned {got:.4f}, which is not the fraction of correct predictions on the "
                       "data passed in (predict 1 where the logit is > 0)")


@points(2, task="evaluate")
def test_evaluate_accuracy(student, devices, rng):
    """evaluate: the accuracy (a float) of the predictions logit > 0, with many logits between -0.5 and 0.5, and some exactly 0"""
    for dev in devices:
        for n in (40, 1, 7):
            m, scores, x, y = evaluate_case(student, dev, rng, n, 12)
            check_evaluate(student, f"evaluate on {len(x)} examples on {dev}", m, x, y, dev, accuracy(scores, x, y))
        # A logit of exactly 0 (a text of only padding; two words whose scores cancel) is probability
        # 0.5 and predicted 0: the rule is logit > 0.
        scores = np.array([0.0, 0.25, -0.25, 0.5, -0.5, 0.75])
        x = np.array([[0, 0, 0], [0, 1, 2], [3, 4, 0], [0, 0, 5], [0, 2, 2], [1, 2, 0]])
        y = np.array([0, 1, 0, 1, 0, 0], np.float32)
        case = f"evaluate on 6 examples, 4 of them with a logit of exactly 0, on {dev}"
        check_evaluate(student, case, bag(student, 6, dev, scores, 0.0), x, y, dev, accuracy(scores, x, y))


@points(1, task="evaluate")
def test_evaluate_uses_given_data(student, devices, rng):
    """evaluate: scores exactly the x and y it is given (a slice, flipped labels, other texts)"""
    for dev in devices:
        m, scores, x, y = evaluate_case(student, dev, rng, 30, 10)
        other = padded(rng, 25, 4, 10)
        datasets = [(f"{len(x)} examples", x, y), ("their first 11", x[:11], y[:11]),
                    (f"the {len(x)} examples with flipped labels", x, 1 - y),
                    ("25 other texts", other, (bag_logits(scores, 0.0, other) < 0).astype(np.float32))]
        for what, xs, ys in datasets:
            check_evaluate(student, f"evaluate on {what} on {dev}", m, xs, ys, dev, accuracy(scores, xs, ys))


@points(1, task="evaluate")
def test_evaluate_eval_mode(student, devices, rng):
    """evaluate: leaves the model in evaluation mode"""
    for dev in devices:
        m, scores, x, y = evaluate_case(student, dev, rng, 10, 8)
        named("model.train()", m.call, "train")
        case = f"evaluate on a model in training mode on {dev}"
        # The flags alone could be set without evaluating; the accuracy must be right too.
        check_evaluate(student, case, m, x, y, dev, accuracy(scores, x, y))
        # The flags are the worker's word: what model.eval() sets, on the model and its layers.
        if m.attr("training") is not False or m.attr("scores.training") is not False:
            raise Mismatch(f"{case}: afterwards the model is in training mode; call model.eval()")


@points(1, task="evaluate")
def test_evaluate_leaves_model_unchanged(student, devices, rng):
    """evaluate: changes neither the parameters nor their gradients"""
    for dev in devices:
        m, scores, x, y = evaluate_case(student, dev, rng, 20, 8)
        # Gradients set here before the call must be there, unchanged, afterwards: a backward() adds to
        # them, zero_grad() clears them. (Reading them back is the worker's word; the accuracy must be
        # right too, so a function that does nothing does not pass.)
        preset = {"scores.weight.grad": rng.standard_normal((8, 1)).astype(np.float32),
                  "bias.grad": rng.standard_normal(1).astype(np.float32)}
        for path, value in preset.items():
            named(f"setting BagOfWords.{path}", m.set, path, tensor(value, dev))
        before = bag_state(m)
        case = f"evaluate on {dev}"
        check_evaluate(student, case, m, x, y, dev, accuracy(scores, x, y))
        after = bag_state(m)
        if not (np.array_equal(before[0], after[0]) and before[1] == after[1]):
            raise Mismatch(f"{case}: the model's parameters changed")
        for path, value in preset.items():
            got = m.attr(path)
            if not isinstance(got, TensorData) or got.shape != value.shape or not np.array_equal(got.array, value):
                raise Mismatch(f"{case}: {path} changed; evaluation must not compute or reset gradients "
                               "(no backward(), no zero_grad(), and use torch.no_grad())")


# ================================================================ Task 4: train


def train_data(rng, n_pos=5, n_neg=3, v=12):
    """Tokens 1-5 occur only in positive texts, 6-10 only in negative ones, 11 never: every used score
    gets a gradient of one sign at the start, the bias too (the classes are unbalanced)."""
    rows, labels = [], []
    for label, lo, count in ((1.0, 1, n_pos), (0.0, 6, n_neg)):
        for _ in range(count):
            rows.append(np.concatenate([[0], rng.integers(lo, lo + 5, 3)]))
            labels.append(label)
    x = np.array(rows, np.int64)
    x[0, 1:] = [1, 2, 3]
    x[n_pos, 1:] = [8, 9, 10]
    x[n_pos + 1, 1:] = [6, 7, 6]
    x[1, 1:] = [4, 5, 5]
    return x, np.array(labels, np.float32), v


def history_entry(value, case, what):
    """An entry of the history: what train_epoch and evaluate return. Their types are graded in those
    tasks, so a 0-d tensor is accepted here."""
    return as_float(value.array.item() if isinstance(value, TensorData) and value.array.size == 1 else value,
                    case, what)


def call_train(student, case, m, x, y, dev, **kwargs):
    history = named(case, student.call, "train", m, tensor(x, dev), tensor(y, dev), **kwargs)
    if not isinstance(history, dict) or set(history) != {"loss", "val_acc"}:
        raise Mismatch(f"{case}: train should return a dict with the keys 'loss' and 'val_acc', "
                       f"got {type(history).__name__}" + (f" with keys {sorted(map(str, history))}"
                                                           if isinstance(history, dict) else ""))
    for key in ("loss", "val_acc"):
        if not isinstance(history[key], list):
            raise Mismatch(f"{case}: history[{key!r}] should be a list, got a {type(history[key]).__name__}")
        history[key] = [history_entry(v, case, f"an entry of history[{key!r}]") for v in history[key]]
    return history


def driven_run(student, m, x, y, dev, *, epochs, lr, batch_size, seed, x_val=None, y_val=None):
    """The run train(...) should make, driven from here: torch.manual_seed(seed) in the notebook, one
    Adam(model.parameters(), lr), then per epoch the notebook's own train_epoch and, with validation data,
    its evaluate. Returns (losses, test accuracies); `m` is trained in place. Using the notebook's
    train_epoch and evaluate keeps their bugs out of train's points."""
    what = f"the run train(epochs={epochs}, lr={lr}, batch_size={batch_size}, seed={seed}) should make"
    opt = named(what, student.new, "Adam", m.call("parameters", keep=True), lr=lr)
    seed_notebook_torch(student, seed)
    losses, accuracies = [], []
    for _ in range(epochs):
        losses.append(history_entry(named(what, student.call, "train_epoch", m, opt, tensor(x, dev), tensor(y, dev),
                                          batch_size), what, "train_epoch's result"))
        if x_val is not None:
            accuracies.append(history_entry(named(what, student.call, "evaluate", m, tensor(x_val, dev),
                                                  tensor(y_val, dev)), what, "evaluate's result"))
    return losses, accuracies


def check_trained_as_driven(case, m, driven, start, history=None, expected=None):
    """The model `m` that train(...) trained must equal `driven`, the model of the run driven from here,
    and differ from the start (so training happened); the history must be that run's."""
    got_s, got_b = bag_state(m)
    want_s, want_b = bag_state(driven)
    if not (np.isfinite(got_s).all() and np.isfinite(got_b)):
        raise Mismatch(f"{case}: the trained model's parameters hold NaN or infinite values")
    if np.allclose(want_s, start[0], rtol=0, atol=1e-6) and abs(want_b - start[1]) <= 1e-6:
        raise Mismatch(f"{case}: the run driven by the grader with your train_epoch did not change the model, "
                       "so train cannot be checked: does train_epoch take optimiser steps?")
    if np.allclose(got_s, start[0], rtol=0, atol=1e-6) and abs(got_b - start[1]) <= 1e-6:
        raise Mismatch(f"{case}: train did not change the model; it should train it in place")
    if not (np.allclose(got_s, want_s, rtol=1e-5, atol=1e-6) and abs(got_b - want_b) <= 1e-6 + 1e-5 * abs(want_b)):
        raise Mismatch(f"{case}: the trained model differs from the run torch.manual_seed(seed), one "
                       "Adam(model.parameters(), lr=lr) and `epochs` calls of your train_epoch give")
    if history is not None:
        for key, want in zip(("loss", "val_acc"), expected):
            got = history[key]
            if len(got) != len(want) or not np.allclose(got, want, rtol=1e-6, atol=1e-9):
                what = "train_epoch's results" if key == "loss" else "evaluate(model, x_val, y_val) after each epoch"
                raise Mismatch(f"{case}: history[{key!r}] is not the list of {what} in that run")


@points(1, task="train")
def test_train_history(student, devices, rng):
    """train: returns {"loss": one float per epoch, "val_acc": []} without validation data; a progress bar only with progress=True"""
    for dev in devices:
        x, y, v = train_data(rng)
        scores = rng.uniform(-0.3, 0.3, v)
        config = dict(epochs=3, lr=0.05, batch_size=4, seed=1)
        case = f"train(epochs=3, lr=0.05, batch_size=4, seed=1) without validation data on {dev}"
        m = bag(student, v, dev, scores, 0.0)
        start = bag_state(m)
        history, printed = printed_by(student, lambda: call_train(student, case, m, x, y, dev, **config))
        if len(history["loss"]) != 3 or history["val_acc"] != []:
            raise Mismatch(f"{case}: expected 3 losses and an empty val_acc list, got {len(history['loss'])} "
                           f"and {len(history['val_acc'])}")
        if printed:
            raise Mismatch(f"{case}: train printed {len(printed)} characters with progress=False; it should "
                           "print nothing (tqdm(..., disable=not progress))")
        _, printed = printed_by(student, lambda: call_train(student, f"{case}, progress=True", bag(student, v, dev),
                                                            x, y, dev, **config, progress=True))
        if not printed:
            raise Mismatch(f"{case}, progress=True: no progress bar was shown; show one with tqdm over the epochs")
        driven = bag(student, v, dev, scores, 0.0)
        expected = driven_run(student, driven, x, y, dev, **config)
        check_trained_as_driven(case, m, driven, start, history, expected)


@points(2, task="train")
def test_train_is_seeded(student, devices, rng):
    """train: the same seed and the same starting model give exactly the same run"""
    for dev in devices:
        x, y, v = train_data(rng, 9, 7)
        scores = rng.uniform(-0.3, 0.3, v)
        config = dict(epochs=2, lr=0.1, batch_size=3, seed=5)
        runs = []
        for run in range(2):
            case = f"train(epochs=2, lr=0.1, batch_size=3, seed=5), run {run + 1} on {dev}"
            m = bag(student, v, dev, scores, 0.0)
            start = bag_state(m)
            history = call_train(student, case, m, x, y, dev, **config)
            runs.append((history["loss"], *bag_state(m)))
        (loss1, s1, b1), (loss2, s2, b2) = runs
        if not (np.array_equal(s1, s2) and b1 == b2 and loss1 == loss2):
            raise Mismatch(f"two runs of train with seed=5 from the same model on {dev} differ: call "
                           "torch.manual_seed(seed) at the start, so that the shuffling is reproducible")
        # Reproducible is not enough (a train that does nothing is reproducible): the run must be
        # the one that torch.manual_seed(5) gives.
        driven = bag(student, v, dev, scores, 0.0)
        expected = driven_run(student, driven, x, y, dev, **config)
        check_trained_as_driven(case, m, driven, start, history, expected)


@points(1, task="train")
def test_train_adam_lr(student, devices, rng):
    """train: uses Adam with the given learning rate (its first step moves each used parameter by lr)"""
    for dev in devices:
        x, y, v = train_data(rng)
        lr = 0.05
        g, gb = bag_gradients(np.zeros(v), 0.0, x, y)
        case = f"train(epochs=1, lr={lr}, batch_size={len(x)}) from zero scores on {dev}: one step"
        m = bag(student, v, dev, np.zeros(v), 0.0)
        call_train(student, case, m, x, y, dev, epochs=1, lr=lr, batch_size=len(x), seed=0)
        s, b = bag_state(m)
        # Adam's first step is -lr * g / (|g| + eps): a move of lr against the sign of every non-zero gradient.
        expected = -lr * np.sign(np.concatenate([g, [gb]]))
        got = np.concatenate([s, [b]])
        if not np.allclose(got, expected, rtol=1e-3, atol=1e-6):
            raise Mismatch(f"{case}: the parameters did not move as one Adam step with lr={lr} moves them "
                           "(use torch.optim.Adam(model.parameters(), lr=lr))")


@points(1, task="train")
def test_train_one_optimizer(student, devices, rng):
    """train: one Adam optimiser for the whole run, so its running averages carry over between epochs"""
    for dev in devices:
        x, y, v = train_data(rng, 6, 2)
        lr = 0.5
        config = dict(epochs=2, lr=lr, batch_size=len(x), seed=0)
        case = f"train(epochs=2, lr={lr}, batch_size={len(x)}) from zero scores on {dev}: two steps"
        m = bag(student, v, dev, np.zeros(v), 0.0)
        history = call_train(student, case, m, x, y, dev, **config)
        s, b = bag_state(m)
        moves = np.abs(np.concatenate([s, [b]]))
        moved = moves > 1e-6
        # A new Adam in each epoch makes both steps first steps: every move is exactly 0 or 2 * lr.
        if moved.any() and np.allclose(moves[moved], 2 * lr, rtol=1e-4, atol=0):
            raise Mismatch(f"{case}: each epoch's step looks like a first Adam step; create the optimiser once, "
                           "before the epochs")
        driven = bag(student, v, dev, np.zeros(v), 0.0)
        expected = driven_run(student, driven, x, y, dev, **config)
        check_trained_as_driven(case, m, driven, (np.zeros(v), 0.0), history, expected)


@points(1, task="train")
def test_train_validation_accuracy(student, devices, rng):
    """train: history["val_acc"] is evaluate() on x_val, y_val after each epoch, not the training accuracy"""
    for dev in devices:
        x, y, v = train_data(rng, 6, 6)
        x_val, y_val = x[::2], 1 - y[::2]     # the training texts with flipped labels
        config = dict(epochs=3, lr=0.2, batch_size=4, seed=2)
        case = f"train(epochs=3, lr=0.2, batch_size=4, seed=2) without validation data on {dev}"
        m = bag(student, v, dev)
        history = call_train(student, case, m, x, y, dev, **config)
        driven = bag(student, v, dev)
        expected = driven_run(student, driven, x, y, dev, **config)
        check_trained_as_driven(case, m, driven, (np.zeros(v), 0.0), history, expected)
        try:
            student.call("evaluate", bag(student, v, dev), tensor(x_val, dev), tensor(y_val, dev))
        except StudentRaised:
            return   # train works, evaluate itself fails: the evaluate tests grade that, not this one
        case = f"train(epochs=3, lr=0.2, batch_size=4, seed=2) with validation data on {dev}"
        m = bag(student, v, dev, np.zeros(v), 0.0)
        history = call_train(student, case, m, x, y, dev, **config, x_val=tensor(x_val, dev),
                             y_val=tensor(y_val, dev))
        if len(history["val_acc"]) != 3:
            raise Mismatch(f"{case}: expected 3 entries in history['val_acc'], got {len(history['val_acc'])}")
        final = history_entry(named(case, student.call, "evaluate", m, tensor(x_val, dev), tensor(y_val, dev)),
                              case, "evaluate's result")
        if abs(history["val_acc"][-1] - final) > 1e-9:
            raise Mismatch(f"{case}: history['val_acc'][-1] is {history['val_acc'][-1]:.4f}, but evaluate on "
                           f"x_val, y_val gives {final:.4f} for the trained model")
        driven = bag(student, v, dev, np.zeros(v), 0.0)
        expected = driven_run(student, driven, x, y, dev, **config, x_val=x_val, y_val=y_val)
        check_trained_as_driven(case, m, driven, (np.zeros(v), 0.0), history, expected)


# ---------------------------------------------------------------- questions
# The key lives here only: the notebook's answer cell is stripped on release. `why` is what a
# learner reads once the answers are released.

QUESTIONS = {
    1: Number(2.0, 'The mean of the three real vectors is `[1, 2]`; u · [1, 2] = 3, and 3 - 1 = 2. Averaging over all five positions would give `[0.6, 1.2]` and z = 0.8.', atol=1e-6, ask="The chapter's model averages the vectors of the real tokens, then computes z = **u** · ..."),
    2: Choice("c", 'Zero vectors count in a mean: a sentence padded to 40 positions would be averaged over 40, the same sentence padded to 10 over 10.', ask='Why must the mean skip the padding positions'),
    3: Choice("a", "E[w] reaches the loss only through the dot product u · E[w] (inside the mean), so its gradient is u times a number: every row's gradient points along u.", ask='In this model, what is the gradient of the loss with respect to one row E[w] of the table'),
    4: Choice("b", 'The table learns what the loss rewards: essentially one number per word along one direction, its polarity. Positive words end up together, whatever they mean.', ask='After training on sentiment, which words are nearest to *good* in the learned table'),
    5: Choice("d", "A task-trained table encodes what helps with the task. For sentiment that is polarity; for general meaning one needs an objective about meaning, such as word2vec's (next chapter).", ask='Is the table learned on this sentiment task a good general-purpose representation of wo...'),
    6: Number(1, "Every row's gradient is a multiple of u, and u drifts little, so the change is nearly one direction with one number per word: rank one.", ask='With `embedding_dim = 32`, the change of the table during training (learned table minus...'),
    7: Choice("c", 'A mean ignores word order: the two sentences have the same tokens, so the same mean and the same logit.', ask='What does the model make of *not good, just bad* and *not bad, just good*'),
    8: Choice("a", "Adam divides each coordinate's gradient by a running estimate of its size; when the sign is steady the ratio is about ±1, so the step is about ± lr: the row moves along sign(u), not along u.", ask="Adam trains the table, and a row's gradients keep their sign from step to step. About h..."),
}


globals().update(question_tests(4, QUESTIONS))
