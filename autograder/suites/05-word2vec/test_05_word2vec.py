"""Hidden tests for exercise 05-word2vec.

Everything is computed here, in the grader: reference pairs, probabilities, losses and
gradients (torch autograd on the same inputs, and central finite differences of the
submission's own loss at inputs perturbed here). The submission only returns values.
Random generators the submission needs are created in the worker with the notebook's
`default_rng` and passed by handle; every seed is fixed, so each statistical check gives the
same verdict on every run. Failure messages never show expected values.

The training tests use a planted corpus (groups of words that only co-occur within their
group) and the real thing: one epoch on the Brown corpus (1,013,319 words) with settings that
learn fast (dimension 32, learning rate 0.1, subsampling t = 1e-4), after which the input
vectors must reach a WordSim-353 Spearman correlation of at least 0.10. The solution's numpy
trainer reaches 0.159-0.177 over seeds 1-3 (20-29 s on a loaded 2-core machine); a table that
learned nothing scores about 0 (standard error 0.06 over the 274 pairs in the vocabulary).
"""
from collections import Counter

import numpy as np
import torch
from scipy import sparse
from scipy.sparse.linalg import svds
from scipy.stats import chi2

from autograder.harness import (Choice, Number, question_tests, load_once, Mismatch, check_array, check_equal,
                                check_unchanged, describe, expect_error, named, points)

# ---------------------------------------------------------------- helpers


def generator(student, seed):
    """A np.random.Generator living in the worker, created by the notebook's default_rng."""
    return named(f"creating default_rng({seed})", student.new, "default_rng", seed).handle


def ref_pairs(ids, window):
    out = []
    n = len(ids)
    for i in range(n):
        for j in range(max(0, i - window), min(n, i + window + 1)):
            if j != i:
                out.append((ids[i], ids[j]))
    return np.array(out, dtype=np.int64).reshape(-1, 2)


def chi_square_p(samples, probs):
    """p-value of Pearson's chi-square test of the samples against probs (cells with p > 0)."""
    observed = np.bincount(samples.reshape(-1), minlength=len(probs))[: len(probs)]
    n = samples.size
    mask = probs > 0
    if observed[~mask].any():
        return 0.0
    expected = n * probs[mask]
    stat = ((observed[mask] - expected) ** 2 / expected).sum()
    return float(chi2.sf(stat, mask.sum() - 1))


def sgns_reference(v, up, un):
    """Loss and gradients of the summed negative-sampling loss, with torch autograd."""
    tv, tp, tn = (torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in (v, up, un))
    s_pos = (tv * tp).sum(1)
    s_neg = torch.einsum("bkd,bd->bk", tn, tv)
    loss = torch.nn.functional.softplus(-s_pos).sum() + torch.nn.functional.softplus(s_neg).sum()
    loss.backward()
    return float(loss.detach()), tv.grad.numpy(), tp.grad.numpy(), tn.grad.numpy()


def ref_cosine(A, B):
    a = A / np.maximum(np.linalg.norm(A, axis=1, keepdims=True), 1e-300)
    b = B / np.maximum(np.linalg.norm(B, axis=1, keepdims=True), 1e-300)
    return a @ b.T


def pair_cosine(W, a, b):
    """cos(W[a[k]], W[b[k]]) for each k: the pairs only (the whole V x V matrix of a real vocabulary
    is gigabytes and seconds)."""
    unit = W / np.maximum(np.linalg.norm(W, axis=1, keepdims=True), 1e-300)
    return np.einsum("kd,kd->k", unit[a], unit[b])


# ---------------------------------------------------------------- pairs


@points(1, task="pairs")
def test_pairs_fixed_examples(student):
    """skipgram_pairs: fixed windows on short sentences (order: centers, then contexts left to right)"""
    for ids, w in [([4, 7, 1, 9, 2], 1), ([4, 7, 1, 9, 2], 2), ([3, 3, 5], 1), ([8, 0], 3), ([1, 2, 3, 4, 5, 6], 5)]:
        case = f"ids {ids}, window {w}"
        got = named(case, student.call, "skipgram_pairs", np.array(ids), w)
        check_array(got, ref_pairs(ids, w), case, exact=True, dtype="int64")


@points(1, task="pairs")
def test_pairs_fixed_random(student, rng):
    """skipgram_pairs: fixed windows 1-4 on random sentences of 2-40 words (int32 and int64 ids)"""
    for n, w, dt in [(2, 1, "int64"), (17, 2, "int32"), (40, 4, "int64"), (9, 3, "int64"), (25, 1, "int32")]:
        ids = rng.integers(0, 50, n).astype(dt)
        case = f"a sentence of {n} words ({dt}), window {w}"
        got = named(case, student.call, "skipgram_pairs", ids, w)
        check_array(got, ref_pairs(ids.astype(np.int64), w), case, exact=True, dtype="int64")


@points(2, task="pairs")
def test_pairs_dynamic_distances(student):
    """skipgram_pairs: dynamic window: distance d <= window is used with probability (window - d + 1) / window"""
    for window, seed in [(5, 11), (3, 12)]:
        n = 30_000
        case = f"dynamic window {window} on a sentence of {n} distinct words"
        got = named(case, student.call, "skipgram_pairs", np.arange(n), window, generator(student, seed))
        if not isinstance(got, np.ndarray) or got.ndim != 2 or got.shape[1] != 2 or got.dtype != np.int64:
            raise Mismatch(f"{case}: expected an int64 array of shape (P, 2)")
        d = got[:, 1] - got[:, 0]
        if (d == 0).any():
            raise Mismatch(f"{case}: some pairs have the center as its own context")
        if np.abs(d).max() > window:
            raise Mismatch(f"{case}: some pairs are farther apart than the window")
        for k in range(1, window + 1):
            share = (d == k).sum() / (n - k)          # right contexts at distance k per center
            left = (d == -k).sum() / (n - k)
            expected = (window - k + 1) / window
            if abs(share - expected) > 0.02 or abs(left - expected) > 0.02:
                raise Mismatch(f"{case}: contexts at distance {k} are used with probability {share:.3f} "
                               f"(right) and {left:.3f} (left); (window - d + 1) / window was expected")
        # one window size per center, the same on both sides
        centers = got[:, 0]
        right = np.bincount(centers[d > 0], minlength=n)[window:n - window]
        left = np.bincount(centers[d < 0], minlength=n)[window:n - window]
        if not np.array_equal(right, left):
            raise Mismatch(f"{case}: a center must use the same window size on its left and its right")


@points(1, task="pairs")
def test_pairs_edge_cases(student):
    """skipgram_pairs: empty and one-word sentences give shape (0, 2); a numpy integer window works; a bad window or 2-D ids raise ValueError"""
    for ids in ([], [7]):
        case = f"ids {ids}"
        got = named(case, student.call, "skipgram_pairs", np.array(ids, dtype=np.int64), 2)
        check_array(got, np.zeros((0, 2), np.int64), case, exact=True, dtype="int64")
    case = "ids [4, 7, 1], window np.int64(1)"
    # A numpy integer made in the worker (the transport would turn one sent from here into an array).
    numpy_one = named(case, student.new, "default_rng", 0).call("integers", 1, 2, keep=True)
    got = named(case, student.call, "skipgram_pairs", np.array([4, 7, 1]), numpy_one)
    check_array(got, ref_pairs([4, 7, 1], 1), case, exact=True, dtype="int64")
    for case, args in [("window 0", (np.arange(5), 0)), ("window -1", (np.arange(5), -1)),
                       ("window 2.5", (np.arange(5), 2.5)), ("window True", (np.arange(5), True)),
                       ("2-D ids", (np.arange(6).reshape(2, 3), 1))]:
        expect_error(lambda: student.call("skipgram_pairs", *args), case, "ValueError")


