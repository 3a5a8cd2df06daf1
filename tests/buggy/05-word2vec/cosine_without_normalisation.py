# replaces: solution-similarity
# bug: cosine_similarity returns plain dot products (rows not normalised)
# caught by: test_cosine_values, test_cosine_scale_and_zero, test_most_similar_exact
def cosine_similarity(A, B):
    """Matrix of cosine similarities between the rows of A (n, d) and of B (m, d)."""
    def unit(X):
        X = np.asarray(X, dtype=np.float64)
        norms = np.linalg.norm(X, axis=1, keepdims=True)
        return X / np.where(norms == 0, 1.0, norms)
    return np.asarray(A, dtype=np.float64) @ np.asarray(B, dtype=np.float64).T


def most_similar(W, words, query, topn=5):
    """The topn words closest to query by cosine, as [(word, similarity)], query excluded."""
    index = {w: i for i, w in enumerate(words)}
    if query not in index:
        raise KeyError(query)
    sims = cosine_similarity(W[[index[query]]], W)[0]
    order = [i for i in np.argsort(-sims, kind="stable") if i != index[query]]
    return [(words[i], float(sims[i])) for i in order[:topn]]


def analogy(W, words, a, b, c):
    """The word d that completes a : b = c : d (3CosAdd), a, b and c excluded."""
    index = {w: i for i, w in enumerate(words)}
    for w in (a, b, c):
        if w not in index:
            raise KeyError(w)
    unit = W / np.linalg.norm(W, axis=1, keepdims=True)
    target = unit[index[b]] - unit[index[a]] + unit[index[c]]
    sims = cosine_similarity(target[None, :], W)[0]
    for w in (a, b, c):
        sims[index[w]] = -np.inf
    return words[int(np.argmax(sims))]
