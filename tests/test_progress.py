"""embedding_course.progress: live bars where someone watches, one final line in the book."""
from tqdm import tqdm

from embedding_course import progress


def test_outside_the_book_build_it_is_tqdm(monkeypatch):
    monkeypatch.delenv(progress.PAGE_BUILD, raising=False)
    bar = progress.bar(range(3), disable=True)
    assert type(bar) is tqdm


def test_in_the_book_build_only_the_final_line_is_printed(monkeypatch, capsys):
    monkeypatch.setenv(progress.PAGE_BUILD, "1")
    bar = progress.bar(range(40), desc="training", unit="epoch")
    for i in bar:
        bar.set_postfix(loss=f"{1 / (i + 1):.3f}", refresh=True)
        assert capsys.readouterr() == ("", ""), "nothing is drawn while the bar runs"
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert err == "" and len(lines) == 1, out
    assert lines[0].startswith("training: 100%") and "40/40" in lines[0] and "loss=0.025" in lines[0]


def test_a_bar_closed_twice_or_disabled_prints_nothing_more(monkeypatch, capsys):
    monkeypatch.setenv(progress.PAGE_BUILD, "1")
    bar = progress.bar(total=10, desc="words")
    bar.update(10)
    bar.close()
    bar.close()
    assert len(capsys.readouterr().out.splitlines()) == 1
    quiet = progress.bar(total=10, disable=True)
    quiet.update(10)
    quiet.close()
    assert capsys.readouterr() == ("", "")
