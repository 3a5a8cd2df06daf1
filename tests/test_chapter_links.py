"""ChapterLinks: released exercises link their chapters on the published site."""
import json
import re

import nbformat
import pytest

from autograder.chapter_links import ChapterLinks, published_links, site_url
from conftest import EXERCISES, REPO, exercise

BASE = "https://example.org/course/"


@pytest.mark.parametrize("link, page", [
    ("[Chapter 2](../../book/02-table-lookup.md)", "[Chapter 2](https://example.org/course/book/02-table-lookup.html)"),
    ("[the proof](../book/03-training-the-layer.md#the-gradient)",
     "[the proof](https://example.org/course/book/03-training-the-layer.html#the-gradient)"),
    ('<a href="../../book/05-word2vec.ipynb">', '<a href="https://example.org/course/book/05-word2vec.html">'),
])
def test_links_into_the_book_become_site_addresses(link, page):
    assert published_links(f"See {link}, then go on.", BASE) == f"See {page}, then go on."


@pytest.mark.parametrize("text", ["[docs](https://pytorch.org/docs/)", "[a picture](images/map.png)",
                                  "[data](../../data/x.csv)"])
def test_other_text_is_left_alone(text):
    assert published_links(text, BASE) == text


def test_the_preprocessor_changes_markdown_cells_only():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("[Chapter 1](../../book/01-one-hot-encoding.md)"),
        nbformat.v4.new_code_cell("# [Chapter 1](../../book/01-one-hot-encoding.md)"),
    ])
    out, _ = ChapterLinks(site=BASE).preprocess(nb, {})
    assert out.cells[0].source == "[Chapter 1](https://example.org/course/book/01-one-hot-encoding.html)"
    assert out.cells[1].source == "# [Chapter 1](../../book/01-one-hot-encoding.md)"


def test_the_site_address_comes_from_the_book_configuration():
    assert site_url().startswith("https://") and site_url().endswith("/")


@pytest.mark.parametrize("name", EXERCISES)
def test_released_exercises_link_only_to_published_pages_that_exist(name):
    text = "\n".join("".join(c["source"]) for c in json.loads(exercise(name).read_text())["cells"]
                     if c["cell_type"] == "markdown")
    assert not re.search(r"\]\((?!https?://|#)", text), "a link that is not an address: dead once downloaded"
    pages = re.findall(re.escape(site_url()) + r"([\w/.-]+)\.html", text)
    assert f"book/{name}" in pages, f"exercise {name} does not link its chapter on the site"
    for page in pages:
        assert (REPO / f"{page}.md").exists() or (REPO / f"{page}.ipynb").exists(), f"{page}: no such page"