def ref_corpus_pairs(ids, sentence_ids, window):
    rows = []
    for k in np.unique(sentence_ids):
        rows.append(ref_pairs(ids[sentence_ids == k], window))
    out = np.concatenate(rows) if rows else np.zeros((0, 2), np.int64)
    return out[np.lexsort((out[:, 1], out[:, 0]))]


def sorted_pairs(case, got):
    if not isinstance(got, np.ndarray) or got.ndim != 2 or got.shape[1:] != (2,):
        raise Mismatch(f"{case}: expected an int64 array of shape (P, 2), got {type(got).__name__}"
                       + (f" of shape {got.shape}" if isinstance(got, np.ndarray) else ""))
    return got[np.lexsort((got[:, 1], got[:, 0]))]


@points(2, task="pairs")
def test_corpus_pairs_respect_sentence_boundaries(student, rng):
    """corpus_pairs: the pairs of every sentence of a corpus, none across a sentence boundary"""
    cases = [(np.array([1, 2, 3, 4, 5, 6]), np.array([0, 0, 0, 1, 1, 1]), 2),
             (np.array([9, 8, 7, 6]), np.array([0, 1, 2, 3]), 3)]
    lengths = rng.integers(1, 12, 60)
    cases.append((rng.integers(0, 40, lengths.sum()), np.repeat(np.arange(60), lengths), 3))
    lengths = rng.integers(1, 30, 3000)
    cases.append((rng.integers(0, 500, lengths.sum()), np.repeat(np.arange(3000), lengths) * 7 + 3, 5))
    lengths = rng.integers(1, 9, 40)
    cases.append((rng.integers(0, 30, lengths.sum()).astype(np.int32), np.repeat(np.arange(40), lengths), 2))
    for ids, sid, w in cases:
        case = f"{len(np.unique(sid))} sentences, {len(ids)} words ({ids.dtype}), window {w}"
        got = named(case, student.call, "corpus_pairs", ids, sid, w)
        check_array(sorted_pairs(case, got), ref_corpus_pairs(ids.astype(np.int64), sid, w), case, exact=True,
                    dtype="int64")


# ---------------------------------------------------------------- noise


@points(1, task="noise")
def test_noise_distribution_values(student, rng):
    """noise_distribution: counts ** 0.75, normalised, float64"""
    for case, counts in [("counts [10, 1000, 3]", np.array([10, 1000, 3])),
                         ("500 Zipf-like counts", (100_000 / np.arange(1, 501)).astype(np.int64)),
                         ("random float counts", rng.random(20) * 50)]:
        w = counts.astype(np.float64) ** 0.75
        got = named(case, student.call, "noise_distribution", counts)
        check_array(got, w / w.sum(), case, dtype="float64", rtol=1e-9, atol=1e-12)


@points(1, task="noise")
def test_noise_distribution_power_zero_errors(student):
    """noise_distribution: other powers, zero counts get probability 0; negative, all-zero, empty or 2-D counts raise ValueError"""
    for counts, power in [([5, 0, 20, 1], 1.0), ([5, 0, 20, 1], 0.5), ([5, 0, 20, 1], 0.0), ([7], 0.75),
                          ([3_100_000_000, 1_000_000_000, 0], 2)]:   # an int power of large int counts: no overflow
        counts = np.array(counts)
        w = np.where(counts > 0, counts.astype(float) ** power, 0.0)
        case = f"counts {counts.tolist()}, power {power}"
        check_array(named(case, student.call, "noise_distribution", counts, power=power), w / w.sum(), case,
                    dtype="float64", rtol=1e-9, atol=1e-12)
    for case, bad in [("a negative count", np.array([3, -1, 2])), ("all-zero counts", np.zeros(4)),
                      ("empty counts", np.zeros(0)), ("2-D counts", np.ones((2, 3)))]:
        expect_error(lambda: student.call("noise_distribution", bad), case, "ValueError")


@points(1, task="noise")
def test_sampler_frequencies(student):
    """sample_negatives: 200,000 draws follow the given distribution (chi-square test), int64 of the given shape"""
    probs = 1.0 / np.arange(1, 51)
    probs[7] = 0.0
    probs /= probs.sum()
    case = "200,000 draws (shape (40000, 5)) from a 50-word distribution"
    got = named(case, student.call, "sample_negatives", probs, (40_000, 5), generator(student, 21))
    if not isinstance(got, np.ndarray) or got.shape != (40_000, 5) or got.dtype != np.int64:
        raise Mismatch(f"{case}: expected an int64 array of shape (40000, 5)")
    if got.min() < 0 or got.max() >= len(probs):
        raise Mismatch(f"{case}: some samples are not word indices 0 .. 49")
    if chi_square_p(got, probs) < 1e-4:
        raise Mismatch(f"{case}: the sampled frequencies do not match the probabilities (chi-square test)")


@points(1, task="noise")
def test_sampler_matches_unigram_075(student):
    """noise_distribution + sample_negatives: sampled noise words follow unigram ** 0.75"""
    counts = (50_000 / np.arange(1, 31) ** 1.1).astype(np.int64)
    case = "200,000 noise words for 30 Zipf-distributed counts"
    probs = named(case, student.call, "noise_distribution", counts)
    got = named(case, student.call, "sample_negatives", probs, 200_000, generator(student, 22))
    if not isinstance(got, np.ndarray) or got.shape != (200_000,):
        raise Mismatch(f"{case}: expected an array of shape (200000,)")
    target = counts ** 0.75 / (counts ** 0.75).sum()
    if chi_square_p(got, target) < 1e-4:
        raise Mismatch(f"{case}: the frequencies of the samples do not follow counts ** 0.75 (chi-square test)")


# ---------------------------------------------------------------- subsample


def ref_keep(counts, t):
    ratio = t / (counts / counts.sum())
    return np.minimum(1.0, np.sqrt(ratio) + ratio)


@points(1, task="subsample")
def test_keep_probability_values(student):
    """keep_probability: min(1, sqrt(t/f) + t/f) for several vocabularies and t"""
    for case, counts, t in [("counts [900, 90, 10], t = 0.01", np.array([900, 90, 10]), 0.01),
                            ("1,000 Zipf-like counts, t = 1e-3", (1e6 / np.arange(1, 1001)).astype(np.int64), 1e-3),
                            ("1,000 Zipf-like counts, t = 1e-5", (1e6 / np.arange(1, 1001)).astype(np.int64), 1e-5)]:
        got = named(case, student.call, "keep_probability", counts, t=t)
        check_array(got, ref_keep(counts.astype(float), t), case, dtype="float64", rtol=1e-9, atol=1e-12)


