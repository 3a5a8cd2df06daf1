"""The student website as learners use it, in a real browser (the system's headless Chromium,
driven by Playwright), with no network: the site is served from 127.0.0.1 and every request to
any other address is blocked and fails the test.

Every page of the site (found from _toc.yml and the build, never listed here) is opened and
checked: no console error, no failed request, every image loaded, math typeset by the local
MathJax with no raw TeX left, and a screenshot saved to _build/screenshots/. The search page must
find "embedding", the navigation must reach every chapter, and the interactive embedding maps
must answer to hovering and zooming."""
import functools
import http.server
import re
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

from embedding_course import coursedata
from conftest import chromium_path, early, wait_for_sites
from website import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, STUDENT, html_pages, soup, toc_docs


pytestmark = [pytest.mark.site("student"), pytest.mark.browser]

# Raw TeX that MathJax should have replaced, looked for in the page's text outside code.
RAW_TEX = re.compile(r"\\\(|\\\)|\\\[|\\\]|\$\$|\\begin\{|\\frac|\\sum|\\mathbf|\\sigma|\$[^$\n]*\\[A-Za-z]+[^$\n]*\$")

TEXT_OUTSIDE_CODE = """() => {
  const skip = new Set(["PRE", "CODE", "SCRIPT", "STYLE", "MJX-CONTAINER", "TEXTAREA", "NOSCRIPT"]);
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {
    acceptNode(node) {
      for (let el = node.parentElement; el; el = el.parentElement)
        if (skip.has(el.tagName) || el.classList.contains("highlight")) return NodeFilter.FILTER_REJECT;
      return NodeFilter.FILTER_ACCEPT;
    }});
  const parts = [];
  while (walker.nextNode()) parts.push(walker.currentNode.nodeValue);
  return parts.join(" ");
}"""

# Wait until MathJax (if the page has it) has typeset, the fonts are in and every image has
# loaded or failed; then report the images that did not load.
SETTLE = """async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) await MathJax.startup.promise;
  await document.fonts.ready;
  const images = Array.from(document.images);
  images.forEach(img => { img.loading = "eager"; });
  await Promise.all(images.map(img => img.complete ? null : new Promise(done => {
    img.addEventListener("load", done); img.addEventListener("error", done); setTimeout(done, 10000); })));
  return images.filter(img => !(img.complete && img.naturalWidth > 0)).map(img => img.currentSrc || img.src);
}"""


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextmanager
def serving(site):
    """The built site on 127.0.0.1 (a free port): yields its base address."""
    handler = functools.partial(QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def server():
    with serving(STUDENT) as base:
        yield base


class Browser:
    """One Chromium with a fresh profile; records everything that went wrong."""

    def __init__(self, context, base):
        self.context, self.base = context, base
        self.problems = []
        context.route("**/*", self._route)

    def _route(self, route):
        url = route.request.url
        if url.startswith(self.base) or url.startswith(("data:", "blob:", "about:")):
            route.continue_()
        else:
            self.problems.append(f"request to the network blocked: {url}")
            route.abort("blockedbyclient")

    def page(self):
        page = self.context.new_page()
        page.on("console", lambda m: m.type == "error" and self.problems.append(f"console error: {m.text} ({m.location})"))
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        page.on("requestfailed", lambda r: self.problems.append(f"request failed: {r.url} ({r.failure})"))
        page.on("response", lambda r: r.status >= 400 and self.problems.append(f"HTTP {r.status}: {r.url}"))
        return page

    def take_problems(self):
        problems, self.problems = self.problems, []
        return problems


@contextmanager
def chromium(base, profile):
    """One headless Chromium (a fresh profile in `profile`) that may reach `base` only."""
    from playwright.sync_api import sync_playwright   # here: a missing Playwright fails, not skips
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True,
            args=CHROMIUM_ARGS, viewport={"width": 1280, "height": 900}, service_workers="block")
        try:
            yield Browser(context, base)
        finally:
            context.close()


@pytest.fixture(scope="module")
def browser(server, tmp_path_factory):
    with chromium(server, tmp_path_factory.mktemp("chromium-profile")) as opened:
        yield opened


