"""The built website (`make book` writes _build/html), checked as a product."""
import json
import re

import pytest
from bs4 import BeautifulSoup

from conftest import EXERCISES, REPO, exercise
from test_exercises import solution_lines

SITE = REPO / "_build" / "html"
TEXT_SUFFIXES = {".html", ".js", ".txt", ".ipynb", ".md", ".py", ".json", ".css", ".xml", ".map", ".svg", ".po",
                 ".buildinfo", ".yml", ".yaml", ".csv", ".tsv", ".toml", ".cfg", ".ini", ".sh", ".tex", ".rst"}
# Files that cannot carry code as text: pictures, fonts, compiled translations, Sphinx's compressed
# inventory (names only). Anything else (an archive, a pickle...) fails the leak scan unread.
OPAQUE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".ico", ".webp", ".woff", ".woff2", ".ttf", ".eot", ".otf",
                   ".mo", ".inv"}

pytestmark = pytest.mark.site("student")


def page(name) -> BeautifulSoup:
    return BeautifulSoup((SITE / "book" / f"{name}.html").read_text(), "html.parser")


def test_every_chapter_is_in_the_site_with_executed_outputs():
    for name in EXERCISES:
        soup = page(name)
        assert soup.find("h1"), name
        outputs = soup.select("div.cell_output")
        assert len(outputs) >= 5, f"{name}: only {len(outputs)} cell outputs"
        assert not soup.select(".output.traceback, .output.error"), f"{name} has an error output"
        assert soup.select("div.cell_output img"), f"{name} has no plot"


def test_chapter_one_shows_pre_padding_example():
    assert "[0 0 1 2 3 4]" in page("01-one-hot-encoding").get_text()


def test_chapter_two_shows_the_lasagne_example_and_the_cost_plot():
    text = page("02-table-lookup").get_text()
    assert "[10. 11. 12. 13. 14.]" in text and "[ 5.  6.  7.  8.  9.]" in text
    assert "IndexError" in text


def test_grading_page_shows_both_benchmarks_from_their_results_files():
    text = page("grading").get_text()
    startup = json.loads((REPO / "benchmarks" / "worker_startup.json").read_text())
    throughput = json.loads((REPO / "benchmarks" / "grading_throughput.json").read_text())
    assert f"{startup['speedup_median']:g} times faster" in text
    assert f"ratio {throughput['throughput_ratio']:g}x" in text
    assert page("grading").select("div.cell_output img"), "the throughput plot is missing"


PROGRESS_LINE = re.compile(r"^(?P<desc>[^\n|]*?):?\s+\d+%\|", re.MULTILINE)


@pytest.mark.parametrize("name", EXERCISES)
def test_progress_bars_show_one_final_line_each(name):
    """A progress bar redrawn while the page was built would leave every frame in the page (a
    stack of stderr boxes with machine-specific timings): each bar shows its final line, once."""
    for cell in page(name).select("div.cell"):
        outputs = cell.select("div.cell_output div.output")
        bars = [m["desc"].strip() for o in outputs for m in PROGRESS_LINE.finditer(o.get_text())]
        assert len(bars) == len(set(bars)), f"{name}: a progress bar drawn more than once: {bars}"
        assert not any(PROGRESS_LINE.search(o.get_text()) for o in cell.select("div.output.stderr")), \
            f"{name}: a progress bar in a stderr box"
        assert all("100%" in line for o in outputs for line in o.get_text().splitlines()
                   if PROGRESS_LINE.search(line)), f"{name}: a progress bar that did not finish"


def test_exercise_notebooks_are_downloadable():
    downloads = {p.name: p for p in (SITE / "_downloads").rglob("*.ipynb")}
    for name in EXERCISES:
        assert downloads[f"{name}.ipynb"].read_bytes() == exercise(name).read_bytes()


def site_files():
    return [p for p in SITE.rglob("*") if p.is_file() and suffix(p) in TEXT_SUFFIXES]


def suffix(path):
    return path.suffix or path.name if path.name.startswith(".") else path.suffix


