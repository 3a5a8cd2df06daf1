"""What the tests know about the built websites: where they are and which pages they have.

Pages come from _toc.yml (and the built site), never from a list in the tests: chapters added
to the table of contents are tested without touching this file."""
import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml
from bs4 import BeautifulSoup

from conftest import REPO

STUDENT = REPO / "_build" / "html"

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Headless, and nothing that dials out by itself (updates, sync, safe browsing...).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-default-apps", "--disable-extensions"]
INSTRUCTOR = REPO / "_build" / "instructor" / "_build" / "html"
SCREENSHOTS = REPO / "_build" / "screenshots"


def _docs(entries):
    for entry in entries or []:
        if "file" in entry:
            yield entry["file"]
        yield from _docs(entry.get("sections"))
        yield from _docs(entry.get("chapters"))


def toc_docs(toc: Path = REPO / "_toc.yml") -> list[str]:
    """Every document of a jb-book table of contents, in reading order (root first)."""
    data = yaml.safe_load(toc.read_text())
    docs = [data["root"]]
    docs += _docs(data.get("chapters"))
    for part in data.get("parts") or []:
        docs += _docs(part.get("chapters"))
    return [re.sub(r"\.(md|ipynb)$", "", d) for d in docs]


def is_redirect(path: Path) -> bool:
    """The site's index.html only sends the browser on to the landing page."""
    return path.read_text().lstrip().lower().startswith('<meta http-equiv="refresh"')


def html_pages(site: Path) -> list[Path]:
    """Every HTML page a reader can reach (the documents, the search page and the general index),
    not the redirect index.html nor the theme's templates in _static."""
    return [p for p in sorted(site.rglob("*.html"))
            if not p.relative_to(site).parts[0].startswith("_") and not is_redirect(p)]


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(), "html.parser")


def local_target(page: Path, url: str, site: Path):
    """(file, fragment) that a relative href/src on `page` points to, or None for other URLs."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return None
    path = unquote(parts.path)
    target = page if not path else (site / path.lstrip("/") if path.startswith("/") else page.parent / path)
    target = Path(*target.parts).resolve()
    if target.is_dir():
        target = target / "index.html"
    return target, unquote(parts.fragment)