# ---------------------------------------------------------------- every page, visited early

# Visiting every page (at each width, in both colour modes) is most of this module's time: it runs
# in an Early thread (conftest.py) as soon as the sites are built, while the other tests run, with
# its own server and Chromium; the tests read what it found.
EARLY_FIXTURE = "visits"
EARLY_AFTER_SITES = True


def prepare_early(folder: Path) -> dict:
    failure = wait_for_sites()
    if failure:
        raise RuntimeError(failure)
    if not (STUDENT / "index.html").exists() or chromium_path() is None:
        raise RuntimeError("the student site or Chromium is missing (the tests say which)")
    with serving(STUDENT) as base, chromium(base, folder / "chromium-profile") as opened:
        return visit_every_page(opened, base)


@pytest.fixture(scope="module")
def visits() -> dict:
    return early(prepare_early)


def test_every_page_loads_offline_without_errors_with_images_and_typeset_math(visits):
    found = visits["every_page"]
    expected = {f"{doc}.html" for doc in toc_docs()} | {"search.html", "genindex.html"}
    assert expected <= set(found["pages"]), f"pages missing from the build: {expected - set(found['pages'])}"
    report = found["report"]
    assert not report, "\n".join(f"{name}:\n  " + "\n  ".join(p) for name, p in report.items())
    assert found["typeset_pages"] >= 2, "no page with math was found: the math check checked nothing"
    assert found["screenshots"] == len(found["pages"])


def test_the_search_page_finds_embedding_on_every_page_that_uses_the_word(browser, server):
    page = browser.page()
    page.goto(server + "search.html?q=embedding", wait_until="load")
    page.wait_for_function("() => document.querySelector('#search-results') && "
                           "/(found|did not match)/i.test(document.querySelector('#search-results').innerText)",
                           timeout=30000)
    hrefs = page.eval_on_selector_all("#search-results ul.search li a", "els => els.map(a => a.href)")
    page.screenshot(path=str(SCREENSHOTS / "search-embedding.png"), full_page=True)
    page.close()
    found = {re.sub(r"\.html.*$", "", h.removeprefix(server)) for h in hrefs}
    using = {doc for doc in toc_docs()   # the page's own text, not the sidebar every page shares
             if "embedding" in soup(STUDENT / f"{doc}.html").select_one("article.bd-article").get_text().lower()}
    assert len(using) >= 2
    assert using <= found, f"search for 'embedding' misses {using - found}"
    assert not browser.take_problems()


def test_navigation_reaches_every_chapter(browser, server):
    docs = toc_docs()
    page = browser.page()
    page.goto(server + "index.html", wait_until="load")          # sends the browser on to the landing page
    page.wait_for_url(server + docs[0] + ".html")
    # The sidebar lists every chapter...
    sidebar = page.eval_on_selector_all("nav.bd-docs-nav a.reference.internal", "els => els.map(a => a.href)")
    listed = {re.sub(r"\.html.*$", "", h.removeprefix(server)) for h in sidebar}
    assert set(docs[1:]) <= listed, f"not in the sidebar: {set(docs[1:]) - listed}"
    # ... and clicking "next" from the landing page walks through all of them in order.
    visited = [re.sub(r"\.html.*$", "", page.url.removeprefix(server))]
    while page.locator("a.right-next").count():
        page.locator("a.right-next").first.click()
        page.wait_for_load_state("load")
        visited.append(re.sub(r"\.html.*$", "", page.url.removeprefix(server)))
        assert len(visited) <= len(docs) + 5
    page.close()
    assert visited == docs, visited
    assert not browser.take_problems()


