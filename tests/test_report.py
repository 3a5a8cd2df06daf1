"""The class report (autograder/report.py): who submitted each notebook, the gradebook CSV, the
terminal summary, the HTML report, and near-identical code; then the command line end to end
on a small class laid out as nbgrader lays one out, its report opened in headless Chromium."""
import csv
import json
import re

import pytest

from autograder.notebook import parse_notebook
from autograder.report import (code_fingerprints, gradebook, identify, near_identical, normalised_tokens, summary,
                               write_csv, write_html)
from autograder.results import GradeRecord, TestResult
from conftest import exercise, notebook_with, run_grader, solution

CH1 = "01-one-hot-encoding"


def record(student, exercise_name="02-table-lookup", passed=(True, True, False), seconds=1.0, prints=None,
           output="values differ at [0, 1]: 3.0 != 2.0"):
    tasks = ["lookup", "lookup", "backward"]
    tests = [TestResult.outcome(f"test {i}", tasks[i], 2.0, ok, output) for i, ok in enumerate(passed)]
    return GradeRecord.graded(f"subs/{student}.ipynb", exercise_name, tests).with_details(
        student=student, seconds=seconds, fingerprints=prints or {})


# ---------------------------------------------------------------- who submitted it

def test_identity_comes_from_the_layouts_instructors_use(tmp_path):
    root = tmp_path / "class"
    nbgrader = root / "submitted" / "alice" / "02-table-lookup" / "02-table-lookup.ipynb"
    assert identify(nbgrader, root) == "alice"
    assert identify(root / "bob" / "hw" / "x.ipynb", root) == "bob"                          # a folder per student
    assert identify(root / "02-table-lookup" / "carol.ipynb", root, exercises={"02-table-lookup"}) == "carol"
    assert identify(root / "dave.ipynb", root) == "dave"                                     # the file name
    pattern = re.compile(r"(?P<student>[^_/]+)_")
    assert identify(root / "erin_02-table-lookup.ipynb", root, pattern) == "erin"            # the instructor's pattern
    export = {"submission_123": "frank@example.org"}
    assert identify(root / "submission_123" / "02-table-lookup.ipynb", root, gradescope=export) == "frank@example.org"


def test_a_gradescope_export_names_its_submitters(tmp_path):
    from autograder.report import gradescope_names
    (tmp_path / "submission_metadata.yml").write_text(
        "submission_1:\n  :submitters:\n  - :name: Ann\n    :email: ann@example.org\n"
        "submission_2:\n  :submitters:\n  - :name: Ben\n    :sid: '7'\n")
    assert gradescope_names(tmp_path) == {"submission_1": "ann@example.org", "submission_2": "Ben"}
    (tmp_path / "submission_metadata.yml").write_text("{{{ not yaml")
    assert gradescope_names(tmp_path) == {}


# ---------------------------------------------------------------- near-identical code

def test_fingerprints_see_through_renamed_variables_and_comments_not_other_code():
    a = "def f(W, x):\n    '''Rows.'''\n    out = W[x]  # look up\n    return out\n"
    b = "def f(table, idx):\n    # copied\n    result = table[idx]\n\n    return result\n"
    c = "def f(W, x):\n    out = W[x] * 2\n    return out\n"
    assert normalised_tokens(a) == normalised_tokens(b) != normalised_tokens(c)
    assert normalised_tokens("print(len(x))") == ["print", "(", "len", "(", "n0", ")", ")", "NEWLINE"]


def test_a_notebooks_fingerprints_leave_out_blank_cells():
    solved = parse_notebook(solution(CH1).read_bytes(), solution(CH1))
    blank = parse_notebook(exercise(CH1).read_bytes(), exercise(CH1))
    prints = code_fingerprints(solved)
    assert len(prints) >= 3 and all(re.fullmatch(r"[0-9a-f]{32}", d) for d in prints.values())
    assert code_fingerprints(blank) == {}          # raise NotImplementedError everywhere


def test_near_identical_code_is_grouped_by_task():
    records = [record("ann", prints={"lookup": "aa"}), record("ben", prints={"lookup": "aa", "backward": "bb"}),
               record("cat", prints={"backward": "cc"})]
    assert near_identical(records) == [("02-table-lookup", "lookup", ["ann", "ben"])]


# ---------------------------------------------------------------- gradebook and summary

def test_the_gradebook_has_a_row_per_student_and_a_column_per_exercise_and_task(tmp_path):
    records = [record("ann"), record("ann", passed=(True, True, True)),        # a second try: the best counts
               record("ben", passed=(False, False, False)),
               record("ann", exercise_name=CH1, passed=(True, False, False)),
               GradeRecord.error("subs/=cmd.ipynb", "not valid JSON").with_details(student="=cmd")]
    header, rows = gradebook(records)
    assert header == ["student", CH1, f"{CH1}:lookup", f"{CH1}:backward",
                      "02-table-lookup", "02-table-lookup:lookup", "02-table-lookup:backward", "total"]
    assert rows == [["=cmd", 0, 0, 0, 0, 0, 0, 0], ["ann", 2, 2, 0, 6, 4, 2, 8], ["ben", 0, 0, 0, 0, 0, 0, 0]]
    write_csv(tmp_path / "grades.csv", records)
    read = list(csv.reader(open(tmp_path / "grades.csv")))
    assert read[0] == header and read[1][0] == "'=cmd"            # no formula reaches a spreadsheet
    text = summary(records)
    assert "02-table-lookup: 2 student(s), mean 3.0, median 3 of 6" in text
    assert "1 notebook(s) were a second submission" in text and "1 notebook(s) could not be graded" in text
    assert text.count("#") > 0


