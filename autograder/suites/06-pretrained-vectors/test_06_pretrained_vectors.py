"""Hidden tests for exercise 06-pretrained-vectors.

Every expected value is computed here: the aligned matrix (the specified seeded draw, with the
grader's own torch, and the pretrained rows), the coverage shares, the state of models after
training steps the grader drives call by call, and the means and standard deviations. The
harness (task 4) is checked against runs the grader repeats one by one in the worker with the
notebook's given SentimentModel, train and evaluate, from templates the grader builds itself
with the given class, so a bug in tasks 1-3 costs nothing in task 4.

The worker sees no repository file: the vocabularies, pretrained words and vectors are small
tables made up here and passed in.
"""
import numpy as np

from autograder.harness import (Mismatch, StudentRaised, TensorData, check_array, check_tensor, expect_error,
                                named, points, tensor)

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


def call_matrix(student, case, itos, words, vectors, **kwargs):
    got = named(case, student.call, "pretrained_matrix", itos, words, vectors, **kwargs)
    if not isinstance(got, tuple) or len(got) != 2:
        raise Mismatch(f"{case}: expected a tuple (matrix, found), got {type(got).__name__}")
    matrix, found = got
    for what, value, dtype, shape in (("matrix", matrix, "float32", (len(itos), vectors.shape[1])),
                                      ("found", found, "bool", (len(itos),))):
        if not isinstance(value, TensorData):
            raise Mismatch(f"{case}: {what} should be a torch tensor, got a {type(value).__name__}")
        if value.shape != shape:
            raise Mismatch(f"{case}: {what} has shape {value.shape}, but {shape} was expected")
        if value.dtype != dtype:
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
    m = named(case, student.new, "pretrained_model", tensor(w, dev), **kwargs)
    return m


def param(m, path, case):
    try:
        value = m.attr(path)
    except StudentRaised as e:
        raise Mismatch(f"{case}: reading .{path} raised {e.type}; the model needs the attributes `embedding` "
                       "(an nn.Embedding) and `linear` (an nn.Linear)") from None
    if not isinstance(value, TensorData):
        raise Mismatch(f"{case}: .{path} should be a tensor, got a {type(value).__name__}")
    return value


def reference_logits(W, A, b, x, pad=0):
    real = (x != pad)[..., None]
    pooled = (W.astype(np.float64)[x] * real).sum(1) / np.maximum(real.sum(1), 1)
    return pooled @ A[0].astype(np.float64) + float(b[0])


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def padded(rng, n, seq_len, v, pad=0):
    x = np.full((n, seq_len), pad, np.int64)
    for i in range(n):
        length = int(rng.integers(1, seq_len + 1))
        ids = rng.integers(1, v, size=length)
        ids[ids == pad] = 1 if pad != 1 else 2
        x[i, seq_len - length:] = ids
    return x


def adam_steps(student, m, x, y, dev, steps, case, lr=0.1):
    """`steps` Adam steps on the mean BCE, driven from here: the grader computes d loss / d logits."""
    opt = named(case, student.new, "Adam", m.call("parameters", keep=True), lr=lr)
    for _ in range(steps):
        named(case, opt.call, "zero_grad")
        z = named(case, m.call, "forward", tensor(x, dev), keep=True)
        zv = z.value()
        if not isinstance(zv, TensorData) or zv.shape != (len(x),):
            raise Mismatch(f"{case}: forward did not return logits of shape ({len(x)},)")
        dz = ((sigmoid(zv.array.astype(np.float64)) - y) / len(y)).astype(np.float32)
        named(case, z.call, "backward", tensor(dz, dev))
        named(case, opt.call, "step")
    return opt


# ================================================================ Task 1: pretrained_matrix