def test_embedding_maps_show_the_word_on_hover_and_zoom(browser, server):
    maps = [p for p in html_pages(STUDENT) if soup(p).select("figure.embedding-map")]
    assert maps, "no interactive embedding map anywhere in the site"
    page = browser.page()
    for path in maps:
        page.goto(server + path.relative_to(STUDENT).as_posix(), wait_until="load")
        page.evaluate(SETTLE)     # images above the map loaded: no layout shift after this
        figure = page.locator("figure.embedding-map").first
        # at once: the theme scrolls smoothly, and a dot measured mid-scroll is somewhere else later
        figure.evaluate("el => el.scrollIntoView({block: 'center', behavior: 'instant'})")
        svg = figure.locator("svg")
        dot = figure.locator("circle[data-word]").nth(0).bounding_box()
        x, y = dot["x"] + dot["width"] / 2, dot["y"] + dot["height"] / 2
        word = page.evaluate("([x, y]) => document.elementFromPoint(x, y).getAttribute('data-word')", [x, y])
        page.mouse.move(x, y)     # the word of the dot on top there (dots overlap)
        assert figure.locator(".embedding-map-label").inner_text().startswith(word + " ")
        before = svg.get_attribute("viewBox")
        figure.locator("button[data-zoom=in]").click()
        assert float(svg.get_attribute("data-zoom")) > 1.2 and svg.get_attribute("viewBox") != before
        box = svg.bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        zoom = float(svg.get_attribute("data-zoom"))
        # a plain wheel scrolls the page and leaves the map alone ...
        scrolled = page.evaluate("() => window.scrollY")
        page.mouse.wheel(0, 200)
        page.wait_for_function("y => window.scrollY > y", arg=scrolled)
        assert float(svg.get_attribute("data-zoom")) == zoom, "the wheel zoomed the map instead of scrolling"
        # ... Ctrl + wheel zooms it
        box = svg.bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.keyboard.down("Control")
        page.mouse.wheel(0, -200)
        page.keyboard.up("Control")
        page.wait_for_function("([el, z]) => parseFloat(el.getAttribute('data-zoom')) > z", arg=[svg.element_handle(), zoom])
        figure.screenshot(path=str(SCREENSHOTS / f"map-zoomed-{path.stem}.png"))
        figure.locator("button[data-zoom=reset]").click()
        assert float(svg.get_attribute("data-zoom")) == 1
        # the keyboard: focus, arrows, + / -, 0, n names a word
        svg.focus()
        assert page.evaluate("() => document.activeElement.classList.contains('embedding-map-svg')")
        page.keyboard.press("ArrowRight")
        assert svg.get_attribute("viewBox") != before.replace(",", " ")
        page.keyboard.press("+")
        assert float(svg.get_attribute("data-zoom")) > 1.2
        page.keyboard.press("0")
        assert float(svg.get_attribute("data-zoom")) == 1
        page.keyboard.press("n")
        named = figure.locator(".embedding-map-label").inner_text()
        assert any(named.startswith(w + " ") for w in figure.locator("circle[data-word]").evaluate_all(
            "els => els.map(e => e.getAttribute('data-word'))")), named
        # named buttons, and every word in the text alternative
        names = figure.locator("button").evaluate_all("els => els.map(b => b.textContent)")
        assert all(("Zoom" in n or "whole map" in n) for n in names), names
        words = set(figure.locator("circle[data-word]").evaluate_all("els => els.map(e => e.getAttribute('data-word'))"))
        listed = figure.locator("details.embedding-map-words li").evaluate_all("els => els.map(e => e.textContent)")
        assert words == {item.split(":")[0] for item in listed}
    # on a phone, the names on the map stay readable
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(server + maps[0].relative_to(STUDENT).as_posix(), wait_until="load")
    sizes = page.locator("figure.embedding-map text").evaluate_all(
        "els => els.map(t => t.getBoundingClientRect().height)")
    assert sizes and min(sizes) >= 9, f"map labels {min(sizes):.1f} px high on a phone"
    page.close()
    assert not browser.take_problems()