def test_every_file_of_the_site_is_scanned_or_cannot_hold_code():
    """Every downloadable file, not only the pages: nothing in a format the leak scan cannot read."""
    unknown = [p.relative_to(SITE) for p in SITE.rglob("*")
               if p.is_file() and suffix(p) not in TEXT_SUFFIXES | OPAQUE_SUFFIXES]
    assert not unknown, f"files the leak scan cannot read: {unknown}"
    # The downloads and the page notebooks (launch-button .ipynb) are among the scanned files.
    scanned = set(site_files())
    downloads = [p for p in (SITE / "_downloads").rglob("*") if p.is_file()] + list((SITE / "_sources").rglob("*.ipynb"))
    assert downloads and all(p in scanned for p in downloads)


WORD = re.compile(r"\w+")


def interior_words(line: str) -> set[str]:
    """The words of `line` that do not touch its ends: wherever `line` occurs in a text, each of them
    is a whole word of that text. A file lacking one of them cannot contain `line`, so the scan below
    searches for a line only in the files that have them all (the same result, 10 times faster: the
    site is 30 MB, the lines 2,500)."""
    return {m.group() for m in WORD.finditer(line) if m.start() > 0 and m.end() < len(line)}


def test_no_solution_or_hidden_test_code_anywhere_in_the_site():
    secret = solution_lines()
    public = "\n".join(exercise(name).read_text() for name in EXERCISES)
    suites = set()
    for suite in (REPO / "autograder" / "suites").rglob("test_*.py"):
        suites |= {l.strip() for l in suite.read_text().splitlines()
                   if len(l.strip()) >= 30 and not l.strip().startswith(("import ", "from "))}
    # A line the students are given anyway (a helper like tokenize, or a line the exercise's text
    # prescribes, as exercise 5 does for the order of its random draws) is not a leak. No solution
    # line is in an exercise's code (test_exercises checks it), so one found here is in its text.
    suites = {l for l in suites if json.dumps(l)[1:-1] not in public}
    secret = {l for l in secret if json.dumps(l)[1:-1] not in public}
    assert len(suites) > 50 and len(secret) > 100   # the scan has lines to look for
    files = site_files()
    assert len(files) > 20
    needles = [(line, json.dumps(line)[1:-1]) for line in sorted(secret | suites)]
    needles = [(line, escaped, interior_words(line), interior_words(escaped)) for line, escaped in needles]
    for path in files:
        raw = path.read_text(errors="replace")
        # Highlighted code is split by tags and escaped; JSON escapes quotes.
        text = BeautifulSoup(raw, "html.parser").get_text() if path.suffix == ".html" else raw
        in_text, in_raw = set(WORD.findall(text)), set(WORD.findall(raw))
        for line, escaped, words, escaped_words in needles:
            assert not (words <= in_text and line in text) and not (escaped_words <= in_raw and escaped in raw), \
                f"{path.relative_to(SITE)} contains {line!r}"
    names = {p.name for p in SITE.rglob("*")}
    assert not any(n.startswith("test_") and n.endswith(".py") for n in names)
    assert not (SITE / "solutions").exists() and not (SITE / "autograder").exists()


def test_launch_buttons_open_the_exercise_notebook():
    for name in EXERCISES:
        hrefs = [a.get("href", "") for a in page(name).select("a")]
        for host in ("colab.research.google.com", "mybinder.org", "/hub/user-redirect/"):
            links = [h for h in hrefs if host in h]
            assert links, f"{name}: no launch link to {host}"
            assert all(f"exercises/{name}/{name}.ipynb" in h or
                       f"exercises%2F{name}%2F{name}.ipynb" in h for h in links), (name, links)


@pytest.mark.parametrize("name", [*EXERCISES, "grading", "intro"])
def test_every_figure_has_real_alt_text(name):
    """A figure's alt text says what it shows (mystnb: image: alt in the cell's options), not its
    file name (WCAG 1.1.1)."""
    for img in page(name).select("article img"):
        alt = (img.get("alt") or "").strip()
        assert len(alt.split()) >= 6 and not re.search(r"\.(png|jpe?g|svg)\b|_images/", alt), \
            f"{name}: a figure's alt text is {alt!r}"