@points(1, task="subsample")
def test_keep_probability_default_and_errors(student):
    """keep_probability: default t = 1e-3; a zero count raises ValueError"""
    counts = np.array([50_000, 3_000, 400, 20, 1])
    case = "default t on 5 counts"
    check_array(named(case, student.call, "keep_probability", counts), ref_keep(counts.astype(float), 1e-3), case,
                dtype="float64", rtol=1e-9, atol=1e-12)
    expect_error(lambda: student.call("keep_probability", np.array([3, 0, 2])), "a zero count", "ValueError")


@points(1, task="subsample")
def test_subsample_statistics(student, rng):
    """subsample: each token is kept where its draw of rng.random(len(ids)) is below keep[token], order preserved"""
    keep = np.array([0.1, 0.5, 0.9, 1.0])
    ids = rng.integers(0, 4, 100_000)
    case = "100,000 tokens of 4 words with keep probabilities [0.1, 0.5, 0.9, 1.0]"
    got = named(case, student.call, "subsample", ids, keep, generator(student, 31))
    if not isinstance(got, np.ndarray) or got.ndim != 1 or got.dtype.kind not in "iu":
        raise Mismatch(f"{case}: expected a 1-D integer array of kept tokens")
    total = np.bincount(ids, minlength=4)
    kept = np.bincount(got, minlength=4)[:4]
    if np.abs(kept / total - keep).max() > 0.01:
        raise Mismatch(f"{case}: the share of kept tokens of some word is not its keep probability")
    j = 0   # got must be a subsequence of ids
    for tok in got.tolist():
        while j < len(ids) and ids[j] != tok:
            j += 1
        if j == len(ids):
            raise Mismatch(f"{case}: the kept tokens are not in their original order")
        j += 1
    # The specified draw, one uniform number per token from the generator (the grader's own copy
    # of default_rng(31)), decides exactly which tokens stay.
    expected = ids[np.random.default_rng(31).random(len(ids)) < keep[ids]]
    check_array(got, expected, f"{case}: the kept tokens are not those whose rng.random(len(ids)) draw is below "
                "their keep probability", exact=True)
    # "below" is strict: a token whose draw equals its keep probability is dropped.
    ties = np.array([0, 1, 2, 3])
    draws = np.random.default_rng(33).random(4)
    got = named("subsample where each keep probability equals its token's draw", student.call, "subsample", ties,
                draws.copy(), generator(student, 33))
    check_array(got, ties[:0], "subsample where each keep probability equals its token's draw (kept only if the "
                "draw is below it)", exact=True, kind="iu")
    for what, few in (("no tokens", np.zeros(0, np.int64)), ("3 int32 tokens", np.array([3, 0, 2], np.int32))):
        got = named(f"subsample of {what}", student.call, "subsample", few, keep, generator(student, 32))
        expected = few[np.random.default_rng(32).random(len(few)) < keep[few]]
        check_array(got, expected, f"subsample of {what}", exact=True, kind="iu")


# ---------------------------------------------------------------- gradient (the derivation, step by step)
# Each step is evaluated at points drawn here and compared with the true derivative, computed here:
# σ' and (log σ)' in closed form (σ' checked against torch autograd in its test), the other steps by
# torch autograd on the same inputs. The results must be float64, as the task says.


def ref_sigmoid(x):
    return np.exp(-np.logaddexp(0.0, -np.asarray(x, dtype=np.float64)))


def derivative_points(rng):
    """Scores from everyday values to saturated ones, where a careless expression loses digits."""
    return np.concatenate([rng.normal(0, 2, 200), rng.uniform(-30, 30, 100), [0.0, -1e-9, 35.0, -35.0]])


def pair_reference(v, u_pos, u_neg):
    """(grad_v, grad_u_pos, grad_u_neg) of one pair's loss, by torch autograd."""
    tv, tp, tn = (torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in (v, u_pos, u_neg))
    loss = torch.nn.functional.softplus(-(tp @ tv)) + torch.nn.functional.softplus(tn @ tv).sum()
    loss.backward()
    return tv.grad.numpy(), tp.grad.numpy(), tn.grad.numpy()


@points(1, task="gradient")
def test_gradient_sigmoid_grad(student, rng):
    """sigmoid_grad: dσ/dx at random points, saturated ones included"""
    x = derivative_points(rng)
    s = ref_sigmoid(x)
    got = named("sigmoid_grad at 304 points", student.call, "sigmoid_grad", x)
    check_array(got, s * (1 - s), "sigmoid_grad at 304 points", rtol=1e-7, atol=1e-15, dtype="float64")
    x = torch.linspace(-8, 8, 41, dtype=torch.float64, requires_grad=True)
    torch.sigmoid(x).sum().backward()              # the closed form above, checked against autograd
    assert np.allclose(x.grad.numpy(), ref_sigmoid(x.detach().numpy()) * (1 - ref_sigmoid(x.detach().numpy())))


@points(1, task="gradient")
def test_gradient_log_sigmoid_grad(student, rng):
    """log_sigmoid_grad: d/dx log σ(x) at random points"""
    x = derivative_points(rng)
    got = named("log_sigmoid_grad at 304 points", student.call, "log_sigmoid_grad", x)
    check_array(got, ref_sigmoid(-x), "log_sigmoid_grad at 304 points", rtol=1e-7, atol=1e-15,
                dtype="float64")


@points(1, task="gradient")
def test_gradient_score_grads(student, rng):
    """score_grads: ∂ℓ/∂s_pos and ∂ℓ/∂s_neg at random scores"""
    for B, K in [(1, 1), (50, 5), (20, 15)]:
        case = f"scores of {B} pairs with {K} noise words"
        s_pos, s_neg = rng.normal(0, 3, B), rng.normal(0, 3, (B, K))
        tp = torch.tensor(s_pos, requires_grad=True)
        tn = torch.tensor(s_neg, requires_grad=True)
        (torch.nn.functional.softplus(-tp).sum() + torch.nn.functional.softplus(tn).sum()).backward()
        got = named(case, student.call, "score_grads", s_pos, s_neg)
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            raise Mismatch(f"{case}: expected a tuple (g_pos, g_neg), got {describe(got)}")
        check_array(got[0], tp.grad.numpy(), f"{case}: ∂ℓ/∂s_pos", rtol=1e-7, atol=1e-12, dtype="float64")
        check_array(got[1], tn.grad.numpy(), f"{case}: ∂ℓ/∂s_neg", rtol=1e-7, atol=1e-12, dtype="float64")


@points(1, task="gradient")
def test_gradient_pair_grads(student, rng):
    """pair_grads: the gradients of one pair's loss w.r.t. the center, context and noise vectors"""
    for d, K in [(1, 1), (5, 3), (20, 10), (8, 1)]:
        case = f"d = {d}, K = {K}"
        v, u_pos, u_neg = rng.normal(0, 1, d), rng.normal(0, 1, d), rng.normal(0, 1, (K, d))
        got = named(case, student.call, "pair_grads", v, u_pos, u_neg)
        if not isinstance(got, (tuple, list)) or len(got) != 3:
            raise Mismatch(f"{case}: expected a tuple (grad_v, grad_u_pos, grad_u_neg), got {describe(got)}")
        for name, g, e in zip(("grad_v", "grad_u_pos", "grad_u_neg"), got, pair_reference(v, u_pos, u_neg)):
            check_array(g, e, f"{case}: {name}", rtol=1e-7, atol=1e-12, dtype="float64")


