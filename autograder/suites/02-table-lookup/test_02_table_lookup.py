"""Hidden tests for exercise 02-table-lookup.

Expected values are computed here with plain indexing, W[x]. Failure messages
name the case that failed, never the expected values. The speed checks time
the submission's call (and the reading of its result) with the grader's own clock
and compare with W[x], and with sending the indices and the result, timed here.
"""

import numpy as np
import torch

from autograder.harness import (Choice, Number, question_tests, SPEED_ATTEMPTS, Attempts, named, Mismatch, StudentRaised,
                                Reference, TensorData, check_array, check_speed, check_tensor,
                                check_unchanged, expect_error, points, tensor)

LOOP_HINT = "Is there a Python loop over the tokens? Index with the whole index array at once"

LASAGNE_W = np.arange(15).reshape(3, 5).astype("float32")
LASAGNE_X = np.array([[0, 2], [1, 2]])

SHAPES = [((7,), 6), ((1,), 4), ((1, 1), 3), ((4, 9), 10), ((2, 3, 4), 12), ((5, 1, 2), 7)]   # (x.shape, V)
EMPTY_SHAPES = [(0,), (3, 0), (0, 2, 4)]

# Speed checks (harness.check_speed: 3x the reference + 20 ms, in one of up to 6 attempts).
# Each timed attempt gets new indices, sent with the call (harness.Attempts): the reference is
# the best time of vectorised indexing here plus that of sending the indices through a pipe
# here. The result is read back at once: reading may take up to 3x what sending it through a
# pipe takes here, plus 50 ms; what it takes beyond that counts as time of the call, so a
# result that does its work only when it is sent gains nothing.
# Measured on 2 CPU cores shared with other jobs (load 3-8): correct code needs 0.1-0.6 of
# the limit, a Python loop over the tokens, whether run in the call, when the result is sent
# or when the indices arrive, 1.8-5x (numpy, the fastest kind of loop) to 3-28x (torch) of it.
NUMPY_SPEED_SHAPE = (1000, 500)   # 500k int32 tokens, d = 4: W[x] ~15 ms, a per-token loop >= 200 ms
TORCH_SPEED_SHAPE = (200, 500)    # 100k tokens, d = 16: W[x] ~3 ms, a per-token loop >= 200 ms
# A call of a few ms costs, beside its work, the waking of the worker and of the grader: on a busy
# machine (a fresh-clone `make test`) right code took 0.035-0.076 s in all six attempts in four
# runs, against limits of 0.029-0.044 s. 0.1 s of slack keeps every loop measured out (0.2 s and
# more at 100k tokens, in every attempt, with 4 busy processes beside the grading).
TORCH_SPEED_SLACK = 0.1
SPEED_V, NUMPY_SPEED_D, SPEED_D = 1000, 4, 16

# ---------------------------------------------------------------- helpers


def table(rng, v, d, dtype=np.float32):
    return rng.standard_normal((v, d)).astype(dtype)


def indices(rng, shape, v, dtype=np.int64):
    """Random indices in 0..v-1; index 0, the largest index and a repeat occur when there is room."""
    x = rng.integers(0, v, size=shape).astype(dtype)
    if x.size >= 3:
        flat = x.reshape(-1)
        flat[0], flat[1], flat[-1] = 0, v - 1, v - 1
    return x


def counts(x, v, d):
    """The gradient of W[x].sum() with respect to W: row i holds how often i occurs in x."""
    return np.repeat(np.bincount(x.reshape(-1), minlength=v)[:, None], d, axis=1).astype(np.float32)


def scattered(G, x, v):
    """The gradient with respect to W of W[x] under the upstream gradient G (shape x.shape + (d,)):
    row i is the sum of G over the positions where x == i."""
    out = np.zeros((v, G.shape[-1]), np.float64)
    np.add.at(out, x.reshape(-1), G.reshape(-1, G.shape[-1]))
    return out


def upstream(rng, shape):
    """A random upstream gradient: small integers in float32, so every sum of them is exact."""
    return rng.integers(-8, 9, size=shape).astype(np.float32)


# ---------------------------------------------------------------- lookup_by_one_hot


def check_by_one_hot(student, case, W, x):
    got = named(case, student.call, "lookup_by_one_hot", W, x)
    # A matrix product, compared within rounding; float64 tightly, so values rounded
    # through float32 on the way fail whatever dtype the result claims.
    tight = {"rtol": 1e-12, "atol": 0.0} if W.dtype == np.float64 else {}
    check_array(got, W[x], case, dtype=W.dtype.name, **tight)


