"""The course's word2vec trainer (embedding_course/word2vec.py): both engines learn, the pieces follow word2vec."""
import numpy as np
import pytest
import torch

from embedding_course import word2vec as w2v


def planted_sentences(seed=0, groups=4, size=8, sentences=1500, length=12):
    """Sentences whose words all come from one group: words of a group share their contexts."""
    rng = np.random.default_rng(seed)
    return [[f"g{g}w{w}" for w in rng.integers(0, size, length)] for g in rng.integers(0, groups, sentences)]


# The numba engine (the CPU default) compiles word2vec.c's loop first: a few seconds, once per clone.
@pytest.mark.parametrize("engine", [pytest.param("numba", marks=pytest.mark.slow), "torch"])
def test_both_engines_put_words_of_a_group_together(engine):
    model = w2v.SGNS(dim=16, window=3, epochs=3, sample=1.0, alpha=0.05, engine=engine, batch=256,
                     threads=1, progress=False).fit(planted_sentences())
    unit = w2v.unit_rows(model.vectors.astype(np.float64))
    group = np.array([int(w[1]) for w in model.vocab.words])
    same = group[:, None] == group[None, :]
    S = unit @ unit.T
    within, between = S[same & ~np.eye(len(group), dtype=bool)].mean(), S[~same].mean()
    assert within > between + 0.4, (within, between)


@pytest.mark.slow
def test_one_thread_reproduces_bit_for_bit():
    runs = [w2v.SGNS(dim=8, epochs=1, threads=1, progress=False).fit(planted_sentences(1)).vectors
            for _ in range(2)]
    assert np.array_equal(*runs)


@pytest.mark.parametrize("counts", [np.array([1000, 100, 10, 1]), np.array([5]),
                                    np.random.default_rng(0).zipf(1.3, size=20_000).clip(5, 10 ** 7)])
def test_alias_table_draws_counts_to_the_075(counts):
    accept, alias = w2v.alias_table(counts)
    assert accept.dtype == np.uint32 and alias.dtype == np.int32 and len(accept) == len(alias) == len(counts)
    assert (accept <= 2 ** 24).all() and ((0 <= alias) & (alias < len(counts))).all()
    expected = counts ** 0.75 / (counts ** 0.75).sum()
    # each slot's keep probability is rounded to 2^-24: at most 2^-25 / V off per slot
    assert np.allclose(w2v.alias_probabilities(accept, alias), expected, rtol=1e-6, atol=2 ** -24 / len(counts))


def test_the_torch_engines_noise_words_follow_the_alias_table():
    """The batched engine's draw, counted: 200,000 noise words from 4 words."""
    counts = np.array([1000, 100, 10, 1])
    accept, alias = (torch.from_numpy(a.astype(np.int64)) for a in w2v.alias_table(counts))
    drawn = w2v.alias_draw(accept, alias, (200_000,), torch.Generator().manual_seed(0))
    share = np.bincount(drawn.numpy(), minlength=4) / 200_000
    expected = counts ** 0.75 / (counts ** 0.75).sum()
    assert np.abs(share - expected).max() < 0.005, (share, expected)


def test_epoch_pairs_stay_in_their_sentence():
    ids = np.arange(30)
    sid = np.repeat([0, 1, 2], 10)
    c, o = w2v.epoch_pairs(ids, sid, np.ones(30), window=5, rng=np.random.default_rng(0))
    assert len(c) > 0 and (c // 10 == o // 10).all() and (c != o).all() and (np.abs(c - o) <= 5).all()


def test_keep_probability_is_word2vecs_formula():
    counts = np.array([900.0, 90.0, 10.0])
    f = counts / counts.sum()
    assert np.allclose(w2v.keep_probability(counts, 0.01), np.minimum(1, (np.sqrt(f / 0.01) + 1) * 0.01 / f))


def test_shared_items_are_those_every_model_can_answer():
    bench = {"wordsim353": [("cat", "dog", 7.0), ("cat", "zebra", 5.0), ("car", "train", 6.0)],
             "simlex999": [("dog", "car", 1.0), ("zebra", "car", 2.0)],
             "analogies": [("s", "cat", "dog", "car", "train"), ("s", "cat", "dog", "car", "zebra"),
                           ("s", "cat", "rare", "car", "train")]}
    a = ["cat", "dog", "car", "train", "zebra", "rare"]
    b = ["dog", "cat", "train", "car", "rare"]                 # no zebra
    shared = w2v.shared_items(bench, [a, b], restrict=4)      # "rare" is beyond the 4 most frequent of both
    assert shared == {"wordsim353": [("cat", "dog", 7.0), ("car", "train", 6.0)],
                      "simlex999": [("dog", "car", 1.0)],
                      "analogies": [("s", "cat", "dog", "car", "train")]}
    # each model answers every shared item: the counts evaluate reports are the same for both
    rng = np.random.default_rng(0)
    for words in (a, b):
        r = w2v.evaluate(rng.normal(size=(len(words), 8)).astype(np.float32), words, shared)
        assert (r["wordsim353_pairs"], r["simlex999_pairs"], r["analogy_questions"]) == (2, 1, 1)


def test_course_vectors_are_trained_once_when_asked_at_once(tmp_path, monkeypatch):
    """Chapters 5 and 6 built side by side (or a build beside the tests) ask for the course vectors
    at the same moment: one trains, the others wait for its file and load it."""
    import threading
    import time
    from embedding_course import coursedata
    fits = []

    class SlowSGNS:
        def __init__(self, **kwargs):
            pass

        def fit(self, sentences):
            fits.append(threading.get_ident())
            time.sleep(0.5)                   # long enough for every other caller to arrive
            self.vocab = type("Vocab", (), {"words": ["a", "b"]})()
            self.vectors = np.arange(4, dtype=np.float32).reshape(2, 2) + len(fits)
            self.W_out = -self.vectors
            return self

    monkeypatch.setattr(coursedata, "CACHE", tmp_path)
    monkeypatch.setattr(coursedata, "word2vec_corpus", lambda: [["a", "b"]])
    monkeypatch.setattr(w2v, "SGNS", SlowSGNS)
    got = []
    callers = [threading.Thread(target=lambda: got.append(w2v.course_vectors())) for _ in range(3)]
    for caller in callers:
        caller.start()
    for caller in callers:
        caller.join()
    assert len(fits) == 1
    assert len(got) == 3
    for words, vectors in got:
        assert words == ["a", "b"]
        np.testing.assert_array_equal(vectors, np.arange(4, dtype=np.float32).reshape(2, 2) + 1)
    assert [p.name for p in tmp_path.glob("*.npz")] and not list(tmp_path.glob("*.tmp.npz"))
    words, vectors, contexts = w2v.course_tables()              # the output table is kept beside them
    np.testing.assert_array_equal(contexts, -vectors)
    assert len(fits) == 1