@points(1, task="gradient")
def test_gradient_output_table_grad(student, rng):
    """output_table_grad: a noise word drawn twice, or equal to the context, adds a term per occurrence"""
    for V, d, center, context, noise in [(6, 3, 0, 1, [2, 2, 1, 4]), (5, 2, 3, 3, [3, 0]),
                                         (40, 8, 7, 12, list(rng.integers(0, 40, 15))), (4, 4, 1, 2, [0])]:
        case = f"V = {V}, context {context}, noise {noise}"
        W_in, W_out = rng.normal(0, 1, (V, d)), rng.normal(0, 1, (V, d))
        t_out = torch.tensor(W_out, requires_grad=True)
        v = torch.tensor(W_in[center])
        loss = (torch.nn.functional.softplus(-(t_out[context] @ v))
                + torch.nn.functional.softplus(t_out[torch.tensor(noise)] @ v).sum())
        loss.backward()
        got = named(case, student.call, "output_table_grad", W_in, W_out, center, context, np.array(noise))
        check_array(got, t_out.grad.numpy(), case, rtol=1e-7, atol=1e-12, dtype="float64")


# ---------------------------------------------------------------- loss


def loss_inputs(rng, B, K, d, scale=0.5):
    return (rng.normal(0, scale, (B, d)), rng.normal(0, scale, (B, d)), rng.normal(0, scale, (B, K, d)))


def call_loss(student, case, v, up, un):
    got = named(case, student.call, "sgns_loss_and_grads", v, up, un)
    if not isinstance(got, (tuple, list)) or len(got) != 4:
        raise Mismatch(f"{case}: expected a tuple (loss, grad_v, grad_u_pos, grad_u_neg)")
    return got


@points(1, task="loss")
def test_loss_value(student, rng):
    """sgns_loss_and_grads: the summed loss of random batches"""
    for B, K, d in [(1, 1, 3), (7, 5, 10), (32, 15, 20)]:
        case = f"B = {B}, K = {K}, d = {d}"
        v, up, un = loss_inputs(rng, B, K, d)
        loss = call_loss(student, case, v, up, un)[0]
        if not isinstance(loss, float):
            raise Mismatch(f"{case}: the loss should be a Python float")
        check_array(np.array(loss), np.array(sgns_reference(v, up, un)[0]), case, rtol=1e-9, atol=1e-9)


@points(2, task="loss")
def test_loss_gradients_autograd(student, rng):
    """sgns_loss_and_grads: gradients w.r.t. center, context and noise vectors equal torch autograd's"""
    for B, K, d in [(1, 1, 3), (7, 5, 10), (32, 15, 20)]:
        v, up, un = loss_inputs(rng, B, K, d, scale=1.0)
        _, gv, gp, gn = sgns_reference(v, up, un)
        got = call_loss(student, f"B = {B}, K = {K}, d = {d}", v, up, un)
        for name, g, e in [("grad_v", got[1], gv), ("grad_u_pos", got[2], gp), ("grad_u_neg", got[3], gn)]:
            check_array(g, e, f"{name} for B = {B}, K = {K}, d = {d}", rtol=1e-7, atol=1e-10)


@points(2, task="loss")
def test_loss_gradients_finite_differences(student, rng):
    """sgns_loss_and_grads: the right loss at perturbed inputs, and gradients that give its finite-difference slopes"""
    # The slopes are central differences of the grader's own loss, and the submission's loss at each
    # perturbed input must be right too: a loss and gradients that merely agree with each other
    # (all zero, say) earn nothing here.
    B, K, d = 4, 3, 6
    v, up, un = loss_inputs(rng, B, K, d, scale=1.0)
    _, gv, gp, gn = call_loss(student, "B = 4, K = 3, d = 6", v, up, un)
    eps = 1e-6
    for name, which, grad in [("v", 0, gv), ("u_pos", 1, gp), ("u_neg", 2, gn)]:
        if not isinstance(grad, np.ndarray) or grad.shape != (v, up, un)[which].shape:
            raise Mismatch(f"the gradient w.r.t. {name} should be an array of shape {(v, up, un)[which].shape}")
        for trial in range(3):
            direction = rng.normal(size=(v, up, un)[which].shape)
            plus, minus = [list((v, up, un)) for _ in range(2)]
            plus[which] = plus[which] + eps * direction
            minus[which] = minus[which] - eps * direction
            slope = []
            for where, point in (("+", plus), ("-", minus)):
                case = f"the loss at {name} {where} {eps:g} * a random direction (trial {trial + 1})"
                got = call_loss(student, case, *point)[0]
                if isinstance(got, bool) or not isinstance(got, (float, int, np.floating)):
                    raise Mismatch(f"{case}: the loss should be a Python float")
                expected = sgns_reference(*point)[0]
                check_array(np.array(float(got)), np.array(expected), case, rtol=1e-9, atol=1e-9)
                slope.append(expected)
            numeric = (slope[0] - slope[1]) / (2 * eps)
            analytic = float((np.asarray(grad, dtype=np.float64) * direction).sum())
            if not abs(numeric - analytic) <= 1e-5 * max(1.0, abs(numeric)):
                raise Mismatch(f"the gradient w.r.t. {name} disagrees with the finite-difference slope of "
                               f"the loss along a random direction (trial {trial + 1})")


@points(1, task="loss")
def test_loss_stable(student):
    """sgns_loss_and_grads: scores of +-60 give finite, correct loss and gradients"""
    v = np.array([[60.0], [-60.0]])
    up = np.array([[1.0], [1.0]])
    un = np.array([[[1.0], [-1.0]], [[1.0], [-1.0]]])
    got = call_loss(student, "scores of +-60", v, up, un)
    ref = sgns_reference(v, up, un)
    for name, g, e in zip(["loss", "grad_v", "grad_u_pos", "grad_u_neg"], got, ref):
        check_array(np.asarray(g, dtype=np.float64), np.asarray(e), f"{name} with scores of +-60", rtol=1e-7, atol=1e-9)


# ---------------------------------------------------------------- cbow


@points(1, task="cbow")
def test_cbow_values(student, rng):
    """cbow_average: means of random context rows (repeated words count twice), dtype kept"""
    for V, d, B, C, dt in [(10, 4, 5, 4, "float64"), (50, 8, 16, 6, "float32"), (3, 2, 4, 2, "float64")]:
        W = rng.normal(size=(V, d)).astype(dt)
        ctx = rng.integers(0, V, (B, C))
        ctx[0, :2] = ctx[0, 0]
        case = f"table {V} x {d} ({dt}), contexts {B} x {C}"
        got = named(case, student.call, "cbow_average", W, ctx)
        check_array(got, W.astype(np.float64)[ctx].mean(axis=1), case, dtype=dt, rtol=1e-5, atol=1e-6)