@points(1, task="align")
def test_align_shapes_and_dtypes(student, rng):
    """pretrained_matrix: returns (float32 matrix (V, d), bool found (V,)) on the CPU, also from float64 vectors"""
    words, vectors = made_up_vectors(rng, 30, 5)
    itos = a_vocabulary(rng, words, 8, 4)
    call_matrix(student, "pretrained_matrix on 14 entries, 30 pretrained words of dimension 5", itos, words, vectors)
    call_matrix(student, "pretrained_matrix with float64 vectors", itos, words, vectors.astype(np.float64))
    call_matrix(student, "pretrained_matrix with dimension 1", itos, words, vectors[:, :1].copy())


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
    _, found = reference_matrix(itos, words, vectors)
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
    """pretrained_matrix: does not modify the pretrained vectors it is given"""
    words, vectors = made_up_vectors(rng, 40, 5)
    itos = a_vocabulary(rng, words, 15, 5)
    held = named("sending the vectors", student.put, vectors, "pretrained vectors")
    named("pretrained_matrix(itos, words, vectors)", student.call, "pretrained_matrix", itos, words, held)
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
    try:
        with student.time_limit(10):
            timed = student.time_call("pretrained_matrix", itos, words, vectors)
    except StudentRaised as e:
        raise Mismatch(f"{case}: raised {e.type}: {e.message[:200]}") from None
    except Exception as e:  # the worker was stopped at the time limit
        raise Mismatch(f"{case}: did not finish within 10 s ({type(e).__name__}); look words up in a dict "
                       "built once from `words`") from None
    # The timed result must be the right one: a fast wrong answer earns nothing.
    got = named(case, timed.result.value)
    exp_matrix, exp_found = reference_matrix(itos, words, vectors)
    if not (isinstance(got, tuple) and len(got) == 2 and all(isinstance(g, TensorData) for g in got)
            and got[0].shape == exp_matrix.shape and np.array_equal(got[1].array, exp_found)
            and np.array_equal(got[0].array[exp_found], exp_matrix[exp_found])):
        raise Mismatch(f"{case}: the result is wrong (the tests above say how)")
    if timed.seconds > 3.0:
        raise Mismatch(f"{case}: took {timed.seconds:.1f} s (the reference needs well under a second); look words up "
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
    """coverage: an empty word_counts raises ValueError"""
    expect_error(lambda: student.call("coverage", {}, ["the", "film"]), "coverage({}, words)", "ValueError")


# ================================================================ Task 3: pretrained_model, set_frozen


@points(2, task="model")
def test_model_table(student, devices, rng):
    """pretrained_model: chapter 4's model whose table is the pretrained weights (padding_idx set), on their device"""
    for dev in devices:
        for v, d, pad in ((9, 4, 0), (12, 3, 2), (6, 1, 0)):
            w = weights_table(rng, v, d, pad)
            case = f"pretrained_model(weights ({v}, {d}) on {dev}" + (f", padding_idx={pad})" if pad else ")")
            m = pretrained(student, case, w, dev, **({"padding_idx": pad} if pad else {}))
            table = param(m, "embedding.weight", case)
            if not table.is_parameter:
                raise Mismatch(f"{case}: embedding.weight is not a parameter; use nn.Embedding.from_pretrained")
            check_tensor(table, w, f"{case}: embedding.weight", device=dev, dtype="float32", exact=True)
            lin_w, lin_b = param(m, "linear.weight", case), param(m, "linear.bias", case)
            if lin_w.shape != (1, d) or lin_b.shape != (1,):
                raise Mismatch(f"{case}: the linear layer should map {d} numbers to 1, its weight has shape {lin_w.shape}")
            if lin_w.device.split(":")[0] != dev:
                raise Mismatch(f"{case}: the linear layer is on {lin_w.device}; move the model to weights' device")
            got_pad = named(case, m.attr, "embedding.padding_idx")
            if got_pad != pad:
                raise Mismatch(f"{case}: embedding.padding_idx is {got_pad!r}, but {pad} was expected: pass "
                               "padding_idx to from_pretrained")
            x = padded(rng, 5, 6, v, pad)
            z = named(f"{case}.forward(x)", m.call, "forward", tensor(x, dev))
            check_tensor(z, reference_logits(w, lin_w.array, lin_b.array, x, pad), f"{case}: forward on 5 texts",
                         device=dev, dtype="float32", rtol=1e-5, atol=1e-5)


@points(1, task="model")
def test_model_freeze_flag(student, devices, rng):
    """pretrained_model: the table requires gradients exactly when freeze is false (frozen by default); the linear layer always"""
    for dev in devices:
        w = weights_table(rng, 7, 3)
        for kwargs, trainable in (({}, False), ({"freeze": True}, False), ({"freeze": False}, True)):
            case = f"pretrained_model(weights{''.join(f', {k}={v}' for k, v in kwargs.items())}) on {dev}"
            m = pretrained(student, case, w, dev, **kwargs)
            table = param(m, "embedding.weight", case)
            if table.requires_grad != trainable:
                raise Mismatch(f"{case}: embedding.weight.requires_grad is {table.requires_grad}, but "
                               f"{trainable} was expected")
            for path in ("linear.weight", "linear.bias"):
                if not param(m, path, case).requires_grad:
                    raise Mismatch(f"{case}: {path} does not require gradients; the classifier always trains")


@points(2, task="model")
def test_model_owns_a_copy(student, devices, rng):
    """pretrained_model: the model owns a copy of weights (from_pretrained shares the tensor it is given)"""
    for dev in devices:
        w = weights_table(rng, 8, 3)
        held = named("sending the weights", student.put, tensor(w, dev), "weights")
        case = f"pretrained_model(weights, freeze=False) on {dev}"
        m = named(case, student.new, "pretrained_model", held, freeze=False)
        x = padded(rng, 6, 4, 8)
        adam_steps(student, m, x, rng.integers(0, 2, 6).astype(np.float64), dev, 2, f"fine-tuning {case}")
        after = held.value()
        if not np.array_equal(after.array, w):
            raise Mismatch(f"{case}: fine-tuning the model changed the `weights` tensor passed in: from_pretrained "
                           "wraps the tensor it gets without copying; give it weights.clone()")
        table_before = param(m, "embedding.weight", case).array.copy()
        named("weights.add_(1.0)", held.call, "add_", 1.0)
        if not np.array_equal(param(m, "embedding.weight", case).array, table_before):
            raise Mismatch(f"{case}: changing `weights` in place afterwards changed the model's table; the model "
                           "must own a copy")


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
            lin_before = param(m, "linear.weight", case).array.copy()
            adam_steps(student, m, x, y, dev, 3, case)
            table = param(m, "embedding.weight", case).array
            if np.array_equal(param(m, "linear.weight", case).array, lin_before):
                raise Mismatch(f"{case}: the linear layer did not change")
            if freeze:
                if not np.array_equal(table, w):
                    raise Mismatch(f"{case}: the frozen table changed")
                continue
            used = np.unique(x[x != 0])
            if np.allclose(table[used], w[used]):
                raise Mismatch(f"{case}: the rows of the words in the batch did not change: the table is not "
                               "being fine-tuned")
            if np.any(table[0] != 0):
                raise Mismatch(f"{case}: the padding row changed during fine-tuning")
            if np.any(table[v - 1] != w[v - 1]):
                raise Mismatch(f"{case}: the row of a word that never occurs changed")


@points(2, task="model")
def test_set_frozen(student, devices, rng):
    """set_frozen: freezes and unfreezes the table only, in place, so an existing optimiser trains it once unfrozen"""
    for dev in devices:
        w = weights_table(rng, 9, 3)
        case = f"set_frozen on pretrained_model(weights, freeze=False) on {dev}"
        m = pretrained(student, case, w, dev, freeze=False)
        for frozen in (True, False, True):
            named(f"set_frozen(model, {frozen})", student.call, "set_frozen", m, frozen)
            if param(m, "embedding.weight", case).requires_grad == frozen:
                raise Mismatch(f"{case}: after set_frozen(model, {frozen}) embedding.weight.requires_grad is "
                               f"{not frozen}")
            for path in ("linear.weight", "linear.bias"):
                if not param(m, path, case).requires_grad:
                    raise Mismatch(f"{case}: after set_frozen(model, {frozen}) {path} is frozen; only the "
                                   "embedding table is frozen or unfrozen")
        # Gradual unfreezing: an optimiser made while the table was frozen, then the table unfrozen.
        case = f"an Adam made on a frozen pretrained_model on {dev}, then set_frozen(model, False) and 2 steps"
        m = pretrained(student, case, w, dev, freeze=True)
        x = padded(rng, 6, 4, 9)
        y = np.array([1, 0, 1, 0, 1, 0], np.float64)
        opt = named(case, student.new, "Adam", m.call("parameters", keep=True), lr=0.1)
        named("set_frozen(model, False)", student.call, "set_frozen", m, False)
        for _ in range(2):
            named(case, opt.call, "zero_grad")
            z = named(case, m.call, "forward", tensor(x, dev), keep=True)
            dz = ((sigmoid(z.value().array.astype(np.float64)) - y) / len(y)).astype(np.float32)
            named(case, z.call, "backward", tensor(dz, dev))
            named(case, opt.call, "step")
        if np.allclose(param(m, "embedding.weight", case).array, w):
            raise Mismatch(f"{case}: the table did not change; unfreeze the table's parameter in place "
                           "(requires_grad_), don't replace it with a new one the optimiser does not know")


# ================================================================ Task 4: learning_curves, summarise


def template(student, v, d, dev, rng, frozen=False, label="template"):
    """The notebook's given SentimentModel(v, d) on `dev`, with the grader's weights; frozen table if asked."""
    m = named(f"SentimentModel({v}, {d}) as the {label}", student.new, "SentimentModel", v, d)
    named(f"SentimentModel({v}, {d}).to('{dev}')", m.call, "to", dev)
    params = {"embedding.weight": weights_table(rng, v, d),
              "linear.weight": (rng.uniform(-1, 1, (1, d)) / np.sqrt(d)).astype(np.float32),
              "linear.bias": np.zeros(1, np.float32)}
    for path, value in params.items():
        named(f"setting the {label}'s {path}", m.set, path, tensor(value, dev))
    if frozen:
        named(f"freezing the {label}'s table", m.call, "embedding.weight.requires_grad_", False)
    return m, params


def polar_data(rng, n, v=12, flip=False):
    """Texts of 3 tokens (one padding in front): words 1-5 only in positive texts, 6-10 only in negative ones."""
    labels = np.array([k % 2 for k in range(n)], np.float32)[rng.permutation(n)]
    x = np.zeros((n, 4), np.int64)
    for i, label in enumerate(labels):
        x[i, 1:] = rng.integers(1, 6, 3) if label == 1 else rng.integers(6, 11, 3)
    return x, (1 - labels if flip else labels)


def call_curves(student, case, templates, data, dev, sizes, seeds, epochs=3, lr=0.1, batch_size=4):
    x_train, y_train, x_test, y_test = data
    got = named(case, student.call, "learning_curves", {k: m for k, m in templates.items()},
                tensor(x_train, dev), tensor(y_train, dev), tensor(x_test, dev), tensor(y_test, dev),
                list(sizes), list(seeds), epochs, lr, batch_size)
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
    return got


def reference_run(student, params, frozen, data, dev, n, seed, epochs=3, lr=0.1, batch_size=4):
    """One run as specified, repeated here with the notebook's given SentimentModel, train and evaluate."""
    x_train, y_train, x_test, y_test = data
    v, d = params["embedding.weight"].shape
    m = named("a fresh SentimentModel", student.new, "SentimentModel", v, d)
    named("SentimentModel.to()", m.call, "to", dev)
    for path, value in params.items():
        named(f"setting {path}", m.set, path, tensor(value, dev))
    if frozen:
        named("freezing the table", m.call, "embedding.weight.requires_grad_", False)
    subset = np.random.default_rng(seed).permutation(len(x_train))[:n]
    named("the given train()", student.call, "train", m, tensor(x_train[subset], dev), tensor(y_train[subset], dev),
          epochs, lr, batch_size, seed)
    return float(named("the given evaluate()", student.call, "evaluate", m, tensor(x_test, dev), tensor(y_test, dev)))


@points(1, task="compare")
def test_curves_shape(student, devices, rng):
    """learning_curves: one float64 array (len(sizes), len(seeds)) of accuracies in [0, 1] per condition"""
    for dev in devices:
        data = (*polar_data(rng, 16), *polar_data(rng, 10))
        templates = {"a": template(student, 12, 3, dev, rng)[0], "b": template(student, 12, 3, dev, rng, frozen=True)[0]}
        got = call_curves(student, f"learning_curves with 2 conditions, sizes [4, 8, 16], seeds [0, 1] on {dev}",
                          templates, data, dev, [4, 8, 16], [0, 1])
        for name, value in got.items():
            if not np.all((value >= 0) & (value <= 1)):
                raise Mismatch(f"learning_curves on {dev}: the accuracies for {name!r} are not all in [0, 1]")


@points(3, task="compare")
def test_curves_match_reference_runs(student, devices, rng):
    """learning_curves: every entry is its own run (fresh copy, seeded subset, train with its seed, test accuracy), repeated by the grader"""
    for dev in devices:
        data = (*polar_data(rng, 30), *polar_data(rng, 41))
        made = {"trainable": template(student, 12, 3, dev, rng, label="trainable template"),
                "frozen": template(student, 12, 3, dev, rng, frozen=True, label="frozen template")}
        sizes, seeds = [6, 30, 13], [0, 5]
        case = f"learning_curves with conditions trainable and frozen, sizes {sizes}, seeds {seeds} on {dev}"
        got = call_curves(student, case, {k: m for k, (m, _) in made.items()}, data, dev, sizes, seeds)
        tolerance = 1e-9 if dev == "cpu" else 1.5 / len(data[2])
        for name, (_, params) in made.items():
            for k, n in enumerate(sizes):
                for s, seed in enumerate(seeds):
                    expected = reference_run(student, params, name == "frozen", data, dev, n, seed)
                    if abs(got[name][k, s] - expected) > tolerance:
                        raise Mismatch(f"{case}: entry [{k}, {s}] of {name!r} (size {n}, seed {seed}) is not the accuracy "
                                       "of the specified run: a deep copy of the template, trained with the given "
                                       "train(..., seed) on the first n indices of np.random.default_rng(seed)"
                                       ".permutation(N), evaluated on the test data; each run must not depend on "
                                       "the runs before it")


@points(1, task="compare")
def test_curves_templates_unchanged(student, devices, rng):
    """learning_curves: never trains the templates themselves"""
    for dev in devices:
        data = (*polar_data(rng, 12), *polar_data(rng, 8))
        m, params = template(student, 12, 3, dev, rng)
        call_curves(student, f"learning_curves with sizes [6, 12], seeds [0, 1] on {dev}", {"only": m}, data, dev,
                    [6, 12], [0, 1])
        for path, value in params.items():
            if not np.array_equal(param(m, path, "the template").array, value):
                raise Mismatch(f"learning_curves on {dev}: the template's {path} changed; train a "
                               "copy.deepcopy(template) in every run")


@points(1, task="compare")
def test_curves_measured_on_test_data(student, devices, rng):
    """learning_curves: trains on the training subset only and measures on the test data (test labels flipped here)"""
    for dev in devices:
        # The test texts follow the opposite rule: a model trained on the training data gets them nearly all
        # wrong; training on the test data, or measuring on the training data, gets them mostly right.
        data = (*polar_data(rng, 24), *polar_data(rng, 40, flip=True))
        m, _ = template(student, 12, 4, dev, rng)
        case = f"learning_curves on 24 training texts and 40 test texts with the opposite labels, on {dev}"
        got = call_curves(student, case, {"only": m}, data, dev, [12, 24], [0, 1, 2], epochs=10, lr=0.2)
        accuracy = got["only"]
        if accuracy.mean() > 0.25 or accuracy.max() > 0.4:
            raise Mismatch(f"{case}: the accuracies are too high for a model trained on the training subset and "
                           "measured on these test texts; train on x_train[subset] only and measure with "
                           "evaluate(model, x_test, y_test)")


@points(1, task="compare")
def test_curves_sizes_checked(student, rng):
    """learning_curves: a size below 1 or above the number of training examples raises ValueError"""
    data = (*polar_data(rng, 10), *polar_data(rng, 6))
    m, _ = template(student, 12, 3, "cpu", rng)
    for sizes in ([4, 11], [0, 5]):
        case = f"learning_curves with sizes {sizes} and 10 training examples"
        x_train, y_train, x_test, y_test = data
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
    for shape in ((5, 3), (4, 4), (2, 5)):
        acc = rng.uniform(0.5, 0.9, shape)
        check_summary(student, f"summarise on accuracies of shape {shape} (sizes, seeds)", acc)


@points(1, task="compare")
def test_summarise_one_seed(student, rng):
    """summarise: with a single seed the std is 0 (not NaN)"""
    check_summary(student, "summarise on accuracies of shape (4, 1)", rng.uniform(0.5, 0.9, (4, 1)))
