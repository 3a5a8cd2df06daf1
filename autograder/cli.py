"""Command line: `python -m autograder grade|release|course ...`."""
from __future__ import annotations

import argparse
import concurrent.futures as cf
import hashlib
import json
import multiprocessing
import os
import sys
from collections import deque
from dataclasses import dataclass
from pathlib import Path

from autograder import REPO, defaults
from autograder.exercises import discover
from autograder.results import GradeRecord, write_json_atomic
from autograder.text import safe_line, safe_path, safe_text


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    g = sub.add_parser("grade", help="grade submitted notebooks with the hidden suites")
    g.add_argument("paths", nargs="+", metavar="PATH", help="notebooks, or folders searched for *.ipynb "
                   "(links and special files are refused, linked folders are not searched)")
    g.add_argument("--exercise", metavar="NAME", help="grade every notebook as this exercise (a notebook that names "
                   "another is flagged); default: the exercise named by the folders above a notebook when they name "
                   "exactly one, else the one the notebook names")
    g.add_argument("--device", choices=["cpu", "cuda", "auto"], default="auto",
                   help="where the PyTorch tests run: cpu, cuda (fails at once without a GPU), "
                        "or auto (cpu, and cuda too when present; the default)")
    g.add_argument("--jobs", type=int, default=1, metavar="N", help="grade N submissions at once")
    g.add_argument("--scheduler", metavar="ADDRESS", help="grade on a Dask cluster: the scheduler's address "
                   "(tcp://host:8786); its workers grade, this command keeps the records (autograder/cluster.py)")
    g.add_argument("--scheduler-file", metavar="FILE", help="the same, with the file `dask scheduler "
                   "--scheduler-file FILE` wrote")
    g.add_argument("--json", metavar="FILE", help="write one record per submission to FILE; finished records "
                   "are also kept in FILE.d/ as they complete, and a rerun skips what is already graded")
    g.add_argument("--regrade", action="store_true", help="grade every notebook again, even those FILE.d/ "
                   "already holds (they are replaced)")
    g.add_argument("--csv", metavar="FILE", help="write a gradebook: one row per student, a column per exercise "
                   "and per task, and the total (the best notebook when a student has several of one exercise)")
    g.add_argument("--report", metavar="FILE", help="write the class report, one offline HTML file: score "
                   "distributions, tasks earned, common failures, slowest submissions, near-identical code")
    g.add_argument("--student-pattern", metavar="REGEX", type=student_pattern,
                   help="a regular expression with a group named student, matched against each notebook's path "
                        "below the folder given (say '(?P<student>[^_/]+)_'); without it, nbgrader's "
                        "submitted/<student>/, a Gradescope export's metadata, or a folder per student decide")
    g.add_argument("-v", "--verbose", action="store_true", help="list every lost point in the table")
    g.add_argument("--explain-answers", action="store_true", help="tell each wrong answer to a graded question "
                   "its right answer and why: for feedback after the deadline")
    g.add_argument("--memory-mb", type=int, default=defaults.MEMORY_MB, help="memory limit of a submission's process")
    g.add_argument("--timeout", type=positive, default=defaults.CALL_TIMEOUT,
                   help="seconds allowed for one call into student code")
    g.add_argument("--load-timeout", type=positive, default=defaults.LOAD_TIMEOUT,
                   help="seconds allowed for running a notebook's cells")
    g.add_argument("--budget", type=positive, default=defaults.BUDGET, metavar="SECONDS",
                   help="seconds allowed for grading one submission, all its calls together; each call gets "
                        "the per-call limit or what is left, whichever is less (default: %(default)g)")

    r = sub.add_parser("release", help="generate the student notebooks from solutions/ with nbgrader")
    r.add_argument("--out", default="exercises", help="folder to write <exercise>/<exercise>.ipynb into")
    r.add_argument("exercises", nargs="*", help="exercise names (default: all)")

    c = sub.add_parser("course", help="set up an nbgrader course directory that grades with the hidden suites")
    c.add_argument("directory")
    c.add_argument("--device", choices=["cpu", "cuda", "auto"], default="auto")
    c.add_argument("--db", default=None, help="gradebook URL (default: sqlite gradebook.db in the course)")
    c.add_argument("--budget", type=positive, default=defaults.BUDGET, metavar="SECONDS",
                   help="seconds allowed for grading one submission (default: %(default)g)")

    b = sub.add_parser("gradescope", help="build a Gradescope autograder bundle (zip) for one exercise")
    b.add_argument("exercise")
    b.add_argument("--out", help="zip to write (default: gradescope-<exercise>.zip)")
    b.add_argument("--visibility", default="after_due_date", help="Gradescope visibility of the hidden tests: "
                   "visible, hidden, after_due_date (default) or after_published")
    b.add_argument("--budget", type=positive, default=defaults.GRADESCOPE_BUDGET, metavar="SECONDS",
                   help="seconds allowed for grading one submission (default: %(default)g; keep it well under "
                        "the assignment's Gradescope timeout, 600 s by default)")

    rp = sub.add_parser("report", help="the gradebook and the class report from the records of `grade --json`")
    rp.add_argument("records", metavar="FILE", help="the JSON file `grade --json FILE` wrote")
    rp.add_argument("--csv", metavar="FILE", help="write the gradebook (as grade --csv)")
    rp.add_argument("--html", "--report", metavar="FILE", dest="html", help="write the class report (as grade --report)")

    gr = sub.add_parser("gradescope-run", help="(inside Gradescope) grade /autograder/submission")
    gr.add_argument("--exercise", required=True)
    gr.add_argument("--submission", default="/autograder/submission")
    gr.add_argument("--results", default="/autograder/results/results.json")
    gr.add_argument("--visibility", default="after_due_date")
    gr.add_argument("--budget", default=None, metavar="SECONDS")

    args = parser.parse_args(argv)
    return {"grade": cmd_grade, "release": cmd_release, "course": cmd_course, "report": cmd_report,
            "gradescope": cmd_gradescope, "gradescope-run": cmd_gradescope_run}[args.command](args)