@points(1, task="cbow")
def test_cbow_shapes(student, rng):
    """cbow_average: one context word, one center"""
    W = rng.normal(size=(6, 3))
    for ctx in (np.array([[4], [1]]), np.array([[2, 5, 0]])):
        case = f"contexts of shape {ctx.shape}"
        check_array(named(case, student.call, "cbow_average", W, ctx), W[ctx].mean(axis=1), case, rtol=1e-9)


# ---------------------------------------------------------------- similarity


@points(1, task="similarity")
def test_cosine_values(student, rng):
    """cosine_similarity: random matrices of different lengths and sizes, a float64 result (also from float32 tables)"""
    for n, m, d, dt in [(1, 1, 3, "float64"), (5, 8, 4, "float64"), (20, 3, 16, "float64"), (6, 7, 5, "float32")]:
        A = (rng.normal(size=(n, d)) * rng.uniform(0.1, 10, (n, 1))).astype(dt)
        B = (rng.normal(size=(m, d)) * rng.uniform(0.1, 10, (m, 1))).astype(dt)
        case = f"A {n} x {d}, B {m} x {d} ({dt})"
        # a float64 result, also from float32 tables (whose own precision is allowed for)
        tol = 1e-9 if dt == "float64" else 1e-6
        check_array(named(case, student.call, "cosine_similarity", A, B),
                    ref_cosine(A.astype(np.float64), B.astype(np.float64)), case, dtype="float64", rtol=tol, atol=tol)


@points(1, task="similarity")
def test_cosine_scale_and_zero(student):
    """cosine_similarity: invariant to the lengths of the vectors; a zero vector gives 0, not nan"""
    A = np.array([[3.0, 4.0], [30.0, 40.0], [0.0, 0.0]])
    B = np.array([[4.0, -3.0], [0.6, 0.8], [0.0, 0.0]])
    expected = np.array([[0.0, 1.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0]])
    check_array(named("rows of different lengths and zero rows", student.call, "cosine_similarity", A, B),
                expected, "rows of different lengths and zero rows", rtol=1e-9, atol=1e-9)


# A table in which dot products and cosines rank differently: "giant" is long but off-direction.
SIM_WORDS = ["cat", "dog", "kitten", "car", "giant", "tiger"]
SIM_W = np.array([[1.0, 0.1, 0.0], [0.8, 0.5, 0.1], [0.5, 0.06, 0.0], [0.0, 0.2, 1.0], [6.0, 6.0, 4.0],
                  [0.9, 0.0, 0.05]])


@points(2, task="similarity")
def test_most_similar_exact(student):
    """most_similar: ranking by cosine (not dot product), ties in the order of words, query excluded, topn, similarities; KeyError for unknown words"""
    sims = ref_cosine(SIM_W, SIM_W)
    for query, topn in [("cat", 3), ("car", 2), ("kitten", 5), ("dog", 1)]:
        q = SIM_WORDS.index(query)
        order = [i for i in np.argsort(-sims[q], kind="stable") if i != q][:topn]
        case = f"most_similar of {query!r}, topn = {topn}"
        got = named(case, student.call, "most_similar", SIM_W, SIM_WORDS, query, topn=topn)
        if not isinstance(got, list) or not all(isinstance(t, (tuple, list)) and len(t) == 2 for t in got):
            raise Mismatch(f"{case}: expected a list of (word, similarity) tuples")
        check_equal([t[0] for t in got], [SIM_WORDS[i] for i in order], case)
        check_array(np.array([float(t[1]) for t in got]), sims[q, order], f"{case}: the similarities", rtol=1e-7)
    # Ties (rows that are multiples of one another by powers of 2 have exactly equal cosines) keep the
    # order of `words`, among more words than a sort handles by insertion.
    rng = np.random.default_rng(5)
    base = rng.normal(size=(6, 4))
    tied = base[rng.integers(0, 6, 80)] * 2.0 ** rng.integers(-3, 4, (80, 1))
    names = [f"w{i}" for i in range(80)]
    sims = ref_cosine(tied, tied)
    for q in (0, 7, 33):
        order = [i for i in np.argsort(-sims[q], kind="stable") if i != q][:30]
        case = f"most_similar of {names[q]!r} among 80 words with many tied cosines, topn = 30"
        got = named(case, student.call, "most_similar", tied, names, names[q], topn=30)
        if not isinstance(got, list) or not all(isinstance(t, (tuple, list)) and len(t) == 2 for t in got):
            raise Mismatch(f"{case}: expected a list of (word, similarity) tuples")
        check_equal([t[0] for t in got], [names[i] for i in order], f"{case} (ties in the order of words)")
    expect_error(lambda: student.call("most_similar", SIM_W, SIM_WORDS, "zebra"), "an unknown query word", "KeyError")


ANALOGY_WORDS = ["man", "woman", "king", "queen", "prince", "apple", "monarch"]
ANALOGY_W = np.array([
    [0.0, 0.2, 0.1, 1.0],     # man
    [0.0, -0.2, 0.1, 1.0],    # woman
    [1.0, 0.2, 0.0, 1.0],     # king
    [1.0, -0.2, 0.8, 1.0],    # queen: woman : queen = man : ? is closest to queen itself
    [0.8, 0.3, -0.3, 0.9],    # prince
    [0.0, 0.0, 1.0, 0.2],     # apple
    [12.0, 0.0, 0.0, 9.0],    # monarch: long, so the largest dot product in every question
])


def ref_analogy(a, b, c):
    unit = ANALOGY_W / np.linalg.norm(ANALOGY_W, axis=1, keepdims=True)
    idx = {w: i for i, w in enumerate(ANALOGY_WORDS)}
    target = unit[idx[b]] - unit[idx[a]] + unit[idx[c]]
    sims = unit @ target
    for w in (a, b, c):
        sims[idx[w]] = -np.inf
    return ANALOGY_WORDS[int(np.argmax(sims))]


@points(2, task="similarity")
def test_analogy_exact(student):
    """analogy: 3CosAdd on a hand-built table, excluding the three query words; KeyError for unknown words"""
    for a, b, c in [("man", "king", "woman"), ("woman", "queen", "man"), ("king", "queen", "man"),
                    ("man", "woman", "king")]:
        case = f"{a} : {b} = {c} : ?"
        check_equal(named(case, student.call, "analogy", ANALOGY_W, ANALOGY_WORDS, a, b, c), ref_analogy(a, b, c), case)
    expect_error(lambda: student.call("analogy", ANALOGY_W, ANALOGY_WORDS, "man", "king", "zebra"),
                 "an unknown word", "KeyError")


# ---------------------------------------------------------------- train


def planted_corpus(seed, groups=3, size=6, sentences=150, length=40):
    rng = np.random.default_rng(seed)
    parts = [rng.integers(g * size, (g + 1) * size, length) for g in rng.integers(0, groups, sentences)]
    ids = np.concatenate(parts).astype(np.int64)
    return ids, np.bincount(ids, minlength=groups * size)


