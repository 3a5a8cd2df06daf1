"""embedding_course.counts: co-occurrence counts, PPMI, truncated SVD and skip-gram's optimum,
against brute force on small corpora."""
from collections import Counter

import numpy as np
import pytest
from scipy.optimize import minimize_scalar

from embedding_course import counts as cb


def brute_counts(ids, sid, window, V):
    found = Counter()
    for i in range(len(ids)):
        for j in range(max(0, i - window), min(len(ids), i + window + 1)):
            if j != i and sid[i] == sid[j]:
                found[ids[i], ids[j]] += 1
    dense = np.zeros((V, V))
    for (w, c), n in found.items():
        dense[w, c] = n
    return dense


@pytest.mark.parametrize("window", [1, 2, 5])
def test_cooccurrence_counts_every_pair_within_a_sentence(window):
    rng = np.random.default_rng(window)
    lengths = rng.integers(1, 12, 40)
    ids, sid = rng.integers(0, 15, lengths.sum()), np.repeat(np.arange(40), lengths)
    C = cb.cooccurrence(ids, sid, 15, window)
    np.testing.assert_array_equal(C.toarray(), brute_counts(ids, sid, window, 15))
    assert C.shape == (15, 15) and (C != C.T).nnz == 0


def test_ppmi_is_the_positive_part_of_smoothed_pmi_and_stays_sparse():
    rng = np.random.default_rng(0)
    lengths = rng.integers(2, 10, 60)
    ids, sid = rng.integers(0, 20, lengths.sum()), np.repeat(np.arange(60), lengths)
    C = cb.cooccurrence(ids, sid, 20, 2)
    dense = C.toarray()
    for alpha in (1.0, 0.75):
        context = dense.sum(0) ** alpha
        with np.errstate(divide="ignore"):
            pmi = np.log(dense / dense.sum()) - np.log(dense.sum(1, keepdims=True) / dense.sum()) \
                - np.log(context / context.sum())
        np.testing.assert_allclose(cb.ppmi(C, alpha).toarray(), np.maximum(pmi, 0), rtol=1e-12)
    M = cb.ppmi(C)
    assert M.nnz <= C.nnz and M.data.min() > 0           # the zeros are not stored
    with np.errstate(divide="ignore"):                   # a shift subtracts log(shift) before clipping
        pmi_one = np.log(dense * dense.sum() / np.outer(dense.sum(1), dense.sum(0)))
    np.testing.assert_allclose(cb.ppmi(C, 1.0, shift=5).toarray(), np.maximum(pmi_one - np.log(5), 0), rtol=1e-12)


def test_svd_factors_are_the_largest_singular_values_and_their_vectors():
    rng = np.random.default_rng(1)
    A = rng.random((40, 40)) * (rng.random((40, 40)) < 0.3)
    U, S = cb.svd_factors(A, 5)
    _, S_ref, _ = np.linalg.svd(A)
    np.testing.assert_allclose(S, S_ref[:5], rtol=1e-10)
    np.testing.assert_allclose(U.T @ A @ A.T @ U, np.diag(S ** 2), atol=1e-8)
    X = cb.svd_vectors(A, 5)
    assert X.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(X, axis=0) ** 2, S, rtol=1e-5)


def test_sgns_optimum_minimises_the_negative_sampling_loss_of_each_pair():
    """The closed form of Levy and Goldberg against a numerical minimisation of the loss terms of x."""
    rng = np.random.default_rng(2)
    centers, contexts = rng.integers(0, 6, 3000), rng.integers(0, 6, 3000)
    counts = rng.integers(1, 50, 6)
    optimum, seen = cb.sgns_optimum(centers, contexts, counts, 6, negative=5)
    noise = counts ** 0.75 / (counts ** 0.75).sum()
    per_center = np.bincount(centers, minlength=6)
    for w, c in [(0, 1), (3, 3), (5, 2)]:
        # the loss terms of x = v_w . u_c: each pair (w, c) pulls it up, each noise draw of c for w down
        seen_wc, drawn_wc = seen[w, c], 5 * per_center[w] * noise[c]
        best = minimize_scalar(lambda x, a=seen_wc, b=drawn_wc: a * np.logaddexp(0, -x) + b * np.logaddexp(0, x)).x
        assert optimum[w, c] == pytest.approx(best, abs=1e-5)
