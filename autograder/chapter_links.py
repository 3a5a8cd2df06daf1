"""Links from an exercise to its chapter, pointing at the published site.

A solution notebook links its chapter by repository path (`../../book/02-table-lookup.md`):
right in the repository and in the instructor edition. A released exercise is downloaded, or
opened in Colab, where that path leads nowhere: on release, `ChapterLinks` rewrites every link
into book/ as the page's address on the published site (`html.baseurl` in _config.yml)."""
from __future__ import annotations

import re

import yaml
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

from autograder import REPO

# a Markdown link target (or an HTML href) into the repository's book/ folder, with an optional anchor
BOOK_LINK = re.compile(r"(?P<open>\]\(|href=\")(?:\.\./)+book/(?P<page>[\w./-]+?)\.(?:md|ipynb)(?P<anchor>#[\w-]*)?")


def site_url() -> str:
    """The published site's base address, from _config.yml (html.baseurl), ending in '/'."""
    config = yaml.safe_load((REPO / "_config.yml").read_text())
    url = ((config.get("html") or {}).get("baseurl") or "").strip()
    if not url.startswith(("https://", "http://")):
        raise ValueError("_config.yml: html.baseurl must be the published site's address (https://...)")
    return url.rstrip("/") + "/"


def published_links(text: str, base: str) -> str:
    """`text` with each link into book/ replaced by the page's address under `base`."""
    return BOOK_LINK.sub(lambda m: f"{m['open']}{base}book/{m['page']}.html{m['anchor'] or ''}", text)


class ChapterLinks(NbGraderPreprocessor):
    """Rewrites links into book/ in Markdown cells as links to the published site."""

    site = Unicode("", help="the published site's base address (default: html.baseurl in _config.yml)"
                   ).tag(config=True)

    def preprocess(self, nb, resources):
        base = self.site.rstrip("/") + "/" if self.site else site_url()
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                cell.source = published_links(cell.source, base)
        return nb, resources