def reference_train(ids, counts, dim, window, negative, epochs, lr, batch, t, seed):
    """The specified trainer, draw for draw: the input table train_sgns must return (float64)."""
    rng = np.random.default_rng(seed)
    counts = np.asarray(counts, dtype=np.float64)
    V = len(counts)
    W_in = (rng.random((V, dim)) - 0.5) / dim
    W_out = np.zeros((V, dim))
    noise = counts ** 0.75 / (counts ** 0.75).sum()
    keep = ref_keep(counts, t)
    for epoch in range(epochs):
        kept = ids[rng.random(len(ids)) < keep[ids]]
        n = len(kept)
        b = rng.integers(1, window + 1, size=n)
        centers, contexts = [], []
        for d in range(1, window + 1):
            right, left = b[:n - d] >= d, b[d:] >= d
            centers += [kept[:n - d][right], kept[d:][left]]
            contexts += [kept[d:][right], kept[:n - d][left]]
        c_all, o_all = np.concatenate(centers), np.concatenate(contexts)
        order = rng.permutation(len(c_all))
        c_all, o_all = c_all[order], o_all[order]
        for start in range(0, len(c_all), batch):
            step = lr * max(1e-4, 1 - (epoch + start / len(c_all)) / epochs)
            c, o = c_all[start:start + batch], o_all[start:start + batch]
            neg = rng.choice(V, size=(len(c), negative), p=noise)
            _, gv, gp, gn = sgns_reference(W_in[c], W_out[o], W_out[neg])
            np.add.at(W_in, c, -step * gv)
            np.add.at(W_out, o, -step * gp)
            np.add.at(W_out, neg.reshape(-1), -step * gn.reshape(-1, dim))
    return W_in


def train_table(student, case, ids, counts, seconds=30, **settings):
    with student.time_limit(seconds):
        W = named(case, student.call, "train_sgns", ids, counts, **settings)
    shape = (len(counts), settings["dim"])
    if not isinstance(W, np.ndarray) or W.shape != shape or W.dtype != np.float32:
        raise Mismatch(f"{case}: expected a float32 array of shape {shape}, got {describe(W)}")
    if not np.isfinite(W).all():
        raise Mismatch(f"{case}: the table holds nan or inf")
    return W


@points(1, task="train")
def test_train_output_and_init(student):
    """train_sgns: float32 (V, dim) table; with lr = 0 it is the generator's first draw, (rng.random((V, dim)) - 0.5) / dim"""
    ids, counts = planted_corpus(41)
    for seed, dim in ((0, 16), (7, 5)):
        case = f"train_sgns with lr = 0, dim = {dim}, seed = {seed}"
        W = train_table(student, case, ids, counts, dim=dim, window=2, epochs=1, lr=0.0, t=1.0, seed=seed)
        expected = (np.random.default_rng(seed).random((len(counts), dim)) - 0.5) / dim
        check_array(W, expected, f"{case}: the initial input vectors are not (rng.random((V, dim)) - 0.5) / dim "
                    "drawn first from np.random.default_rng(seed)", rtol=1e-6, atol=1e-9)


def replay_corpus(seed, V, n):
    """n tokens of V words with Zipf-like frequencies (every word occurs), and their counts."""
    rng = np.random.default_rng(seed)
    p = 1.0 / np.arange(1, V + 1)
    ids = np.concatenate([np.arange(V), rng.choice(V, n - V, p=p / p.sum())])
    ids = ids[rng.permutation(n)].astype(np.int64)
    return ids, np.bincount(ids, minlength=V)


# Small runs that exercise every part of the recipe: subsampling that drops tokens (t well below the
# frequency of the frequent words), a dynamic window, several batches and epochs (the decaying rate),
# and batches in which rows repeat (the accumulated updates).
REPLAYS = [
    ("12 words, 400 tokens, 2 epochs, batches of 32",
     dict(V=12, n=400, seed=51), dict(dim=6, window=3, negative=3, epochs=2, lr=0.3, batch=32, t=0.02, seed=5)),
    ("4 words, 120 tokens, 3 epochs, one batch per epoch",
     dict(V=4, n=120, seed=52), dict(dim=3, window=2, negative=4, epochs=3, lr=0.05, batch=10_000, t=1.0, seed=8)),
    ("30 words, 900 tokens, 1 epoch, batches of 7",
     dict(V=30, n=900, seed=53), dict(dim=4, window=5, negative=2, epochs=1, lr=0.5, batch=7, t=0.005, seed=2)),
]


@points(3, task="train")
def test_train_replays_reference(student):
    """train_sgns: small runs give the table of the specified recipe, replayed draw for draw by the grader"""
    for what, corpus, settings in REPLAYS:
        ids, counts = replay_corpus(**corpus)
        case = f"train_sgns on {what} (seed {settings['seed']})"
        W = train_table(student, case, ids, counts, **settings)
        expected = reference_train(ids, counts, **settings)
        # rtol 1e-4 allows float32 arithmetic; a missed update, a wrong rate or another draw is far larger.
        check_array(W, expected, f"{case}: the table differs from the specified run (follow the order of the "
                    "random draws, the decay of the rate and the accumulation of repeated rows exactly)",
                    rtol=1e-4, atol=1e-6)


@load_once
def brown_corpus():
    """(ids, counts, words) of the Brown corpus as one stream, words seen at least 5 times."""
    from embedding_course import coursedata
    try:
        tokens = [w for sentence in coursedata.brown_sentences() for w in sentence]
        benchmark = coursedata.wordsim353()
    except coursedata.DataError as e:
        raise Mismatch(f"the grader could not load its data set, so this test could not run; tell your "
                       f"instructor ({e})") from None
    counts = {}
    for w in tokens:
        counts[w] = counts.get(w, 0) + 1
    words = sorted((w for w, c in counts.items() if c >= 5), key=lambda w: (-counts[w], w))
    index = {w: i for i, w in enumerate(words)}
    ids = np.array([index[w] for w in tokens if w in index], dtype=np.int64)
    return ids, np.array([counts[w] for w in words], dtype=np.int64), words, benchmark


WORDSIM_MINIMUM = 0.10


@points(2, task="train")
def test_train_wordsim353_on_brown(student):
    """train_sgns: one epoch on the Brown corpus reaches a WordSim-353 Spearman correlation of at least 0.10"""
    from scipy.stats import spearmanr
    ids, counts, words, benchmark = brown_corpus()
    case = (f"one epoch on Brown ({len(ids):,} words, {len(counts):,} in the vocabulary), dim 32, window 5, "
            "negative 5, lr 0.1, batch 4096, t 1e-4")
    with student.time_limit(240):
        W = named(case, student.call, "train_sgns", ids, counts, dim=32, window=5, negative=5, epochs=1,
                  lr=0.1, batch=4096, t=1e-4, seed=0)
    if not isinstance(W, np.ndarray) or W.shape != (len(counts), 32) or not np.isfinite(W).all():
        raise Mismatch(f"{case}: expected a finite array of shape ({len(counts)}, 32)")
    index = {w: i for i, w in enumerate(words)}
    pairs = [(index[a], index[b], score) for a, b, score in benchmark if a in index and b in index]
    a, b, human = (np.array(col) for col in zip(*pairs))
    rho = float(spearmanr(human, pair_cosine(W.astype(np.float64), a, b)).statistic)
    if not rho >= WORDSIM_MINIMUM:
        raise Mismatch(f"{case}: the Spearman correlation with the {len(pairs)} WordSim-353 pairs in the "
                       f"vocabulary is {rho:.3f}; at least {WORDSIM_MINIMUM} is expected")


