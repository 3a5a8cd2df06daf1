"""The count-based view of word vectors (chapter 5): word-context co-occurrence counts, positive
pointwise mutual information (PPMI), a truncated SVD, and the shifted PMI that skip-gram with
negative sampling factorises implicitly (Levy and Goldberg, 2014).

Sparse throughout (scipy.sparse): the course's vocabulary has about 20,000 words, so a dense
V x V float64 matrix would take 3 GB and hold mostly zeros.
"""
from __future__ import annotations

import numpy as np
from scipy import sparse


def pair_counts(centers: np.ndarray, contexts: np.ndarray, V: int) -> sparse.csr_matrix:
    """How often each (center, context) pair occurs: a V x V CSR matrix, float64, with one stored
    entry per distinct pair."""
    return sparse.coo_matrix((np.ones(len(centers)), (centers, contexts)), shape=(V, V)).tocsr()   # duplicates summed


def entry_rows(M: sparse.csr_matrix) -> np.ndarray:
    """The row of each stored entry of a CSR matrix, in the order of M.data and M.indices."""
    return np.repeat(np.arange(M.shape[0]), np.diff(M.indptr))


def cooccurrence(ids: np.ndarray, sid: np.ndarray, V: int, window: int = 5) -> sparse.csr_matrix:
    """Word-context counts: every ordered pair of tokens at distance 1 to `window` in the same
    sentence counts 1 (both directions, so the matrix is symmetric). `ids` are the corpus's word
    indices, `sid` each token's sentence number (`word2vec.encode`)."""
    C = sparse.csr_matrix((V, V))
    for d in range(1, window + 1):            # one distance at a time: a few million pairs at most
        same = sid[:-d] == sid[d:]
        left, right = ids[:-d][same], ids[d:][same]
        C = C + pair_counts(np.r_[left, right], np.r_[right, left], V)
    return C


def ppmi(C: sparse.csr_matrix, alpha: float = 0.75, shift: float = 1.0) -> sparse.csr_matrix:
    """max(PMI(w, c) - log(shift), 0) on the stored entries of the counts C, with the context
    distribution smoothed by `alpha` (Levy, Goldberg and Dagan, 2015):
    PMI(w, c) = log( P(w, c) / (P(w) P_alpha(c)) ), P_alpha(c) = count(c)^alpha / sum count^alpha.
    Pairs never seen stay 0 (their PMI would be -inf). Natural logarithms."""
    C = sparse.csr_matrix(C, dtype=np.float64)
    C.sum_duplicates()
    total = C.sum()
    p_word = np.asarray(C.sum(axis=1)).ravel() / total
    smoothed = np.asarray(C.sum(axis=0)).ravel() ** alpha
    p_context = smoothed / smoothed.sum()
    pmi = np.log(C.data / total) - np.log(p_word[entry_rows(C)]) - np.log(p_context[C.indices]) - np.log(shift)
    M = sparse.csr_matrix((np.maximum(pmi, 0.0), C.indices.copy(), C.indptr.copy()), shape=C.shape)
    M.eliminate_zeros()
    return M


def svd_factors(M: sparse.spmatrix, dim: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The truncated SVD M ~ U S W^T of rank `dim`: (U, S), the largest singular values first."""
    from scipy.sparse.linalg import svds
    v0 = np.random.default_rng(seed).standard_normal(min(M.shape))     # ARPACK's start: reproducible
    U, S, _ = svds(sparse.csr_matrix(M, dtype=np.float64), k=dim, v0=v0)
    order = np.argsort(S)[::-1]                                          # svds returns them ascending
    return U[:, order], S[order]


def svd_vectors(M: sparse.spmatrix, dim: int, power: float = 0.5, seed: int = 0) -> np.ndarray:
    """Word vectors from a truncated SVD of rank `dim`: the rows of U S^power, float32. Power 0.5
    splits S between words and contexts, as a word2vec table and its output table do; Levy et
    al. (2015) found 0 and 0.5 better than 1 on similarity tasks."""
    U, S = svd_factors(M, dim, seed)
    return (U * S ** power).astype(np.float32)


def sgns_optimum(centers: np.ndarray, contexts: np.ndarray, counts: np.ndarray, V: int,
                 negative: int, power: float = 0.75) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
    """Levy and Goldberg's shifted PMI for the pairs skip-gram trains on: when the dot products of
    the input and output vectors are free, the negative-sampling loss over the pairs (w, c) is
    smallest at w . c = log( #(w, c) / (k #(w) P_n(c)) ), where #(w, c) counts the training pairs,
    #(w) = sum_c #(w, c), k = `negative` and P_n the noise distribution, counts^power normalised.
    Returns that value on every pair seen and the pair counts #(w, c) (CSR matrices; unseen pairs
    are not stored)."""
    pairs = pair_counts(centers, contexts, V)
    per_center = np.asarray(pairs.sum(axis=1)).ravel()
    noise = counts.astype(np.float64) ** power
    noise /= noise.sum()
    value = np.log(pairs.data) - np.log(negative * per_center[entry_rows(pairs)] * noise[pairs.indices])
    return sparse.csr_matrix((value, pairs.indices.copy(), pairs.indptr.copy()), shape=(V, V)), pairs
