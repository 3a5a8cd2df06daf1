"""Small fixture books built with the course's own _config.yml: the build is
strict, fails on a notebook error, and reuses cached execution on a rebuild."""
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


def make_book(root: Path, chapter: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "_config.yml", root / "_config.yml")
    (root / "_toc.yml").write_text("format: jb-book\nroot: book/intro\nchapters:\n  - file: book/chapter\n")
    (root / "book").mkdir(exist_ok=True)
    # The config's local Sphinx extensions (sphinx.local_extensions), its bibliography (bibtex_bibfiles)
    # and its static files (the icon, the stylesheets) come with it.
    shutil.copytree(REPO / "book" / "_ext", root / "book" / "_ext", dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "book" / "references.bib", root / "book" / "references.bib")
    shutil.copytree(REPO / "_static", root / "_static", dirs_exist_ok=True)
    (root / "book" / "intro.md").write_text("# Fixture\n\nA fixture book.\n")
    (root / "book" / "chapter.md").write_text(HEADER + chapter)
    return root


def build(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(JB), "build", str(root), "-W", "-n", "--keep-going"],
                          capture_output=True, text=True, timeout=600)


def test_executes_cells_and_caches_them_on_rebuild(tmp_path):
    root = make_book(tmp_path / "ok", "# Chapter\n\n```{code-cell} ipython3\nprint(6 * 7)\n```\n")
    first = build(root)
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-3000:]
    html = BeautifulSoup((root / "_build/html/book/chapter.html").read_text(), "html.parser")
    assert "42" in html.select_one("div.cell_output").get_text()
    assert "Executing notebook" in first.stdout + first.stderr
    # A prose-only edit re-renders the page without executing it again.
    chapter = root / "book" / "chapter.md"
    chapter.write_text(chapter.read_text().replace("# Chapter", "# Chapter, retitled"))
    second = build(root)
    assert second.returncode == 0
    assert "Using cached notebook" in second.stdout + second.stderr
    assert "Executing notebook" not in second.stdout + second.stderr


def test_a_failing_cell_fails_the_build(tmp_path):
    root = make_book(tmp_path / "bad", "# Chapter\n\n```{code-cell} ipython3\n1 / 0\n```\n")
    done = build(root)
    assert done.returncode != 0
    assert "ZeroDivisionError" in done.stdout + done.stderr


def test_a_broken_reference_fails_the_build(tmp_path):
    root = make_book(tmp_path / "ref", "# Chapter\n\nSee {doc}`no-such-page`.\n")
    assert build(root).returncode != 0