@points(2, task="train")
def test_train_planted_groups(student):
    """train_sgns: words that co-occur (three planted groups) end up with similar vectors"""
    ids, counts = planted_corpus(42)
    case = "3 groups of 6 words, 6,000 tokens, 3 epochs"
    with student.time_limit(30):
        W = named(case, student.call, "train_sgns", ids, counts, dim=8, window=2, epochs=3, lr=0.05,
                  batch=128, t=1.0, seed=3)
    if not isinstance(W, np.ndarray) or W.shape != (len(counts), 8) or not np.isfinite(W).all():
        raise Mismatch(f"{case}: expected a finite array of shape ({len(counts)}, 8)")
    S = ref_cosine(W.astype(np.float64), W.astype(np.float64))
    group = np.arange(len(counts)) // 6
    same = group[:, None] == group[None, :]
    off = ~np.eye(len(counts), dtype=bool)
    within, between = S[same & off].mean(), S[~same].mean()
    if not within > between + 0.3:
        raise Mismatch(f"{case}: the mean cosine within a group ({within:.2f}) should exceed the mean cosine "
                       f"between groups ({between:.2f}) by more than 0.3")


# ---------------------------------------------------------------- counts, ppmi, svd (the count-based view)
# References computed here: by brute force over the positions for the small corpora, and with
# scipy.sparse for the large vocabularies, where a dense V x V array (hundreds of gigabytes)
# exceeds the submission's memory limit: a dense implementation fails those tests.


def ref_counts(ids, sentence_ids, window):
    """(rows, cols, counts) by brute force over every pair of positions."""
    found = Counter()
    for i in range(len(ids)):
        for j in range(max(0, i - window), min(len(ids), i + window + 1)):
            if j != i and sentence_ids[i] == sentence_ids[j]:
                found[int(ids[i]), int(ids[j])] += 1
    keys = sorted(found)
    return (np.array([k[0] for k in keys], np.int64), np.array([k[1] for k in keys], np.int64),
            np.array([found[k] for k in keys], np.int64))


def ref_counts_sparse(ids, sentence_ids, window, V):
    """The same with scipy.sparse, for corpora too long for the brute force."""
    rows, cols = [], []
    for d in range(1, window + 1):
        same = sentence_ids[:-d] == sentence_ids[d:]
        rows += [ids[:-d][same], ids[d:][same]]
        cols += [ids[d:][same], ids[:-d][same]]
    C = sparse.coo_matrix((np.ones(sum(map(len, rows))), (np.concatenate(rows), np.concatenate(cols))),
                          shape=(V, V)).tocsr().tocoo()       # duplicates summed, sorted by (row, col)
    return C.row.astype(np.int64), C.col.astype(np.int64), C.data.astype(np.int64)


def ref_ppmi(rows, cols, counts, alpha):
    counts = counts.astype(np.float64)
    total = counts.sum()
    word = np.bincount(rows, weights=counts)
    context = np.bincount(cols, weights=counts) ** alpha
    pmi = np.log(counts / total) - np.log(word[rows] / total) - np.log(context[cols] / context.sum())
    return np.maximum(pmi, 0.0)


def random_corpus(rng, sentences, longest, V):
    lengths = rng.integers(1, longest + 1, sentences)
    return rng.integers(0, V, lengths.sum()), np.repeat(np.arange(sentences), lengths)


def check_counts(got, expected, case):
    if not isinstance(got, (tuple, list)) or len(got) != 3:
        raise Mismatch(f"{case}: expected a tuple (rows, cols, counts), got {describe(got)}")
    for name, g, e in zip(("rows", "cols", "counts"), got, expected):
        check_array(g, e, f"{case}: {name}", exact=True, dtype="int64")


@points(2, task="counts")
def test_counts_every_pair_in_the_window(student, rng):
    """cooccurrence_counts: every ordered pair within the window, sorted, counted once per pair of positions"""
    cases = [(np.array([4, 4, 4, 4]), np.zeros(4, np.int64), 2), (np.array([0, 1, 2]), np.zeros(3, np.int64), 5),
             (np.zeros(0, np.int64), np.zeros(0, np.int64), 3), (np.array([3]), np.array([0]), 1)]
    for window in (1, 2, 4):
        cases.append((*random_corpus(rng, 1, 60, 12), window))
    for ids, sid, window in cases:
        case = f"{len(ids)} words in one sentence, window {window}"
        got = named(case, student.call, "cooccurrence_counts", ids, sid, window)
        check_counts(got, ref_counts(ids, sid, window), case)


@points(1, task="counts")
def test_counts_stay_within_sentences(student, rng):
    """cooccurrence_counts: no pair across a sentence boundary"""
    cases = [(np.array([1, 2, 3, 4, 5]), np.array([0, 0, 1, 1, 1]), 3), (np.array([7, 7, 7]), np.array([0, 1, 2]), 2)]
    for window in (1, 3, 5):
        cases.append((*random_corpus(rng, 30, 8, 25), window))
    ids, sid = random_corpus(rng, 12, 6, 9)
    cases.append((ids, sid * 5 + 2, 2))                      # sentence numbers need not start at 0 or be consecutive
    for ids, sid, window in cases:
        case = f"{len(np.unique(sid))} sentences, {len(ids)} words, window {window}"
        got = named(case, student.call, "cooccurrence_counts", ids, sid, window)
        check_counts(got, ref_counts(ids, sid, window), case)


@points(1, task="counts")
def test_counts_stay_sparse_for_a_large_vocabulary(student, rng):
    """cooccurrence_counts: a 200,000-word vocabulary (a dense matrix would take 320 GB)"""
    V = 200_000
    ids, sid = random_corpus(rng, 400, 30, V)
    ids[::7] = rng.integers(0, 50, len(ids[::7]))            # some frequent words, so that counts exceed 1
    ids[-1] = V - 1
    case = f"{len(ids):,} words of a {V:,}-word vocabulary, window 5"
    got = named(case, student.call, "cooccurrence_counts", ids, sid, 5)
    check_counts(got, ref_counts_sparse(ids, sid, 5, V), case)


@points(2, task="ppmi")
def test_ppmi_values(student, rng):
    """ppmi: the PPMI of every entry, in the input's order, with the default alpha = 0.75"""
    for sentences, longest, V in [(1, 12, 5), (40, 15, 30), (300, 25, 200)]:
        rows, cols, counts = ref_counts_sparse(*random_corpus(rng, sentences, longest, V), 3, V)
        order = rng.permutation(len(rows))                   # any order: the result follows the input
        rows, cols, counts = rows[order], cols[order], counts[order]
        case = f"{len(rows)} entries of a {V}-word vocabulary"
        got = named(case, student.call, "ppmi", rows, cols, counts)
        check_array(got, ref_ppmi(rows, cols, counts, 0.75), case, rtol=1e-9, atol=1e-12, kind="f")