@points(1, task="lookup_by_one_hot")
def test_lookup_by_one_hot_example(student):
    """lookup_by_one_hot: the Lasagne example, W = arange(15).reshape(3, 5), x = [[0, 2], [1, 2]]"""
    check_by_one_hot(student, "the Lasagne example", LASAGNE_W, LASAGNE_X)


@points(1, task="lookup_by_one_hot")
def test_lookup_by_one_hot_random(student, rng):
    """lookup_by_one_hot: random tables and 2-D batches (repeats, index 0 and the last index)"""
    for v, d, shape in [(10, 4, (3, 5)), (50, 8, (16, 20)), (2, 1, (4, 3))]:
        check_by_one_hot(student, f"W of shape {(v, d)}, x of shape {shape}", table(rng, v, d), indices(rng, shape, v))


@points(1, task="lookup_by_one_hot")
def test_lookup_by_one_hot_shapes(student, rng):
    """lookup_by_one_hot: 1-D and 3-D index arrays and a batch of one give x.shape + (d,)"""
    for shape, v in SHAPES:
        check_by_one_hot(student, f"x of shape {shape}, W of shape {(v, 3)}", table(rng, v, 3), indices(rng, shape, v))


@points(1, task="lookup_by_one_hot")
def test_lookup_by_one_hot_empty(student, rng):
    """lookup_by_one_hot: an empty batch gives an empty result of shape x.shape + (d,)"""
    W = table(rng, 5, 3)
    for shape in EMPTY_SHAPES:
        check_by_one_hot(student, f"empty x of shape {shape}", W, np.zeros(shape, np.int64))
    # An empty result is easy to get right by accident: the point needs a non-empty batch right too.
    check_by_one_hot(student, "x of shape (2, 3) after the empty batches", W, indices(rng, (2, 3), 5))


@points(1, task="lookup_by_one_hot")
def test_lookup_by_one_hot_dtypes(student, rng):
    """lookup_by_one_hot: the result has the table's dtype (float32 or float64); int32 indices work"""
    for wdtype in ("float32", "float64"):
        for xdtype in ("int64", "int32"):
            check_by_one_hot(student, f"{wdtype} table, {xdtype} indices", table(rng, 9, 4, wdtype),
                             indices(rng, (3, 4), 9, xdtype))


# ---------------------------------------------------------------- lookup (numpy)


def check_lookup(student, case, W, x):
    check_array(named(case, student.call, "lookup", W, x), W[x], case, exact=True, dtype=W.dtype.name)


@points(1, task="lookup")
def test_lookup_example(student):
    """lookup: the Lasagne example"""
    check_lookup(student, "the Lasagne example", LASAGNE_W, LASAGNE_X)


@points(1, task="lookup")
def test_lookup_shapes(student, rng):
    """lookup: 1-D, 2-D and 3-D index arrays, a batch of one, repeated indices"""
    for shape, v in SHAPES:
        check_lookup(student, f"x of shape {shape}, W of shape {(v, 5)}", table(rng, v, 5), indices(rng, shape, v))


@points(1, task="lookup")
def test_lookup_empty(student, rng):
    """lookup: an empty batch gives an empty result of shape x.shape + (d,)"""
    W = table(rng, 5, 3)
    for shape in EMPTY_SHAPES:
        check_lookup(student, f"empty x of shape {shape}", W, np.zeros(shape, np.int64))
    # An empty result is easy to get right by accident: the point needs a non-empty batch right too.
    check_lookup(student, "x of shape (2, 3) after the empty batches", W, indices(rng, (2, 3), 5))


@points(1, task="lookup")
def test_lookup_dtypes(student, rng):
    """lookup: the result has the table's dtype (float32 or float64); int32 and int64 indices"""
    for wdtype in ("float32", "float64"):
        for xdtype in ("int64", "int32"):
            check_lookup(student, f"{wdtype} table, {xdtype} indices", table(rng, 30, 6, wdtype),
                         indices(rng, (4, 7), 30, xdtype))


