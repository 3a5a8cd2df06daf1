"""Two websites: the student site has no solution (and no hidden test: see the leak scan in
test_book.py), the instructor edition (`make book-instructor`) has the course and every solution
notebook rendered as a page."""
import pytest

from conftest import EXERCISES, solution
from test_exercises import solution_lines
from website import INSTRUCTOR, STUDENT, html_pages, soup, toc_docs

pytestmark = pytest.mark.site("student", "instructor")


def page_text(path):
    text = soup(path).get_text()
    return text, " ".join(text.split())


def test_the_instructor_site_has_every_chapter_and_every_solution():
    for doc in toc_docs():
        assert (INSTRUCTOR / f"{doc}.html").exists(), doc
    secret = solution_lines()
    for name in EXERCISES:
        page = INSTRUCTOR / "solutions" / name / f"{name}.html"
        assert page.exists(), f"no solution page for {name}"
        text, _ = page_text(page)
        mine = {l for l in secret if l in solution(name).read_text().replace('\\"', '"')}
        assert mine and all(l in text for l in mine), f"{name}: solution lines missing from its page"
    # The solutions are reachable from the navigation of the landing page.
    nav = soup(INSTRUCTOR / "book" / "intro.html").select("nav.bd-docs-nav a")
    linked = {a.get("href", "").split("#")[0].removeprefix("../") for a in nav}
    assert {f"solutions/{n}/{n}.html" for n in EXERCISES} <= linked


def test_the_student_site_has_no_solution():
    assert not (STUDENT / "solutions").exists()
    secret = solution_lines()
    assert len(secret) > 20
    for page in html_pages(STUDENT):
        text, _ = page_text(page)
        found = [l for l in secret if l in text]
        assert not found, f"{page.relative_to(STUDENT)} shows solution lines: {found[:3]}"
    assert "Solutions (instructors only)" not in soup(STUDENT / "book" / "intro.html").get_text()
    assert "Solutions (instructors only)" in soup(INSTRUCTOR / "book" / "intro.html").get_text()
