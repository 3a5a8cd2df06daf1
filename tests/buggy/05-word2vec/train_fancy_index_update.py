# replaces: solution-train
# bug: W_in's rows are updated with W_in[c] -= ..., which keeps one contribution of a center that occurs several times in a batch
# caught by: test_train_replays_reference
def train_sgns(ids, counts, dim=50, window=4, negative=5, epochs=1, lr=0.025, batch=512,
               t=1e-3, seed=0):
    """Skip-gram with negative sampling on one long sentence of word indices."""
    rng = np.random.default_rng(seed)
    ids = np.asarray(ids, dtype=np.int64)
    counts = np.asarray(counts, dtype=np.float64)
    V = len(counts)
    W_in = (rng.random((V, dim)) - 0.5) / dim
    W_out = np.zeros((V, dim))
    noise = counts ** 0.75
    noise /= noise.sum()
    freq = counts / counts.sum()
    keep = np.ones(V)
    seen = freq > 0
    keep[seen] = np.minimum(1.0, np.sqrt(t / freq[seen]) + t / freq[seen])
    for epoch in range(epochs):
        kept = ids[rng.random(len(ids)) < keep[ids]]
        n = len(kept)
        b = rng.integers(1, window + 1, size=n)          # dynamic window, one size per center
        cen, ctx = [], []
        for dist in range(1, window + 1):
            right, left = b[:n - dist] >= dist, b[dist:] >= dist
            cen += [kept[:n - dist][right], kept[dist:][left]]
            ctx += [kept[dist:][right], kept[:n - dist][left]]
        c_all, o_all = np.concatenate(cen), np.concatenate(ctx)
        order = rng.permutation(len(c_all))
        c_all, o_all = c_all[order], o_all[order]
        for lo in range(0, len(c_all), batch):
            step_lr = lr * max(1e-4, 1 - (epoch + lo / len(c_all)) / epochs)
            c, o = c_all[lo:lo + batch], o_all[lo:lo + batch]
            neg = rng.choice(V, size=(len(c), negative), p=noise)
            v, u_pos, u_neg = W_in[c], W_out[o], W_out[neg]
            s_pos = np.einsum("bd,bd->b", v, u_pos)
            s_neg = np.einsum("bkd,bd->bk", u_neg, v)
            g_pos = np.exp(-np.logaddexp(0.0, -s_pos)) - 1.0
            g_neg = np.exp(-np.logaddexp(0.0, -s_neg))
            grad_v = g_pos[:, None] * u_pos + np.einsum("bk,bkd->bd", g_neg, u_neg)
            W_in[c] -= step_lr * grad_v
            np.add.at(W_out, o, -step_lr * g_pos[:, None] * v)
            np.add.at(W_out, neg.reshape(-1), -step_lr * (g_neg[:, :, None] * v[:, None, :]).reshape(-1, dim))
    return W_in.astype(np.float32)