def student_pattern(text: str):
    import re
    try:
        pattern = re.compile(text)
    except re.error as e:
        raise argparse.ArgumentTypeError(f"{text!r} is not a regular expression: {e}") from None
    if "student" not in pattern.groupindex:
        raise argparse.ArgumentTypeError(f"{text!r} has no group named student: write (?P<student>...)")
    return pattern


def positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r}: a positive number of seconds is needed")
    return value


# ---------------------------------------------------------------- grade

@dataclass
class Submission:
    """A notebook to grade (or a path refused, with the reason), and the exercise
    it is expected to be: --exercise, or the folders above it (None: the notebook says)."""
    path: Path
    expected: str | None = None
    expected_from: str = "the instructor"
    problem: str | None = None   # set when it cannot be graded at all
    root: Path | None = None     # the path the instructor gave that led to it (who submitted it: report.identify)


def find_submissions(paths: list[str], exercise: str | None) -> tuple[list[Submission], list[str]]:
    """Every *.ipynb under `paths`, each with its expected exercise; links and special
    files come back as submissions with a problem, so they get a record."""
    from autograder.notebook import find_notebooks
    found, problems = [], []
    for p in map(Path, paths):
        if not os.path.lexists(p):
            problems.append(f"{safe_path(p)}: no such file or folder")
            continue
        items = find_notebooks(p)
        if not items:
            problems.append(f"{safe_path(p)}: no .ipynb files in this folder")
        for item in items:
            sub = Submission(item.path, problem=item.refused, root=item.root)
            if exercise:
                sub.expected, sub.expected_from = exercise, "--exercise"
            elif not sub.problem:
                named = folder_exercises(item.path, item.root)
                if len(named) == 1:
                    sub.expected, sub.expected_from = named[0], "the name of a folder above it"
                elif len(named) > 1:
                    sub.problem = (f"the folders above this notebook name different exercises ({', '.join(named)}), "
                                   "so which one it should be is unclear: grade it with --exercise NAME")
            found.append(sub)
    return found, problems


def folder_exercises(notebook: Path, root: Path) -> list[str]:
    """Exercise names among the folders above a notebook: those of the path the
    instructor gave (the folder itself and where it lies) and those between it and
    the notebook. Its own file name is the student's choice and does not count."""
    from autograder.notebook import known_exercises
    folders = list(Path(os.path.abspath(root if root.is_dir() else root.parent)).parts)
    if root.is_dir():
        folders += list(notebook.parent.relative_to(root).parts)
    known = known_exercises()
    return sorted({f for f in folders if f in known})


