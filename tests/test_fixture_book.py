"""Small fixture books built with the course's own _config.yml: the build is
strict, fails on a notebook error, and reuses cached execution on a rebuild."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import REPO

pytestmark = pytest.mark.slow   # each builds a book

JB = Path(sys.executable).parent / "jupyter-book"
HEADER = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---
"""


def make_book(root: Path, chapter: str, *more: str) -> Path:
    """A book of an intro and one chapter page per text: book/chapter.md, then book/chapter2.md..."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "_config.yml", root / "_config.yml")
    names = ["chapter"] + [f"chapter{i}" for i in range(2, len(more) + 2)]
    (root / "_toc.yml").write_text("format: jb-book\nroot: book/intro\nchapters:\n"
                                   + "".join(f"  - file: book/{name}\n" for name in names))
    (root / "book").mkdir(exist_ok=True)
    # The config's local Sphinx extensions (sphinx.local_extensions), its bibliography (bibtex_bibfiles)
    # and its static files (the icon, the stylesheets) come with it.
    shutil.copytree(REPO / "book" / "_ext", root / "book" / "_ext", dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "book" / "references.bib", root / "book" / "references.bib")
    shutil.copytree(REPO / "_static", root / "_static", dirs_exist_ok=True)
    (root / "book" / "intro.md").write_text("# Fixture\n\nA fixture book.\n")
    for name, text in zip(names, (chapter, *more)):
        (root / "book" / f"{name}.md").write_text(HEADER + text)
    return root


def build(root: Path, jobs: int | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "COURSE_BOOK_JOBS"}
    if jobs is not None:
        env["COURSE_BOOK_JOBS"] = str(jobs)
    return subprocess.run([str(JB), "build", str(root), "-W", "-n", "--keep-going"],
                          capture_output=True, text=True, timeout=600, env=env)


def test_a_failing_cell_fails_the_build(tmp_path):
    """One page at a time (myst-nb executes the page as it reads it): the error stops the build."""
    root = make_book(tmp_path / "bad", "# Chapter\n\n```{code-cell} ipython3\n1 / 0\n```\n")
    done = build(root, jobs=1)
    assert done.returncode != 0
    assert "ZeroDivisionError" in done.stdout + done.stderr


def test_a_broken_reference_fails_the_build(tmp_path):
    root = make_book(tmp_path / "ref", "# Chapter\n\nSee {doc}`no-such-page`.\n")
    done = build(root)
    assert done.returncode != 0
    assert "no-such-page" in done.stdout + done.stderr


def timed_page(log: Path, name: str) -> str:
    """A page whose one cell records when it ran, in which process, and prints its name."""
    return ("# Page\n\n```{code-cell} ipython3\nimport json, os, time\nstart = time.time()\ntime.sleep(1.5)\n"
            f"with open({str(log)!r}, 'a') as f:\n"
            f"    f.write(json.dumps([{name!r}, os.getpid(), start, time.time()]) + '\\n')\n"
            f"print('page', {name!r})\n```\n")


def test_pages_missing_from_the_cache_run_side_by_side_and_are_cached(tmp_path):
    """book/_ext/parallel_execution.py: the pages run at once in kernels of their own, each page's
    output is the one shown, and a rebuild after a prose-only edit finds them all in the cache: the
    edited page is re-rendered, nothing runs again."""
    log = tmp_path / "ran.jsonl"
    root = make_book(tmp_path / "book", *(timed_page(log, name) for name in "abc"))
    first = build(root, jobs=2)
    out = first.stdout + first.stderr
    assert first.returncode == 0, out[-3000:]
    assert "executing 3 pages, 2 at a time" in out
    runs = {name: (pid, start, end) for name, pid, start, end in map(json.loads, log.read_text().splitlines())}
    assert sorted(runs) == ["a", "b", "c"]                          # each page ran once
    assert len({pid for pid, _, _ in runs.values()}) == 3          # in a kernel of its own
    (_, start_a, end_a), (_, start_b, end_b) = runs["a"], runs["b"]
    assert start_a < end_b and start_b < end_a                     # a and b at the same time
    for page, name in (("chapter", "a"), ("chapter2", "b"), ("chapter3", "c")):
        html = BeautifulSoup((root / f"_build/html/book/{page}.html").read_text(), "html.parser")
        assert html.select_one("div.cell_output").get_text().strip() == f"page {name}"
    chapter = root / "book" / "chapter.md"
    chapter.write_text(chapter.read_text().replace("# Page", "# Page, retitled"))
    second = build(root, jobs=2)
    out = second.stdout + second.stderr
    assert second.returncode == 0, out[-3000:]
    assert "Using cached notebook" in out
    assert "executing" not in out.lower()
    assert len(log.read_text().splitlines()) == 3                  # nothing ran again
    html = BeautifulSoup((root / "_build/html/book/chapter.html").read_text(), "html.parser")
    assert html.select_one("h1").get_text().startswith("Page, retitled")
    assert html.select_one("div.cell_output").get_text().strip() == "page a"


def test_a_page_failing_side_by_side_fails_the_build_with_its_error(tmp_path):
    log = tmp_path / "ran.jsonl"
    root = make_book(tmp_path / "bad", timed_page(log, "a"), "# Bad\n\n```{code-cell} ipython3\n1 / 0\n```\n",
                     timed_page(log, "c"))
    done = build(root, jobs=2)
    assert done.returncode != 0
    assert "executing 3 pages, 2 at a time" in done.stdout + done.stderr
    assert "ZeroDivisionError" in done.stdout + done.stderr