# What sticks out of a page: the page itself wider than the window, any element of the article
# (code, outputs, tables, figures) whose content is wider than its box and is cut off (overflow
# hidden or visible) rather than scrolled in a box of its own, and any element that reaches past
# the window's right edge outside such a box. (A wide table may scroll in its own box.)
OVERFLOW = """() => {
  const insideScrollingBox = el => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement)
      if (["auto", "scroll"].includes(getComputedStyle(a).overflowX)) return true;
    return false;
  };
  const out = [];
  if (document.documentElement.scrollWidth > window.innerWidth + 1)
    out.push(`page ${document.documentElement.scrollWidth}px wide in a ${window.innerWidth}px window`);
  for (const el of document.querySelectorAll("article.bd-article *")) {
    const style = getComputedStyle(el);
    if (style.display === "inline" || el.closest("mjx-container, svg, .math, .embedding-map-sr")) continue;
    // lines of code and output wrap: a reader should not have to scroll a cell sideways
    const scrolls = ["auto", "scroll"].includes(style.overflowX) && el.tagName !== "PRE";
    if (el.scrollWidth > el.clientWidth + 1 && !scrolls && el.clientWidth > 0)
      out.push(`${el.tagName.toLowerCase()}.${[...el.classList].join(".")} ${el.scrollWidth}px in ${el.clientWidth}px: `
               + el.textContent.trim().slice(0, 60));
    const box = el.getBoundingClientRect();
    if (box.right > window.innerWidth + 1 && !insideScrollingBox(el))
      out.push(`${el.tagName.toLowerCase()} reaches ${Math.round(box.right)}px: ` + el.textContent.trim().slice(0, 60));
  }
  return [...new Set(out)].slice(0, 8);
}"""


# The data folder as the session starts: the browser work runs in a thread beside other tests, some of
# which point coursedata.CACHE at a scratch folder for a moment (test_coursedata's monkeypatch).
DATA = coursedata.CACHE


@functools.lru_cache(maxsize=1)
def axe_source() -> str:
    """axe-core, from the npm tarball `make data` fetched and checked (embedding_course.coursedata)."""
    import tarfile
    with tarfile.open(coursedata.path("axe", DATA)) as tgz:
        return tgz.extractfile("package/axe.min.js").read().decode()


# axe-core on the course's own content (the article: text, code, outputs, figures, maps), not on the
# theme's navigation around it; serious and critical violations fail.
RUN_AXE = """async () => {
  const result = await axe.run(document.querySelector("article.bd-article"), {resultTypes: ["violations"]});
  return result.violations.filter(v => ["serious", "critical"].includes(v.impact)).map(v =>
    `${v.id} (${v.impact}): ${v.help}; ${v.nodes.length} element(s), e.g. ${v.nodes[0].html.slice(0, 120)}`);
}"""


WIDTHS, MODES = (390, 1280), ("light", "dark")


def visit_every_page(browser, server) -> dict:
    """Every page of the site, visited once per width and checked there in both colour modes; at
    1280 px also what a reader would see go wrong: console errors, failed or blocked requests,
    images that did not load, math not typeset, raw TeX (each page's problems), with a screenshot
    in SCREENSHOTS (at 390 px too, as phone-*.png). The tests below read it:
    {"every_page": {"pages", "report": {page: problems}, "typeset_pages", "screenshots"},
     "widths": {width: {"overflow": {page: problems}, "axe": {mode: {page: violations}}, "problems"}}}."""
    pages = html_pages(STUDENT)
    if SCREENSHOTS.exists():
        shutil.rmtree(SCREENSHOTS)
    SCREENSHOTS.mkdir(parents=True)
    report, typeset_pages, results = {}, 0, {}
    for width in WIDTHS:
        found = results[width] = {"overflow": {}, "axe": {mode: {} for mode in MODES}}
        page = browser.page()
        page.set_viewport_size({"width": width, "height": 844})
        for path in pages:
            name = path.relative_to(STUDENT).as_posix()
            shot = screenshot_name(name)
            page.emulate_media(color_scheme="light")
            page.goto(server + name, wait_until="load")
            broken_images = page.evaluate(SETTLE)
            if width == 1280:
                problems = page_problems(page, broken_images)
                typeset_pages += page.locator(".math").count() > 0
            overflow = page.evaluate(OVERFLOW)
            page.screenshot(path=str(SCREENSHOTS / (shot if width == 1280 else f"phone-{shot}")), full_page=True)
            if overflow:
                found["overflow"][name] = overflow
            if page.locator("article.bd-article").count():
                page.add_script_tag(content=axe_source())
                for mode in MODES:
                    page.emulate_media(color_scheme=mode)
                    # the theme's own switch: its colour mode follows data-theme on <html>
                    page.evaluate(f"() => {{ document.documentElement.dataset.theme = '{mode}'; "
                                  f"document.documentElement.dataset.mode = '{mode}'; }}")
                    violations = page.evaluate(RUN_AXE)
                    if violations:
                        found["axe"][mode][name] = violations
            if width == 1280:
                problems += browser.take_problems()
                if problems:
                    report[name] = problems
        page.close()
        found["problems"] = browser.take_problems()
    names = [p.relative_to(STUDENT).as_posix() for p in pages]
    return {"every_page": {"pages": names, "report": report, "typeset_pages": typeset_pages,
                           "screenshots": sum((SCREENSHOTS / screenshot_name(n)).exists() for n in names)},
            "widths": results}


