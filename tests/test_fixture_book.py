"""Small fixture books built with the course's own _config.yml: the build is
strict, fails on a notebook error, and reuses cached execution on a rebuild."""
import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import REPO, early

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


# The five builds take two minutes, nearly all of it in subprocesses: they start with the session
# (conftest.py, Early), two at a time, and the tests below read what they left.
EARLY_FIXTURE = "built"


def failing_cell(root: Path) -> subprocess.CompletedProcess:
    """One page at a time (myst-nb executes the page as it reads it): the error stops the build."""
    return build(make_book(root, "# Chapter\n\n```{code-cell} ipython3\n1 / 0\n```\n"), jobs=1)


def broken_reference(root: Path) -> subprocess.CompletedProcess:
    return build(make_book(root, "# Chapter\n\nSee {doc}`no-such-page`.\n"))


def timed_page(log: Path, name: str) -> str:
    """A page whose one cell records when it ran, in which process, and prints its name. It sleeps
    3 s: long enough that a second kernel started beside it meets it even on a busy machine."""
    return ("# Page\n\n```{code-cell} ipython3\nimport json, os, time\nstart = time.time()\ntime.sleep(3)\n"
            f"with open({str(log)!r}, 'a') as f:\n"
            f"    f.write(json.dumps([{name!r}, os.getpid(), start, time.time()]) + '\\n')\n"
            f"print('page', {name!r})\n```\n")


def cached_rebuild(root: Path) -> dict:
    """Three timed pages built two at a time, then one page's title edited and the book built again."""
    log = root / "ran.jsonl"
    book = make_book(root / "book", *(timed_page(log, name) for name in "abc"))
    first = build(book, jobs=2)
    ran_first = log.read_text() if log.exists() else ""
    pages = {page: (book / f"_build/html/book/{page}.html").read_text()
             for page in ("chapter", "chapter2", "chapter3") if (book / f"_build/html/book/{page}.html").exists()}
    chapter = book / "book" / "chapter.md"
    chapter.write_text(chapter.read_text().replace("# Page", "# Page, retitled"))
    second = build(book, jobs=2)
    rebuilt = book / "_build/html/book/chapter.html"
    return {"first": first, "ran_first": ran_first, "pages": pages, "second": second,
            "ran_after_second": log.read_text() if log.exists() else "",
            "rebuilt": rebuilt.read_text() if rebuilt.exists() else ""}


def failing_side_by_side(root: Path) -> subprocess.CompletedProcess:
    log = root / "ran.jsonl"
    return build(make_book(root / "bad", timed_page(log, "a"), "# Bad\n\n```{code-cell} ipython3\n1 / 0\n```\n",
                           timed_page(log, "c")), jobs=2)


BUILDS = {"failing_cell": failing_cell, "broken_reference": broken_reference, "cached_rebuild": cached_rebuild,
          "failing_side_by_side": failing_side_by_side}


def prepare_early(folder: Path) -> dict:
    """Every build of BUILDS, two at a time: {name: its finished future}."""
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="fixture-book") as pool:
        futures = {name: pool.submit(fn, folder / name) for name, fn in BUILDS.items()}
    return futures


@pytest.fixture(scope="module")
def built() -> dict:
    return early(prepare_early)


def test_a_failing_cell_fails_the_build(built):
    done = built["failing_cell"].result()
    assert done.returncode != 0
    assert "ZeroDivisionError" in done.stdout + done.stderr


def test_a_broken_reference_fails_the_build(built):
    done = built["broken_reference"].result()
    assert done.returncode != 0
    assert "no-such-page" in done.stdout + done.stderr


def test_pages_missing_from_the_cache_run_side_by_side_and_are_cached(built):
    """book/_ext/parallel_execution.py: the pages run at once in kernels of their own, each page's
    output is the one shown, and a rebuild after a prose-only edit finds them all in the cache: the
    edited page is re-rendered, nothing runs again."""
    run = built["cached_rebuild"].result()
    out = run["first"].stdout + run["first"].stderr
    assert run["first"].returncode == 0, out[-3000:]
    assert "executing 3 pages, 2 at a time" in out
    runs = {name: (pid, start, end) for name, pid, start, end in map(json.loads, run["ran_first"].splitlines())}
    assert sorted(runs) == ["a", "b", "c"]                          # each page ran once
    assert len({pid for pid, _, _ in runs.values()}) == 3          # in a kernel of its own
    (_, start_a, end_a), (_, start_b, end_b) = runs["a"], runs["b"]
    assert start_a < end_b and start_b < end_a                     # a and b at the same time
    for page, name in (("chapter", "a"), ("chapter2", "b"), ("chapter3", "c")):
        html = BeautifulSoup(run["pages"][page], "html.parser")
        assert html.select_one("div.cell_output").get_text().strip() == f"page {name}"
    out = run["second"].stdout + run["second"].stderr
    assert run["second"].returncode == 0, out[-3000:]
    assert "Using cached notebook" in out
    assert "executing" not in out.lower()
    assert run["ran_after_second"] == run["ran_first"]            # nothing ran again
    html = BeautifulSoup(run["rebuilt"], "html.parser")
    assert html.select_one("h1").get_text().startswith("Page, retitled")
    assert html.select_one("div.cell_output").get_text().strip() == "page a"


def test_a_page_failing_side_by_side_fails_the_build_with_its_error(built):
    done = built["failing_side_by_side"].result()
    assert done.returncode != 0
    assert "executing 3 pages, 2 at a time" in done.stdout + done.stderr
    assert "ZeroDivisionError" in done.stdout + done.stderr