@points(1, task="lookup")
def test_lookup_negative(student, rng):
    """lookup: a negative index raises ValueError (numpy would count from the end)"""
    W = table(rng, 5, 3)
    # Raising is easy; the point needs the valid boundary (index 0) looked up right too.
    check_lookup(student, "indices 0 and 1 (valid)", W, np.array([[0, 1], [1, 0]]))
    for case, x in [("index -1", np.array([0, -1])), ("int32 index -5", np.array([[1, 2], [-5, 0]], np.int32))]:
        expect_error(lambda: student.call("lookup", W, x), case, "ValueError")


@points(1, task="lookup")
def test_lookup_too_large(student, rng):
    """lookup: an index >= len(W) raises ValueError (not IndexError), even one that int32 would wrap into range"""
    W = table(rng, 5, 3)
    check_lookup(student, "index 4, the last row (valid)", W, np.array([4, 0, 4]))
    for case, x in [("index 5 with a table of 5 rows", np.array([4, 5])),
                    ("int32 index 70 with a table of 5 rows", np.array([[70]], np.int32)),
                    ("int64 index 2**32 + 1 (1 if cast to int32)", np.array([2, 2**32 + 1]))]:
        expect_error(lambda: student.call("lookup", W, x), case, "ValueError")


@points(1, task="lookup")
def test_lookup_non_integer(student, rng):
    """lookup: float and bool index arrays raise ValueError (a bool array would act as a mask)"""
    W = table(rng, 5, 3)
    check_lookup(student, "int32 indices (valid)", W, np.array([3, 1, 4], np.int32))
    check_lookup(student, "uint8 indices (valid: unsigned integers are integers)", W, np.array([4, 0, 2], np.uint8))
    for case, x in [("float64 indices", np.array([1.0, 2.0])),
                    ("bool indices of length len(W)", np.array([True, False, True, False, True]))]:
        expect_error(lambda: student.call("lookup", W, x), case, "ValueError")


@points(1, task="lookup")
def test_lookup_inputs_unchanged(student, rng):
    """lookup: W and x are not modified (a second call with the same arrays is right too)"""
    W, x = table(rng, 8, 4), indices(rng, (3, 6), 8)
    hw, hx = student.put(W.copy(), "table"), student.put(x.copy(), "indices")
    # The inputs stay in the worker and are used twice: a call that changed them gets the
    # second answer wrong, whatever the worker says when they are read back. (Not unforgeable:
    # code that keeps a copy of its inputs and answers from it passes; hence 1 point.)
    for attempt in ("first", "second"):
        case = f"lookup(W, x) with W of shape (8, 4) and x of shape (3, 6), {attempt} call with the same W and x"
        check_array(named(case, student.call, "lookup", hw, hx), W[x], case, exact=True, dtype="float32")
    check_unchanged(hw.value(), W, f"{case}, the table W")
    check_unchanged(hx.value(), x, f"{case}, the indices x")


@points(2, task="lookup")
def test_lookup_speed(student, rng):
    """lookup: a batch of 1000 x 500 indices is about as fast as vectorised indexing"""
    W = table(rng, SPEED_V, NUMPY_SPEED_D)
    xs = [indices(rng, NUMPY_SPEED_SHAPE, SPEED_V, np.int32) for _ in range(SPEED_ATTEMPTS)]   # new indices each attempt
    reference = Reference(lambda: W[xs[0]], sent=[xs[0]], name="vectorised indexing and sending the indices")
    hw = student.put(W, "table")   # sent once, outside the timing
    case = f"lookup with x of shape {NUMPY_SPEED_SHAPE}"
    attempts = Attempts(xs, [W[x] for x in xs], lambda x: student.time_call("lookup", hw, x),
                        lambda got, want: check_array(got, want, case, exact=True, dtype="float32"))
    check_speed(case, reference, attempts, LOOP_HINT)


# ---------------------------------------------------------------- lookup_torch


def check_lookup_torch(student, case, W, x, dev):
    got = named(case, student.call, "lookup_torch", tensor(W, dev), tensor(x, dev))
    check_tensor(got, W[x], case, device=dev, exact=True, dtype=W.dtype.name)


@points(1, task="lookup_torch")
def test_lookup_torch_example(student, devices):
    """lookup_torch: the Lasagne example, on each device"""
    for dev in devices:
        check_lookup_torch(student, f"the Lasagne example on {dev}", LASAGNE_W, LASAGNE_X, dev)


