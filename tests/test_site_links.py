"""Every internal link of the built websites resolves: each local href/src names a file of the
site, and each #anchor exists in the page it points to. External links are not fetched."""
import pytest

from website import INSTRUCTOR, STUDENT, html_pages, local_target, soup

SKIP_SCHEMES = ("mailto:", "javascript:", "data:", "tel:")


def check_links(site):
    pages = html_pages(site)
    assert len(pages) >= 3
    ids, problems, checked = {}, [], 0

    def anchors(path):
        if path not in ids:
            doc = soup(path)
            ids[path] = {el.get("id") for el in doc.find_all(id=True)} | {el.get("name") for el in doc.find_all("a", attrs={"name": True})}
        return ids[path]

    for page in pages:
        for el in soup(page).find_all(["a", "link", "script", "img", "source", "iframe", "area"]):
            for attr in ("href", "src"):
                url = (el.get(attr) or "").strip()
                if not url or url.startswith(SKIP_SCHEMES):
                    continue
                target = local_target(page, url, site)
                if target is None:
                    continue
                path, fragment = target
                checked += 1
                where = f"{page.relative_to(site)}: {attr}={url!r}"
                if not path.is_file():
                    problems.append(f"{where} -> missing file")
                elif not str(path).startswith(str(site.resolve())):
                    problems.append(f"{where} -> outside the site")
                elif fragment and path.suffix == ".html" and fragment not in anchors(path):
                    problems.append(f"{where} -> no anchor #{fragment}")
    assert checked > 100
    assert not problems, "\n".join(problems)


@pytest.mark.site("student")
def test_student_site_has_no_broken_internal_link():
    check_links(STUDENT)


@pytest.mark.site("instructor")
def test_instructor_site_has_no_broken_internal_link():
    check_links(INSTRUCTOR)