def screenshot_name(page: str) -> str:
    """The file in SCREENSHOTS of a page's 1280 px screenshot (phone-<it> at 390 px)."""
    return page.replace("/", "__").removesuffix(".html") + ".png"


def page_problems(page, broken_images) -> list[str]:
    """What went wrong in the page just loaded and settled, as its text shows it: images that did
    not load, math not typeset, raw TeX left (console errors and failed requests: Browser)."""
    problems = [f"image did not load: {src}" for src in broken_images]
    math = page.locator(".math").count()
    if math:
        untypeset = page.evaluate("() => Array.from(document.querySelectorAll('.math'))"
                                  ".filter(el => !el.querySelector('mjx-container')).length")
        if untypeset:
            problems.append(f"{untypeset} of {math} math elements not typeset")
        if page.locator("mjx-merror").count():
            problems.append("MathJax reported an error in a formula")
    raw = RAW_TEX.findall(page.evaluate(TEXT_OUTSIDE_CODE))
    if raw:
        problems.append(f"raw TeX left on the page: {raw[:5]}")
    return problems


@pytest.mark.parametrize("width", WIDTHS)
def test_nothing_sticks_out_of_a_page_at_phone_and_desktop_width(visits, width):
    """Long inline code and long lines of code or output wrap instead of widening the page or
    being cut off; at 390 px (a phone) the page never scrolls sideways."""
    at_width = visits["widths"]
    report = at_width[width]["overflow"]
    assert not report, "\n".join(f"{name}:\n  " + "\n  ".join(p) for name, p in report.items())
    assert not at_width[width]["problems"]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("mode", MODES)
def test_no_serious_accessibility_violation_in_the_course_s_pages(visits, width, mode):
    at_width = visits["widths"]
    report = at_width[width]["axe"][mode]
    assert not report, "\n".join(f"{name}:\n  " + "\n  ".join(p) for name, p in report.items())
    assert not at_width[width]["problems"]


def test_each_chapter_offers_its_exercise_as_a_button_and_the_site_has_an_icon(browser, server):
    page = browser.page()
    for doc in toc_docs():
        if not re.match(r"book/\d\d-", doc):
            continue
        page.goto(server + doc + ".html", wait_until="load")
        link = page.locator("article a.reference.download").first
        style = link.evaluate("a => { const s = getComputedStyle(a); return [s.display, s.backgroundColor]; }")
        assert style[0] == "inline-block" and style[1] not in ("rgba(0, 0, 0, 0)", "transparent"), (doc, style)
        assert link.get_attribute("href").endswith(".ipynb")
        icon = page.locator("link[rel~=icon]").get_attribute("href")
        assert icon and page.request.get(page.url.rsplit("/", 1)[0] + "/" + icon).ok, (doc, icon)
    page.close()
    assert not browser.take_problems()


# ---------------------------------------------------------------- the vector explorer

def explorer_vectors(text: str):
    """Words and unit rows of a file in word2vec's text format, as the explorer reads it."""
    import numpy as np
    lines = [line.split() for line in text.splitlines() if line.strip()]
    if len(lines[0]) == 2 and all(x.isdigit() for x in lines[0]):
        lines = lines[1:]
    words, rows = [line[0] for line in lines], np.array([[float(x) for x in line[1:]] for line in lines])
    return words, rows / np.linalg.norm(rows, axis=1, keepdims=True)


def expected_neighbours(words, unit, query, topn=10):
    import numpy as np
    i = words.index(query)
    sims = unit @ unit[i]
    order = [j for j in np.argsort(-sims, kind="stable") if j != i][:topn]
    return [words[j] for j in order], sims