def test_the_html_report_is_one_offline_file_that_escapes_what_it_shows(tmp_path):
    records = [record("ann", prints={"lookup": "aa"}), record("<b>ben</b>", prints={"lookup": "aa"}, seconds=9.5,
                                                              output="<script>alert(1)</script> differs"),
               GradeRecord.error("subs/x.ipynb", "not valid JSON").with_details(student="x")]
    write_html(tmp_path / "report.html", records)
    page = (tmp_path / "report.html").read_text()
    assert "<script" not in page and "&lt;script&gt;" in page and "&lt;b&gt;ben&lt;/b&gt;" in page
    assert not re.search(r"(src|href)=", page), "the report loads nothing"
    assert page.count("<svg") >= 3                 # scores, tasks earned, slowest
    for heading in ("Most common failures", "Slowest submissions", "Near-identical code", "Not graded"):
        assert heading in page
    # failures grouped with their numbers set aside, each with its count and example students
    assert "<td>test 2</td><td>values differ at [#, #]: # != #</td><td>1</td><td>ann</td>" in page


# ---------------------------------------------------------------- the command line, a small class

@pytest.fixture(scope="module")
def small_class(tmp_path_factory):
    """alice: the solution; bob: the release; carol: alice's code renamed and commented; dave: the
    solution, in a folder named after the exercise's assignment in nbgrader's layout."""
    root = tmp_path_factory.mktemp("class")
    sub = root / "submitted"
    notebook_with(solution(CH1), sub / "alice" / CH1 / f"{CH1}.ipynb")
    notebook_with(exercise(CH1), sub / "bob" / CH1 / f"{CH1}.ipynb")
    nb = json.loads(solution(CH1).read_text())
    for cell in nb["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("solution"):
            source = "".join(cell["source"])
            cell["source"] = "# my own work\n" + re.sub(r"\bindices\b", "idx", source)
    (sub / "carol" / CH1).mkdir(parents=True)
    (sub / "carol" / CH1 / f"{CH1}.ipynb").write_text(json.dumps(nb))
    out = root / "out"
    done = run_grader("grade", sub, "--device", "cpu", "--json", out / "grades.json", "--csv", out / "grades.csv",
                      "--report", out / "report.html")
    assert done.returncode == 0, done.stderr
    return out, done.stdout


@pytest.mark.slow
def test_the_command_line_writes_the_gradebook_and_report_with_students(small_class):
    out, stdout = small_class
    records = json.loads((out / "grades.json").read_text())
    assert sorted(r["student"] for r in records) == ["alice", "bob", "carol"]
    assert all(r["seconds"] > 0 for r in records)
    rows = {row["student"]: row for row in csv.DictReader(open(out / "grades.csv"))}
    top = records[0]["max_score"]
    assert float(rows["alice"][CH1]) == float(rows["carol"][CH1]) == top and float(rows["bob"][CH1]) == 0
    assert f"{CH1}: 3 student(s)" in stdout and "median" in stdout
    page = (out / "report.html").read_text()
    same = [line for line in page.splitlines() if "alice, carol" in line]
    assert same, "alice's code renamed and commented should show as near-identical"


@pytest.mark.slow
def test_the_report_command_rebuilds_the_same_files_from_the_records(small_class, tmp_path):
    out, _ = small_class
    done = run_grader("report", out / "grades.json", "--csv", tmp_path / "g.csv", "--html", tmp_path / "r.html")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "g.csv").read_text() == (out / "grades.csv").read_text()
    assert (tmp_path / "r.html").read_text() == (out / "report.html").read_text()
    (tmp_path / "bad.json").write_text('[{"notebook": 3}]')
    done = run_grader("report", tmp_path / "bad.json", "--csv", tmp_path / "never.csv")
    assert done.returncode == 2 and "grade record" in done.stderr and not (tmp_path / "never.csv").exists()
    (tmp_path / "a-file").write_text("")
    done = run_grader("report", out / "grades.json", "--csv", tmp_path / "a-file" / "g.csv", "--html", tmp_path / "r2.html")
    assert done.returncode == 1 and "cannot write" in done.stderr and (tmp_path / "r2.html").exists()


@pytest.mark.slow
@pytest.mark.browser
def test_the_report_opens_offline_in_chromium_at_phone_and_desktop_width(small_class, tmp_path):
    from playwright.sync_api import sync_playwright

    from website import CHROMIUM, CHROMIUM_ARGS
    out, _ = small_class
    report = (out / "report.html").resolve()
    problems = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            for width in (390, 1280):
                page = browser.new_page(viewport={"width": width, "height": 800})
                page.route("**/*", lambda route: route.continue_() if route.request.url == report.as_uri()
                           else (problems.append(f"request: {route.request.url}"), route.abort())[1])
                page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
                page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
                page.goto(report.as_uri(), wait_until="load")
                assert page.locator("svg").count() >= 3 and page.locator("h2").count() >= 4
                overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
                assert overflow <= 1, f"the report scrolls sideways by {overflow} px at {width} px"
                page.screenshot(path=str(tmp_path / f"report-{width}.png"), full_page=True)
                page.close()
        finally:
            browser.close()
    assert not problems, problems