def grader_version() -> str:
    """Changes whenever the grader or a hidden suite changes, so stored results
    are reused only while they would come out the same."""
    h = hashlib.sha256()
    for path in sorted(Path(__file__).parent.rglob("*.py")):
        h.update(str(path.relative_to(REPO)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:16]


class ResultStore:
    """Finished records, one file each, written atomically as they complete,
    so an interrupted batch resumes without grading again what is done. A record
    is kept under the hash of the notebook's bytes and of what it was graded with."""

    def __init__(self, json_path: Path, devices: list[str], budget: float, limits=None, explain_answers=False):
        self.dir = json_path.with_name(json_path.name + ".d")
        self.dir.mkdir(parents=True, exist_ok=True)
        # Everything a grade can depend on besides the notebook: the grader and suites, the devices,
        # the budget and every limit (a shorter --timeout can cost a slow submission points), and
        # whether the answers are explained (the messages differ).
        self.salt = f"{grader_version()}|{','.join(devices)}|{budget!r}|{limits!r}|{explain_answers!r}"

    def key(self, digest: str, expected: str | None) -> str:
        return hashlib.sha256(f"{self.salt}|{expected}|{digest}".encode()).hexdigest()[:32]

    def get(self, sub: Submission, digest: str) -> GradeRecord | None:
        """The stored record, if there is a valid one (anything else is graded again)."""
        try:
            stored = json.loads((self.dir / f"{self.key(digest, sub.expected)}.json").read_text())
            record = GradeRecord.from_json(stored)
        except (OSError, ValueError, RecursionError):   # BadRecord is a ValueError, as is bad JSON
            return None
        if record.status != "graded":
            return None
        return record.renamed(sub.path)

    def put(self, sub: Submission, digest: str | None, record: GradeRecord):
        if digest and record.status == "graded":  # errors are retried next time
            write_json_atomic(self.dir / f"{self.key(digest, sub.expected)}.json", record.to_json())


def cmd_grade(args) -> int:
    from autograder.grading import DeviceUnavailable, grade_file, resolve_devices
    from autograder.notebook import BadNotebook, known_exercises, read_submission
    # Whatever a record holds, printing it must not stop the grader (on a terminal that is not UTF-8, say).
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    if args.exercise is not None and args.exercise not in known_exercises():
        print(f"error: --exercise {safe_line(args.exercise, 100)}: no such exercise; the exercises are "
              f"{', '.join(known_exercises())}", file=sys.stderr)
        return 2
    try:
        devices = resolve_devices(args.device)
    except DeviceUnavailable as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if args.device == "auto" and "cuda" not in devices:
        print("note: no CUDA GPU here: the PyTorch tests run on the CPU, the cuda cases are skipped", file=sys.stderr)
    submissions, problems = find_submissions(args.paths, args.exercise)
    for p in problems:
        print(f"error: {p}", file=sys.stderr)
    if not submissions:
        return 2
    from tqdm import tqdm
    from autograder.sandbox import Limits
    limits = Limits(memory_mb=args.memory_mb, call_timeout=args.timeout, load_timeout=args.load_timeout)
    store = ResultStore(Path(args.json), devices, args.budget, limits, args.explain_answers) if args.json else None
    records: list[GradeRecord | None] = [None] * len(submissions)
    todo = []
    for i, sub in enumerate(submissions):
        if sub.problem:
            records[i] = GradeRecord.error(sub.path, sub.problem, sub.expected)
            continue
        if store and not args.regrade:
            try:
                records[i] = store.get(sub, hashlib.sha256(read_submission(sub.path)).hexdigest())
            except BadNotebook:
                pass   # graded below, where the same problem gives its record
        if records[i] is None:
            todo.append(i)
    if store and len(todo) < len(submissions):
        reused = sum(1 for r in records if r is not None and r.status == "graded")
        if reused:
            print(f"{reused} submission(s) already graded in {safe_path(store.dir)}: not graded again",
                  file=sys.stderr)

    def finish(i, result):
        digest, record = result
        records[i] = record
        if store:
            store.put(submissions[i], digest, record)
        bar.update()

    def task(i):
        sub = submissions[i]
        return (str(sub.path), devices, limits, sub.expected, sub.expected_from, args.budget, args.explain_answers)

    jobs = max(1, min(args.jobs, len(todo) or 1))
    client = None
    if (args.scheduler or args.scheduler_file) and todo:
        from autograder.cluster import connect
        client = connect(args.scheduler, args.scheduler_file)
    with tqdm(total=len(todo), desc="grading", unit="notebook", file=sys.stderr, disable=len(todo) < 2) as bar:
        if client is not None:
            from autograder.cluster import grade_on_cluster
            try:
                grade_on_cluster(client, [(i, task(i)) for i in todo], finish)
            except Exception as e:   # the scheduler lost, say: what arrived is kept, the rest says why
                print(f"error: the cluster stopped grading: {safe_text(e, 300)}", file=sys.stderr)
                for i in todo:
                    if records[i] is None:
                        records[i] = GradeRecord.error(submissions[i].path, "not graded: the cluster stopped before "
                                                       f"this notebook was graded ({type(e).__name__})",
                                                       submissions[i].expected)
            finally:
                client.close()
        elif jobs == 1:
            for i in todo:
                finish(i, grade_file(*task(i)))
        else:
            grade_in_pool([(i, task(i)) for i in todo], jobs, grade_file, finish)
    records = with_students(records, submissions, args.student_pattern)
    # The results are written before anything is printed: nothing shown can lose them.
    if args.json:
        write_json_atomic(Path(args.json), [r.to_json() for r in records])
    written = write_class_files(records, args.csv, args.report)
    print_table(records, devices, verbose=args.verbose or len(records) == 1)
    if len(records) > 1:
        from autograder.report import summary
        print(summary(records))
    return 0 if written and not problems and all(r.status == "graded" for r in records) else 1


def with_students(records: list[GradeRecord], submissions: list[Submission], pattern) -> list[GradeRecord]:
    """Each record with the student who submitted its notebook (report.identify)."""
    from autograder.notebook import known_exercises
    from autograder.report import gradescope_names, identify
    exercises = frozenset(known_exercises())
    exports = {}
    out = []
    for record, sub in zip(records, submissions):
        root = Path(os.path.abspath(sub.root if sub.root is not None else sub.path.parent))
        if root not in exports:
            exports[root] = gradescope_names(root) if root.is_dir() else {}
        out.append(record.with_details(student=identify(Path(os.path.abspath(sub.path)), root, pattern, exports[root],
                                                            exercises)))
    return out


def write_class_files(records: list[GradeRecord], csv_path, html_path) -> bool:
    """The gradebook and the report, when asked for; False (and a message) if one cannot be written."""
    from autograder.report import write_csv, write_html
    ok = True
    for path, write in ((csv_path, write_csv), (html_path, write_html)):
        if path:
            try:
                write(Path(path), records)
            except OSError as e:
                print(f"error: cannot write {safe_path(path)}: {safe_text(e, 300)}", file=sys.stderr)
                ok = False
    return ok


def cmd_report(args) -> int:
    from autograder.report import summary
    from autograder.results import BadRecord
    try:
        data = json.loads(Path(args.records).read_text(encoding="utf-8"))
        if not isinstance(data, list):
            raise BadRecord("the file does not hold a list of records")
        records = [GradeRecord.from_json(r) for r in data]
    except (OSError, ValueError, RecursionError) as e:   # BadRecord and bad JSON are ValueErrors
        print(f"error: {safe_path(args.records)}: {safe_text(e, 500)} (write it with `grade --json FILE`)",
              file=sys.stderr)
        return 2
    written = write_class_files(records, args.csv, args.html)
    print(summary(records))
    return 0 if written else 1


def grade_in_pool(items: list[tuple[int, tuple]], jobs: int, work, finish):
    """Run work(*args) for each (i, args) in `jobs` spawned processes and call
    finish(i, result) as each completes. A process that dies (killed, out of
    memory) breaks the pool: the others' finished results are kept, a new pool
    takes the rest, and the notebooks that were being graded when it died are
    graded again one at a time, so one that kills its process a second time gets
    its own error record and the others are graded normally."""
    queue = deque(items)
    suspects = _run_pool(queue, jobs, work, finish)
    for i, args in suspects:
        if _run_pool(deque([(i, args)]), 1, work, finish):
            finish(i, (None, GradeRecord.error(args[0], "the grading process died while grading this notebook, twice "
                                                   "(killed from outside, or out of memory); it was not graded",
                                               args[3])))


def _run_pool(queue: deque, jobs: int, work, finish) -> list:
    """Work through `queue` in pools of `jobs` processes, at most `jobs` items in
    flight (so those lost with a dead process are known); returns them."""
    ctx = multiprocessing.get_context("spawn")  # the grader imports torch: never fork it
    lost = []
    while queue:
        with cf.ProcessPoolExecutor(jobs, mp_context=ctx) as pool:
            running, broken = {}, False
            while (queue or running) and not broken:
                while queue and len(running) < jobs:
                    item = queue.popleft()
                    running[pool.submit(work, *item[1])] = item
                done, _ = cf.wait(running, return_when=cf.FIRST_COMPLETED)
                for fut in done:
                    item = running.pop(fut)
                    try:
                        result = fut.result()
                    except cf.process.BrokenProcessPool:
                        lost.append(item)
                        broken = True
                        continue
                    except Exception as e:  # the result could not come back: report, keep the rest
                        result = (None, GradeRecord.error(item[1][0], f"the grading process failed: {e!r}",
                                                          item[1][3]))
                    finish(item[0], result)
            if broken:   # what was still in flight went down with the pool
                for fut, item in running.items():
                    if fut.done() and not fut.cancelled() and fut.exception() is None:
                        finish(item[0], fut.result())
                    else:
                        lost.append(item)
    return lost


def print_table(records: list[GradeRecord], devices: list[str], verbose: bool):
    """The score table. Every string of a record is safe (results.py); names and
    exercises are printed on one line each, and a message's continuation lines
    are indented, so nothing a submission wrote can pose as a row."""
    rows = []
    for r in records:
        exercise = safe_line(r.exercise or "?", 60)
        if r.claims:
            exercise += f" (notebook says {safe_line(r.claims, 60)})"
        score = f"{r.score:g} / {r.max_score:g}" if r.status == "graded" else "not graded"
        rows.append((r.notebook, exercise, score))
    width = max(len(n) for n, _, _ in rows)
    ex_width = max(20, *(len(e) for _, e, _ in rows))
    print(f"devices: {', '.join(devices)}")
    print(f"{'notebook':<{width}}  {'exercise':<{ex_width}} {'score':>13}")
    for r, (name, exercise, score) in zip(records, rows):
        print(f"{name:<{width}}  {exercise:<{ex_width}} {score:>13}")
        for m in r.messages:
            print(_indented(f"    ! {m}"))
        failed = r.lost
        if verbose:
            for t in failed:
                print(_indented(f"    - {t.name}: {safe_text(t.output, 2000)}"))
        elif failed:
            print(f"    {len(failed)} of {len(r.tests)} tests failed (--verbose or --json for why)")


def _indented(text: str) -> str:
    return text.replace("\n", "\n      ")


# ---------------------------------------------------------------- release / course

def cmd_release(args) -> int:
    from autograder.nbgrader_course import release
    names = args.exercises or discover()
    for path in release(names, Path(args.out)):
        print(f"wrote {path}")
    return 0


def cmd_course(args) -> int:
    from autograder.exercises import data_sets
    from autograder.nbgrader_course import make_course
    from embedding_course import coursedata
    root = make_course(Path(args.directory), device=args.device, db=args.db, budget=args.budget)
    needed = {name: ex for ex in discover() for name in data_sets(ex)}
    missing = []
    for name, ex in sorted(needed.items()):
        try:
            coursedata.path(name)
        except coursedata.DataError as e:
            missing.append(f"  {name} (for {ex}): {e}")
    print(f"data sets ({', '.join(sorted(needed))}) are read from {coursedata.CACHE} (nbgrader_config.py says so)")
    if missing:
        print("warning: some are missing, and their exercises would lose the tests that read them:\n"
              + "\n".join(missing), file=sys.stderr)
    # The course's config imports the installed grader: nbgrader must be this environment's.
    nbgrader = Path(sys.executable).parent / "nbgrader"
    print(f"nbgrader course ready in {root}. Next, from that folder, with this environment's nbgrader\n"
          f"({nbgrader}; or activate the environment first: source {nbgrader.parent / 'activate'}):\n"
          f"  {nbgrader} generate_assignment 01-one-hot-encoding   # writes release/\n"
          "  (collect submissions into submitted/<student>/<assignment>/)\n"
          f"  {nbgrader} autograde 01-one-hot-encoding             # the hidden suites decide the points\n"
          f"  {nbgrader} generate_feedback 01-one-hot-encoding\n"
          f"  {nbgrader} export                                    # grades.csv")
    return 0


def cmd_gradescope(args) -> int:
    from autograder.gradescope import build_bundle
    out = build_bundle(args.exercise, Path(args.out or f"gradescope-{args.exercise}.zip"), args.visibility,
                       budget=args.budget)
    print(f"wrote {out}: upload it as the autograder of a Gradescope programming assignment; "
          f"students submit {args.exercise}.ipynb")
    return 0


def cmd_gradescope_run(args) -> int:
    from autograder.gradescope import run
    return run(args.exercise, Path(args.submission), Path(args.results), args.visibility, budget=args.budget)