def shown(explorer) -> list[str]:
    return [item.split()[0] for item in explorer.locator("ol.ve-neighbours li").all_inner_texts()]


def test_the_vector_explorer_shows_neighbours_and_reads_an_uploaded_file_in_the_browser(browser, server, tmp_path):
    """The course's vectors load with the page; a word's neighbours are those its vectors give (cosine),
    drawn in the picture; a file chosen by the reader replaces them (read by the browser, no request
    made); a malformed file is refused with a message and the vectors loaded before are kept."""
    import json
    page = browser.page()
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(server + "book/explorer.html", wait_until="load")
    explorer = page.locator(".vector-explorer")
    script = (STUDENT / "_static" / "course-vectors.js").read_text()
    course = json.loads(script.removeprefix("window.COURSE_VECTORS = ").rstrip().removesuffix(";"))
    words, unit = explorer_vectors(course["text"])
    assert explorer.locator(".ve-source").inner_text().startswith(f"Loaded: {course['name']}, {len(words):,} words")
    for query in ("president", "war"):
        explorer.locator("input[type=search]").fill(query)
        explorer.locator("form button[type=submit]").click()
        expected, sims = expected_neighbours(words, unit, query)
        got = shown(explorer)
        # the same ten, in order, up to near ties (the page computes in float32)
        assert len(got) == 10 and set(got) <= set(expected_neighbours(words, unit, query, 12)[0]), (query, got, expected)
        shown_sims = [float(s) for s in explorer.locator(".ve-similarity").all_inner_texts()]
        assert all(abs(s - sims[words.index(w)]) < 0.006 for w, s in zip(got, shown_sims)), (query, shown_sims)
        dots = explorer.locator("svg.ve-plot circle")
        assert dots.count() == 11 and dots.first.get_attribute("data-word") == query
        assert set(explorer.locator("svg.ve-plot text").all_text_contents()) == {query, *got}
    # a file of the reader's own: three directions, so the order of the neighbours is certain
    mine = tmp_path / "my-vectors.txt"
    mine.write_text("6 3\nAlpha 1 0 0\nbeta 0.9 0.1 0\ngamma 0.5 0.5 0\ndelta 0.1 1 0\nepsilon 0 0 1\nomega -1 0 0\n")
    before = len(requests)
    explorer.locator("input[type=file]").set_input_files(str(mine))
    page.wait_for_function("() => document.querySelector('.vector-explorer').dataset.words === '6'")
    assert explorer.locator(".ve-source").inner_text() == "Loaded: my-vectors.txt, 6 words × 3 dimensions."
    explorer.locator("input[type=search]").fill("Alpha")
    explorer.locator("input[type=search]").press("Enter")
    assert shown(explorer) == ["beta", "gamma", "delta", "epsilon", "omega"]
    assert explorer.locator(".ve-similarity").all_inner_texts() == ["0.99", "0.71", "0.10", "0.00", "-1.00"]
    assert explorer.locator("svg.ve-plot circle").count() == 6
    explorer.screenshot(path=str(SCREENSHOTS / "explorer-uploaded-file.png"))
    assert requests[before:] == [], f"reading a file made requests: {requests[before:]}"
    # a file that is not vectors: a message, and the reader's vectors stay
    broken = tmp_path / "notes.txt"
    broken.write_text("these are my notes\nnot numbers\n")
    explorer.locator("input[type=file]").set_input_files(str(broken))
    page.wait_for_function("() => document.querySelector('.ve-source').textContent.startsWith('Could not read')")
    assert "no vectors found" in explorer.locator(".ve-source").inner_text()
    explorer.locator("input[type=search]").fill("omega")
    explorer.locator("input[type=search]").press("Enter")
    assert shown(explorer) == ["epsilon", "delta", "gamma", "beta", "Alpha"]
    explorer.locator("input[type=search]").fill("zebra")
    explorer.locator("input[type=search]").press("Enter")
    assert "is not in my-vectors.txt" in explorer.locator(".ve-status").inner_text() and shown(explorer) == []
    page.close()
    assert not browser.take_problems()