@pytest.mark.parametrize("name", EXERCISES)
def test_every_chapter_opens_with_its_objectives_and_time(name):
    """The first thing under a chapter's title: what the reader will be able to do, and how long it takes."""
    article = page(name).select_one("article")
    box = article.select_one("div.admonition")
    assert box and box.select_one(".admonition-title").get_text(strip=True) == "In this chapter", name
    assert len(box.select("li")) >= 3 and re.search(r"Time\.\s+About \d+ minutes to read", box.get_text()), name
    html = str(article)
    assert html.index("In this chapter") < html.index("<h2"), f"{name}: the objectives come after a section"


def cited_keys(text: str) -> set[str]:
    """The bibliography keys a page's MyST text cites with {footcite}, {footcite:t} or {footcite:p}."""
    return {key.strip() for group in re.findall(r"\{footcite(?::[tp])?\}`([^`]+)`", text) for key in group.split(",")}


BIB_KEYS = re.findall(r"^@\w+\{([^,\s]+),", (REPO / "book" / "references.bib").read_text(), re.M)


@pytest.mark.parametrize("name", EXERCISES)
def test_every_chapter_ends_with_its_references_from_the_bibliography(name):
    """Each key a chapter cites ({footcite}) is a footnote with its full entry at the page's end; none is
    left as raw text (MyST's own footnote check is off: _config.yml)."""
    soup = page(name)
    keys = cited_keys((REPO / "book" / f"{name}.md").read_text())
    assert keys and keys <= set(BIB_KEYS), keys - set(BIB_KEYS)
    notes = {note["id"].removeprefix("footcite-"): note.get_text(" ", strip=True)
             for note in soup.select('aside.footnote[id^="footcite-"]')}
    # sphinxcontrib-bibtex writes a key's underscores as hyphens in the footnote's id
    assert set(notes) == {k.replace("_", "-") for k in keys}, (name, set(notes))
    assert all(len(text.split()) >= 4 for text in notes.values()), notes
    assert len(soup.select('section#references a.footnote-reference[href^="#footcite-"]')) >= len(keys)
    assert "footcite" not in soup.select_one("article").get_text()


def test_the_bibliography_page_lists_every_entry_once():
    entries = page("bibliography").select('div.citation[role="doc-biblioentry"]')
    assert len(BIB_KEYS) == len(set(BIB_KEYS)) == len(entries) >= 20
    assert not page("bibliography").select(".problematic, .system-message")


@pytest.mark.parametrize("name", EXERCISES)
def test_every_chapter_shows_its_exercise_hints_collapsed(name):
    """The chapter's page shows the hints of its exercise notebook (the same text), each in a closed
    <details> titled with its task; they come from the released exercise, never from a solution."""
    cells = json.loads(exercise(name).read_text())["cells"]
    def plain(text):       # markdown and its rendering compared as words: no code or emphasis marks
        return re.sub(r"\s+", " ", re.sub(r"[`*]", "", text)).strip()
    in_notebook = [plain(text) for cell in cells if cell["metadata"].get("hint")
                   for text in re.findall(r"</summary>\s*(.*?)\s*</details>", "".join(cell["source"]), re.S)]
    shown = page(name).select("details.exercise-hint")
    assert len(shown) == len(in_notebook) >= 4, (name, len(shown), len(in_notebook))
    for block, text in zip(shown, in_notebook):
        assert not block.has_attr("open") and block.select_one("summary").get_text().startswith("Task ")
        body = plain("".join(p.get_text() for p in block.find_all(recursive=False) if p.name != "summary"))
        assert body == text, (name, body, text)


@pytest.mark.parametrize("name", EXERCISES)
def test_every_chapter_asks_its_check_yourself_questions_with_the_answers_behind_a_click(name):
    """Each question of the page's *Check yourself* section has its answer in a closed <details>
    (sphinx-design's dropdown: no script needed), which the reader opens on purpose."""
    section = page(name).select_one("section#check-yourself")
    assert section is not None, f"{name}: no Check yourself section"
    asked = [s for s in section.select("p > strong") if re.fullmatch(r"\d+\.", s.get_text())]
    answers = section.select("details.sd-dropdown")
    assert len(answers) == len(asked) >= 5, (name, len(asked), len(answers))
    for block in answers:
        assert not block.has_attr("open")
        assert block.select_one("summary").get_text().strip() == "Answer"
        assert len(block.get_text().replace("Answer", "", 1).split()) >= 3