@points(1, task="lookup_torch")
def test_lookup_torch_shapes_dtypes(student, devices, rng):
    """lookup_torch: 1-D to 3-D, empty batches, int32, int16 and uint8 indices, float64 tables"""
    for dev in devices:
        for shape, v in SHAPES + [(s, 5) for s in EMPTY_SHAPES]:
            check_lookup_torch(student, f"x of shape {shape} on {dev}", table(rng, v, 3), indices(rng, shape, v), dev)
        check_lookup_torch(student, f"float64 table, int32 indices on {dev}", table(rng, 20, 4, "float64"),
                           indices(rng, (3, 5), 20, "int32"), dev)
        # torch indexes only with int64 and int32 (uint8 would act as a mask): the others need converting.
        for dtype in ("int16", "uint8"):
            check_lookup_torch(student, f"{dtype} indices on {dev}", table(rng, 20, 4),
                               indices(rng, (3, 5), 20, dtype), dev)


@points(1, task="lookup_torch")
def test_lookup_torch_non_integer(student, devices, rng):
    """lookup_torch: float, complex and bool index tensors raise ValueError"""
    W = table(rng, 5, 3)
    for dev in devices:
        # Raising is easy; the point needs valid int32 indices looked up right too.
        check_lookup_torch(student, f"int32 indices on {dev} (valid)", W, np.array([3, 1, 4], np.int32), dev)
        for case, x in [(f"float32 indices on {dev}", np.array([1.0, 2.0], np.float32)),
                        (f"bool indices on {dev}", np.ones(5, bool)),
                        (f"complex64 indices on {dev}", np.array([1, 2], np.complex64))]:
            expect_error(lambda: student.call("lookup_torch", tensor(W, dev), tensor(x, dev)), case, "ValueError")


@points(1, task="lookup_torch")
def test_lookup_torch_tracks_gradient(student, devices, rng):
    """lookup_torch: when W requires grad, the result is part of the autograd graph (backward reaches W)"""
    for dev in devices:
        W, x = table(rng, 6, 3), indices(rng, (2, 3), 6)
        G = upstream(rng, x.shape + (3,))
        case = f"W with requires_grad=True on {dev}"
        hw = student.put(tensor(W, dev, requires_grad=True), "table")
        out = named(case, student.new, "lookup_torch", hw, tensor(x, dev))   # the result stays in the worker
        check_tensor(named(case, out.value), W[x], case, device=dev, exact=True, dtype="float32")
        # What the worker says about requires_grad or grad_fn could be patched; the gradient that
        # backward with our upstream gradient leaves in W.grad can only come from a tracked result.
        case = f"lookup_torch(W, x).backward(G) with a random G on {dev}"
        try:
            out.call("backward", tensor(G, dev))
        except StudentRaised as e:
            raise Mismatch(f"{case}: backward failed ({e.message[:200]}): the result does not track gradients; "
                           "don't go through numpy, .detach() or .data") from None
        grad = hw.attr("grad")
        if grad is None:
            raise Mismatch(f"{case}: W.grad is None afterwards, no gradient reached W")
        check_tensor(grad, scattered(G, x, 6), f"W.grad after {case}", device=dev, dtype="float32")


@points(1, task="lookup_torch")
def test_lookup_torch_backward(student, devices, rng):
    """lookup_torch: the gradient of the result's sum counts each index (repeats add up)"""
    for dev in devices:
        W, x = table(rng, 7, 3), np.array([[0, 6, 6], [2, 0, 6]])
        case = f"lookup_torch(W, x).sum().backward() on {dev}"
        hw = student.put(tensor(W, dev, requires_grad=True), "table")
        out = named(case, student.new, "lookup_torch", hw, tensor(x, dev))   # new(): the result stays in the worker
        named(case, out.call("sum", keep=True).call, "backward")
        grad = hw.attr("grad")
        if grad is None:
            raise Mismatch(f"{case}: W.grad is None afterwards, no gradient reached W")
        check_tensor(grad, counts(x, 7, 3), f"W.grad after {case}", device=dev, dtype="float32")