@points(1, task="ppmi")
def test_ppmi_alpha_and_inputs_unchanged(student, rng):
    """ppmi: other alphas (1: no smoothing), and the input arrays left unchanged"""
    rows, cols, counts = ref_counts_sparse(*random_corpus(rng, 60, 12, 40), 2, 40)
    order = rng.permutation(len(rows))
    rows, cols, counts = rows[order], cols[order], counts[order]
    # The arrays stay in the worker and are used twice: a call that changed them gets the second
    # answer wrong, whatever the worker says when they are read back.
    handles = [student.put(a.copy(), name) for a, name in ((rows, "rows"), (cols, "cols"), (counts, "counts"))]
    for alpha in (1.0, 0.5):
        case = f"{len(rows)} entries, alpha {alpha}" + (", after alpha 1.0" if alpha != 1.0 else "")
        got = named(case, student.call, "ppmi", *handles, alpha=alpha)
        check_array(got, ref_ppmi(rows, cols, counts, alpha), case, rtol=1e-9, atol=1e-12, kind="f")
    for h, a, name in zip(handles, (rows, cols, counts), ("rows", "cols", "counts")):
        check_unchanged(h.value(), a, f"{case}, the input {name}")


@points(1, task="ppmi")
def test_ppmi_stays_sparse_for_a_large_vocabulary(student, rng):
    """ppmi: a 200,000-word vocabulary, no dense matrix"""
    V = 200_000
    ids, sid = random_corpus(rng, 300, 30, V)
    ids[::2] = rng.integers(0, 10, len(ids[::2]))            # frequent words: their pairs have PMI near 0, half below
    ids[-1] = V - 1
    rows, cols, counts = ref_counts_sparse(ids, sid, 4, V)
    case = f"{len(rows):,} entries of a {V:,}-word vocabulary"
    got = named(case, student.call, "ppmi", rows, cols, counts)
    check_array(got, ref_ppmi(rows, cols, counts, 0.75), case, rtol=1e-9, atol=1e-12, kind="f")


def check_svd_vectors(got, M, dim, case):
    """U_d S_d^(1/2) up to the signs of its columns: the squared column lengths are the singular
    values, largest first, and X X^T = U_d S_d U_d^T (on a sample of rows for a large matrix)."""
    if not isinstance(got, np.ndarray) or got.shape != (M.shape[0], dim):
        raise Mismatch(f"{case}: expected an array of shape ({M.shape[0]}, {dim}), got {describe(got)}")
    if got.dtype.kind != "f" or not np.all(np.isfinite(got)):
        raise Mismatch(f"{case}: expected finite floating-point values")
    if M.shape[0] <= 2000:
        U, S, _ = np.linalg.svd(M.toarray())
    else:
        U, S, _ = svds(M, k=dim + 1, v0=np.ones(M.shape[0]), tol=1e-14)
        order = np.argsort(S)[::-1]
        U, S = U[:, order], S[order]
    check_array(np.linalg.norm(got, axis=0) ** 2, S[:dim], f"{case}: the columns' squared lengths (the "
                "singular values, largest first)", rtol=1e-6, atol=1e-9)
    # a large matrix: the rows where its leading singular vectors live, and others
    rows = (np.arange(M.shape[0]) if M.shape[0] <= 2000 else
            np.unique(np.r_[np.argsort(-abs(U[:, :dim]).max(1))[:200], np.arange(200)]))
    check_array(got[rows] @ got[rows].T, (U[rows, :dim] * S[:dim]) @ U[rows, :dim].T, f"{case}: X X^T",
                rtol=1e-6, atol=1e-8)


def random_sparse(rng, V, density, dim):
    """A random non-negative sparse V x V matrix (as a PPMI matrix), whose `dim` + 1 largest singular
    values stand apart, so that the truncated SVD is well defined."""
    M = sparse.random(V, V, density=density, random_state=rng, format="csr")
    spikes = rng.choice(V, dim + 1, replace=False)
    return (M + sparse.csr_matrix((np.linspace(2.0, 1.2, dim + 1) * (1 + abs(M).sum(1).max()),
                                   (spikes, np.roll(spikes, 1))), shape=(V, V))).tocoo()


@points(2, task="svd")
def test_svd_vectors_values(student, rng):
    """svd_vectors: U_d S_d^(1/2), largest singular values first (column signs free)"""
    for V, density, dim in [(6, 0.5, 1), (30, 0.3, 4), (300, 0.02, 10)]:
        M = random_sparse(rng, V, density, dim)
        case = f"a {V} x {V} matrix with {M.nnz} entries, dim {dim}"
        got = named(case, student.call, "svd_vectors", M.row.astype(np.int64), M.col.astype(np.int64), M.data, V, dim)
        check_svd_vectors(got, M.tocsr(), dim, case)


@points(1, task="svd")
def test_svd_vectors_stay_sparse_for_a_large_vocabulary(student, rng):
    """svd_vectors: a 100,000 x 100,000 matrix (dense: 80 GB)"""
    V = 100_000
    M = random_sparse(rng, V, 2e-6, 3)
    case = f"a {V:,} x {V:,} matrix with {M.nnz:,} entries, dim 3"
    got = named(case, student.call, "svd_vectors", M.row.astype(np.int64), M.col.astype(np.int64), M.data, V, 3)
    check_svd_vectors(got, M.tocsr(), 3, case)


# ---------------------------------------------------------------- questions
# The key lives here only: the notebook's answer cell is stripped on release. `why` is what a
# learner reads once the answers are released.

QUESTIONS = {
    1: Number(0.8, 'It is used when b ≥ 2, that is for b in {2, 3, 4, 5}: (5 - 2 + 1) / 5 = 0.8.', atol=1e-6, ask="word2vec's dynamic window with `window = 5` draws b uniformly from 1 to 5 for each cent..."),
    2: Number(6, "The context word's output row and the K noise words' rows: 1 + K = 6, instead of all V rows of a full softmax.", ask='Negative sampling with K = 5 noise words: how many rows of the output table does the up...'),
    3: Number(0.4162, "t/f = 0.1, and P = √0.1 + 0.1 ≈ 0.316 + 0.1 = 0.416. The paper's √(t/f) alone would give 0.316.", atol=0.01, ask='With t = 10⁻³, with what probability is an occurrence of a word of relative frequency f...'),
    4: Choice("b", 'The power 0.75 flattens the distribution: *the* is drawn about half as often as its count says, rare words several times more often; uniform noise would be the other extreme.', ask='Noise words are drawn with probabilities proportional to counts^0.75 instead of the cou...'),
    5: Number(-0.5, 'd/ds of -log σ(s) is σ(s) - 1, and σ(0) = 1/2, so -0.5. (For a noise word, -log σ(-s), it is σ(s) = +0.5.)', atol=1e-6, ask='With s = **u** · **v** = 0, what is the derivative of -log σ(s) with respect to s'),
    6: Choice("d", 'The loss of the pair involves v_c and the 1 + K output vectors u_o, u_n1, ..., u_nK; only they get a gradient.', ask='One negative-sampling update of a pair (center c, context o) with K noise words. Which ...'),
    7: Choice("a", 'Skip-gram is an embedding layer followed by an output layer, trained to predict neighbouring words; the learned table is what people call word2vec vectors.', ask='How does word2vec relate to an embedding layer'),
    8: Choice("c", 'The objective only rewards predicting contexts, so words that keep the same company get similar vectors, whatever their polarity.', ask='Which words end up close to each other in skip-gram vectors trained on raw text'),
}


globals().update(question_tests(5, QUESTIONS))