@points(2, task="lookup_torch")
def test_lookup_torch_speed(student, devices, rng):
    """lookup_torch: a batch of 200 x 500 indices is about as fast as vectorised indexing"""
    for dev in devices:
        W = table(rng, SPEED_V, SPEED_D)
        xs = [indices(rng, TORCH_SPEED_SHAPE, SPEED_V) for _ in range(SPEED_ATTEMPTS)]   # new indices each attempt
        Wt = torch.from_numpy(W).to(dev)

        def reference():
            # The indices moved to the device, as the worker does; on a GPU, .cpu() waits for it
            # and copies the rows back, as reading the result does.
            Wt[torch.from_numpy(xs[0]).to(dev)].cpu()

        ref = Reference(reference, sent=[xs[0]], name="vectorised indexing and sending the indices")
        hw = student.put(tensor(W, dev), "table")
        case = f"lookup_torch with x of shape {TORCH_SPEED_SHAPE} on {dev}"
        attempts = Attempts(xs, [W[x] for x in xs],
                            lambda x: student.time_call("lookup_torch", hw, tensor(x, dev), sync=True),
                            lambda got, want: check_tensor(got, want, case, device=dev, exact=True, dtype="float32"))
        check_speed(case, ref, attempts, LOOP_HINT, slack=TORCH_SPEED_SLACK)


# ---------------------------------------------------------------- Embedding


def embedding_on(student, v, d, dev, W=None):
    """A new Embedding(v, d) in the worker, moved to `dev`, with weight W if given."""
    m = student.new("Embedding", v, d)
    named(f"Embedding({v}, {d}).to('{dev}')", m.call, "to", dev)
    if W is not None:
        named(f"setting the weight of Embedding({v}, {d})", m.set, "weight", tensor(W, dev))
    return m


@points(1, task="embedding")
def test_embedding_parameter(student, rng):
    """Embedding: weight is an nn.Parameter of shape (num_embeddings, embedding_dim), the only parameter"""
    m = student.new("Embedding", 7, 3)
    w = m.attr("weight")
    if not isinstance(w, TensorData):
        raise Mismatch("Embedding(7, 3).weight should be a torch tensor (an nn.Parameter)")
    if w.shape != (7, 3):
        raise Mismatch(f"Embedding(7, 3).weight has shape {w.shape}, but (7, 3) was expected")
    # The dtype's name is checked against the values that crossed (sandbox/boundary.py), but values that
    # fit float32 cannot tell a float64 weight converted on the way out: that part is forgeable.
    if w.dtype != "float32":
        raise Mismatch(f"Embedding(7, 3).weight should be float32 (it is {w.dtype})")
    # Whether weight is a parameter is shown by what the module does with its parameters(), not by
    # what the worker reports: zero_grad() clears the gradient of parameters only, so after
    # backward(G1), zero_grad(), backward(G2) a parameter's gradient is exactly that of G2.
    x = np.array([[0, 6, 6], [2, 0, 5]])
    m.set("weight", tensor(table(rng, 7, 3)))
    G1, G2 = upstream(rng, x.shape + (3,)), upstream(rng, x.shape + (3,))
    case = "Embedding(7, 3): forward(x).backward(G1), zero_grad(), forward(x).backward(G2)"
    for i, G in enumerate((G1, G2)):
        if i:
            named(case, m.call, "zero_grad")
        out = named(case, m.call, "forward", tensor(x), keep=True)
        named(case, out.call, "backward", tensor(G))
    grad = m.attr("weight.grad")
    if not isinstance(grad, TensorData):
        raise Mismatch(f"{case}: weight.grad is not a tensor afterwards: weight does not get a gradient")
    expected = scattered(G2, x, 7)
    if grad.shape == expected.shape and np.allclose(grad.array, expected + scattered(G1, x, 7)):
        raise Mismatch(f"{case}: zero_grad() did not clear weight's gradient, so weight is not among the module's "
                       "parameters(): wrap it in torch.nn.Parameter so that parameters() (and so an optimiser) see it")
    check_tensor(grad, expected, f"weight.grad after {case}", device="cpu", dtype="float32")
    # Forgeable (the worker reports the length); 1 point with the checks above. state_dict() is
    # an OrderedDict, which does not cross as plain data: ask for its length.
    n = m.call("state_dict", keep=True).call("__len__")
    if n != 1:
        raise Mismatch(f"Embedding(7, 3) has {n} entries in its state_dict; weight should be its only parameter")


@points(1, task="embedding")
def test_embedding_init(student):
    """Embedding: the weight is initialised N(0, 1), like nn.Embedding (mean ~ 0, std ~ 1)"""
    m = student.new("Embedding", 2000, 50)
    w = m.attr("weight")
    if not hasattr(w, "array") or w.shape != (2000, 50):
        raise Mismatch("Embedding(2000, 50).weight should be a tensor of shape (2000, 50)")
    # The values read are what the worker sends for weight; forward over every index must give
    # the same rows, so a worker patched to show other values than the ones in use has to fake
    # those too. (Not unforgeable; 1 point.)
    case = "Embedding(2000, 50).forward(all 2000 indices) right after construction"
    check_tensor(named(case, m.call, "forward", tensor(np.arange(2000))), w.array, case, device="cpu", exact=True)
    values = w.array.astype(np.float64)
    if not np.isfinite(values).all():
        raise Mismatch("Embedding(2000, 50).weight contains NaN or infinite values")
    mean, std = values.mean(), values.std()
    # For 100,000 standard normal values, mean and std are within 0.02 of 0 and 1 with
    # overwhelming probability; zeros (std 0) and uniform [0, 1) (mean 0.5) are far off.
    if abs(mean) > 0.05 or not 0.9 < std < 1.1:
        raise Mismatch(f"Embedding(2000, 50).weight has mean {mean:.3f} and standard deviation {std:.3f}; "
                       "a standard normal initialisation (torch.randn) gives about 0 and 1")
    # The shape of the distribution too: 68.3% of standard normal values lie within one standard
    # deviation (here within 0.005 of that; the standard error is 0.0015), 57.7% of a uniform one's.
    within = np.mean(np.abs(values) < 1.0)
    if abs(within - 0.6827) > 0.01:
        raise Mismatch(f"Embedding(2000, 50).weight has {within:.1%} of its values in (-1, 1), where a standard "
                       "normal initialisation (torch.randn) has about 68.3%")


@points(1, task="embedding")
def test_embedding_forward(student, devices, rng):
    """Embedding: forward returns the weight's rows for 1-D, 2-D and 3-D index tensors, on each device"""
    for dev in devices:
        W = table(rng, 12, 4)
        m = embedding_on(student, 12, 4, dev, W)
        for shape, _ in SHAPES:
            x = indices(rng, shape, 12)
            case = f"forward with x of shape {shape} on {dev}"
            got = named(case, m.call, "forward", tensor(x, dev))
            check_tensor(got, W[x], case, device=dev, exact=True, dtype="float32")


@points(1, task="embedding")
def test_embedding_forward_empty_int32(student, devices, rng):
    """Embedding: forward on empty batches and on int32, int16 and uint8 indices"""
    for dev in devices:
        W = table(rng, 6, 2)
        m = embedding_on(student, 6, 2, dev, W)
        xs = [(f"empty x of shape {s}", np.zeros(s, np.int64)) for s in EMPTY_SHAPES]
        xs += [(f"{dtype} indices", indices(rng, (3, 4), 6, dtype)) for dtype in ("int32", "int16", "uint8")]
        for what, x in xs:
            case = f"forward with {what} on {dev}"
            got = named(case, m.call, "forward", tensor(x, dev))
            check_tensor(got, W[x], case, device=dev, exact=True, dtype="float32")


@points(2, task="embedding")
def test_embedding_gradient(student, devices, rng):
    """Embedding: the gradient of forward(x).sum() w.r.t. weight counts each index (scatter-add)"""
    for dev in devices:
        v, d = 9, 3
        x = np.array([[0, 8, 8, 3], [3, 3, 0, 8]])
        case = f"Embedding({v}, {d}).forward(x).sum().backward() on {dev}"
        m = embedding_on(student, v, d, dev, table(rng, v, d))
        out = named(case, m.call, "forward", tensor(x, dev), keep=True)
        named(case, out.call("sum", keep=True).call, "backward")
        grad = m.attr("weight.grad")
        if grad is None:
            raise Mismatch(f"{case}: weight.grad is None afterwards: the output is not connected to the "
                           "weight parameter")
        check_tensor(grad, counts(x, v, d), f"weight.grad after {case}", device=dev, dtype="float32")


@points(1, task="embedding")
def test_embedding_speed(student, devices, rng):
    """Embedding: forward on a batch of 200 x 500 indices is about as fast as vectorised indexing"""
    for dev in devices:
        # Our own table, so the expected rows do not rest on what the worker says its weight is.
        W = table(rng, SPEED_V, SPEED_D)
        xs = [indices(rng, TORCH_SPEED_SHAPE, SPEED_V) for _ in range(SPEED_ATTEMPTS)]   # new indices each attempt
        Wt = torch.nn.Parameter(torch.from_numpy(W).to(dev))

        def reference():
            Wt[torch.from_numpy(xs[0]).to(dev)].cpu()   # as in test_lookup_torch_speed

        ref = Reference(reference, sent=[xs[0]], name="vectorised indexing and sending the indices")
        m = embedding_on(student, SPEED_V, SPEED_D, dev, W)
        case = f"Embedding.forward with x of shape {TORCH_SPEED_SHAPE} on {dev}"
        attempts = Attempts(xs, [W[x] for x in xs], lambda x: m.time_call("forward", tensor(x, dev), sync=True),
                            lambda got, want: check_tensor(got, want, case, device=dev, exact=True, dtype="float32"))
        check_speed(case, ref, attempts, LOOP_HINT, slack=TORCH_SPEED_SLACK)


# ---------------------------------------------------------------- lookup_torch: invalid indices
# Last in the file: on a GPU, code that does not check its indices triggers a
# device-side assert, after which every CUDA call in the worker fails. Running
# these tests last keeps that from costing points in other tests.


@points(1, task="lookup_torch")
def test_lookup_torch_out_of_range(student, devices, rng):
    """lookup_torch: a negative index or an index >= len(W) raises ValueError, even one that int32 would wrap"""
    W = table(rng, 5, 3)
    for dev in devices:
        # Raising is easy; the point needs the valid boundaries (0 and len(W) - 1) looked up right too.
        check_lookup_torch(student, f"indices 0 and 4, the first and last rows, on {dev} (valid)", W,
                           np.array([[4, 0], [0, 4]]), dev)
        for case, x in [(f"index -1 on {dev}", np.array([2, -1])),
                        (f"int32 index 5 with 5 rows on {dev}", np.array([[5]], np.int32)),
                        (f"int64 index 2**32 + 1 (1 if cast to int32) on {dev}", np.array([2, 2**32 + 1]))]:
            expect_error(lambda: student.call("lookup_torch", tensor(W, dev), tensor(x, dev)), case, "ValueError")


# ---------------------------------------------------------------- questions
# The key lives here only: the notebook's answer cell is stripped on release. `why` is what a
# learner reads once the answers are released.

QUESTIONS = {
    1: Number(5, '`W[x][0, 1]` is row `x[0, 1] = 1` of `W`, `[3, 4, 5]`; its element 2 is 5.', ask='`W = np.arange(12).reshape(4, 3)` and `x = np.array([[3, 1], [0, 0]])`. What is `W[x][0...'),
    2: Number(10_000, 'Rows are numbered from 0, so a table needs one row more than the largest index: 10,000.', ask='The largest index in your data is 9,999, and 0 occurs too. What is the smallest `num_em...'),
    3: Number(96_000, "The output has the input's shape with `embedding_dim` appended, `(64, 30, 50)`: 96,000 numbers. The vocabulary size does not appear in it.", ask='`nn.Embedding(5000, 50)` receives a batch of shape `(64, 30)`. How many numbers does it...'),
    4: Choice("c", '`nn.Embedding` checks the range of its indices and refuses -1. Plain indexing, `W[x]` in numpy or torch, would silently count from the end, which is why a hand-written lookup must check the range itself.', ask='`emb = nn.Embedding(10, 4)`. What does `emb(torch.tensor([-1]))` do'),
    5: Choice("b", 'An embedding layer is a linear layer without bias applied to one-hot vectors; `nn.Linear` keeps its matrix as `(d, V)`, so it holds `W` transposed.', ask='`lin = nn.Linear(V, d, bias=False)` should give, on one-hot vectors, the outputs that `...'),
    6: Choice("d", '`from_pretrained(W)` defaults to `freeze=True`: `weight.requires_grad` is False, so no gradient reaches it. Pass `freeze=False` to train it.', ask='`emb = nn.Embedding.from_pretrained(W)`, and an optimiser trains a model built on `emb`...'),
    7: Choice("a", 'An embedding layer is not a separate, pre-trained model: its table starts random (normal, in PyTorch) and learns whatever the loss rewards. Pretrained vectors are something you load into it on purpose.', ask='What does `nn.Embedding(V, d)` hold when it is created'),
    8: Choice("a", 'A lookup copies `d` numbers per token whatever V is; the one-hot product builds vectors of length V and multiplies by the whole `V × d` table: its cost grows with V.', ask='The batch and `d` stay fixed while the vocabulary grows from 10,000 to 20,000 rows. Rou...'),
}


globals().update(question_tests(2, QUESTIONS))
