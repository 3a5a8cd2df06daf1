"""Command line: `python -m autograder grade|release|course ...`."""
from __future__ import annotations

import argparse
import concurrent.futures as cf
import hashlib
import json
import multiprocessing
import os
import sys
import tempfile
from pathlib import Path

from autograder import REPO, SUITES


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    g = sub.add_parser("grade", help="grade submitted notebooks with the hidden suites")
    g.add_argument("paths", nargs="+", metavar="PATH", help="notebooks, or folders searched for *.ipynb")
    g.add_argument("--device", choices=["cpu", "cuda", "auto"], default="auto",
                   help="where the PyTorch tests run: cpu, cuda (fails at once without a GPU), "
                        "or auto (cpu, and cuda too when present; the default)")
    g.add_argument("--jobs", type=int, default=1, metavar="N", help="grade N submissions at once")
    g.add_argument("--json", metavar="FILE", help="write one record per submission to FILE; finished records "
                   "are also kept in FILE.d/ as they complete, and a rerun skips what is already graded")
    g.add_argument("-v", "--verbose", action="store_true", help="list every lost point in the table")
    g.add_argument("--memory-mb", type=int, default=4096, help="memory limit of a submission's process")
    g.add_argument("--timeout", type=float, default=20.0, help="seconds allowed for one call into student code")
    g.add_argument("--load-timeout", type=float, default=60.0, help="seconds allowed for running a notebook's cells")

    r = sub.add_parser("release", help="generate the student notebooks from solutions/ with nbgrader")
    r.add_argument("--out", default="exercises", help="folder to write <exercise>/<exercise>.ipynb into")
    r.add_argument("exercises", nargs="*", help="exercise names (default: all)")

    c = sub.add_parser("course", help="set up an nbgrader course directory that grades with the hidden suites")
    c.add_argument("directory")
    c.add_argument("--device", choices=["cpu", "cuda", "auto"], default="auto")
    c.add_argument("--db", default=None, help="gradebook URL (default: sqlite gradebook.db in the course)")

    b = sub.add_parser("gradescope", help="build a Gradescope autograder bundle (zip) for one exercise")
    b.add_argument("exercise")
    b.add_argument("--out", help="zip to write (default: gradescope-<exercise>.zip)")
    b.add_argument("--visibility", default="after_due_date", help="Gradescope visibility of the hidden tests: "
                   "visible, hidden, after_due_date (default) or after_published")

    gr = sub.add_parser("gradescope-run", help="(inside Gradescope) grade /autograder/submission")
    gr.add_argument("--exercise", required=True)
    gr.add_argument("--submission", default="/autograder/submission")
    gr.add_argument("--results", default="/autograder/results/results.json")
    gr.add_argument("--visibility", default="after_due_date")

    args = parser.parse_args(argv)
    return {"grade": cmd_grade, "release": cmd_release, "course": cmd_course,
            "gradescope": cmd_gradescope, "gradescope-run": cmd_gradescope_run}[args.command](args)


# ---------------------------------------------------------------- grade

def find_notebooks(paths: list[str]) -> tuple[list[Path], list[str]]:
    found, problems = [], []
    for p in map(Path, paths):
        if p.is_dir():
            nbs = sorted(q for q in p.rglob("*.ipynb") if ".ipynb_checkpoints" not in q.parts)
            if not nbs:
                problems.append(f"{p}: no .ipynb files in this folder")
            found += nbs
        elif p.exists():
            found.append(p)
        else:
            problems.append(f"{p}: no such file or folder")
    return found, problems


def _grade_one(path: str, devices: list[str], limits) -> dict:
    from autograder.grading import grade_notebook
    try:
        return grade_notebook(path, devices, limits)
    except Exception as e:  # a grader bug must not lose the rest of the batch
        return _error_record(path, f"internal grader error: {type(e).__name__}: {e}")


def grader_version() -> str:
    """Changes whenever the grader or a hidden suite changes, so stored results
    are reused only while they would come out the same."""
    h = hashlib.sha256()
    for path in sorted(Path(__file__).parent.rglob("*.py")):
        h.update(str(path.relative_to(REPO)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:16]


class ResultStore:
    """Finished records, one file each, written atomically as they complete,
    so an interrupted batch resumes without grading again what is done."""

    def __init__(self, json_path: Path, devices: list[str]):
        self.dir = json_path.with_name(json_path.name + ".d")
        self.dir.mkdir(parents=True, exist_ok=True)
        self.salt = f"{grader_version()}|{','.join(devices)}"

    def key(self, notebook: Path) -> str:
        return hashlib.sha256(self.salt.encode() + b"|" + notebook.read_bytes()).hexdigest()[:32]

    def get(self, notebook: Path) -> dict | None:
        try:
            record = json.loads((self.dir / f"{self.key(notebook)}.json").read_text())
        except (OSError, ValueError):
            return None
        return {**record, "notebook": str(notebook)}

    def put(self, notebook: Path, record: dict):
        if record["status"] == "graded":  # errors are retried next time
            write_json_atomic(self.dir / f"{self.key(notebook)}.json", record)


def cmd_grade(args) -> int:
    from autograder.grading import DeviceUnavailable, resolve_devices
    try:
        devices = resolve_devices(args.device)
    except DeviceUnavailable as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if args.device == "auto" and "cuda" not in devices:
        print("note: no CUDA GPU here: the PyTorch tests run on the CPU, the cuda cases are skipped", file=sys.stderr)
    notebooks, problems = find_notebooks(args.paths)
    for p in problems:
        print(f"error: {p}", file=sys.stderr)
    if not notebooks:
        return 2
    from tqdm import tqdm
    from autograder.sandbox import Limits
    limits = Limits(memory_mb=args.memory_mb, call_timeout=args.timeout, load_timeout=args.load_timeout)
    store = ResultStore(Path(args.json), devices) if args.json else None
    records = [store.get(nb) if store else None for nb in notebooks]
    todo = [i for i, r in enumerate(records) if r is None]
    if store and len(todo) < len(notebooks):
        print(f"{len(notebooks) - len(todo)} submission(s) already graded in {store.dir}: not graded again",
              file=sys.stderr)

    def finish(i, record):
        records[i] = record
        if store:
            store.put(notebooks[i], record)
        bar.update()

    jobs = max(1, min(args.jobs, len(todo) or 1))
    with tqdm(total=len(todo), desc="grading", unit="notebook", file=sys.stderr, disable=len(todo) < 2) as bar:
        if jobs == 1:
            for i in todo:
                finish(i, _grade_one(str(notebooks[i]), devices, limits))
        else:
            ctx = multiprocessing.get_context("spawn")  # the grader imports torch: never fork it
            with cf.ProcessPoolExecutor(jobs, mp_context=ctx) as pool:
                futures = {pool.submit(_grade_one, str(notebooks[i]), devices, limits): i for i in todo}
                for fut in cf.as_completed(futures):
                    try:
                        record = fut.result()
                    except Exception as e:  # a grading process died: report, keep the rest
                        record = _error_record(str(notebooks[futures[fut]]), f"the grading process failed: {e!r}")
                    finish(futures[fut], record)
    print_table(records, devices, verbose=args.verbose or len(records) == 1)
    if args.json:
        write_json_atomic(Path(args.json), records)
    return 0 if not problems and all(r["status"] == "graded" for r in records) else 1


def _error_record(path: str, message: str) -> dict:
    return {"notebook": path, "exercise": None, "score": 0.0, "max_score": 0.0, "tests": [],
            "status": "error", "messages": [message]}


def print_table(records: list[dict], devices: list[str], verbose: bool):
    width = max(len(r["notebook"]) for r in records)
    print(f"devices: {', '.join(devices)}")
    print(f"{'notebook':<{width}}  {'exercise':<20} {'score':>13}")
    for r in records:
        score = f"{r['score']:g} / {r['max_score']:g}" if r["status"] == "graded" else "not graded"
        print(f"{r['notebook']:<{width}}  {str(r['exercise'] or '?'):<20} {score:>13}")
        for m in r["messages"]:
            print(f"    ! {m}")
        failed = [t for t in r["tests"] if t["score"] < t["max_score"]]
        if verbose:
            for t in failed:
                print(f"    - {t['name']}: {t['output']}")
        elif failed:
            print(f"    {len(failed)} of {len(r['tests'])} tests failed (--verbose or --json for why)")


def write_json_atomic(path: Path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w") as f:
        json.dump(data, f, indent=1)
    os.replace(tmp, path)


# ---------------------------------------------------------------- release / course

def all_exercises() -> list[str]:
    return sorted(p.name for p in SUITES.iterdir() if p.is_dir() and (REPO / "solutions" / p.name).is_dir())


def cmd_release(args) -> int:
    from autograder.nbgrader_course import release
    names = args.exercises or all_exercises()
    for path in release(names, Path(args.out)):
        print(f"wrote {path}")
    return 0


def cmd_course(args) -> int:
    from autograder.nbgrader_course import make_course
    root = make_course(Path(args.directory), device=args.device, db=args.db)
    print(f"nbgrader course ready in {root}. Next, from that folder:\n"
          "  nbgrader generate_assignment 01-one-hot-encoding   # writes release/\n"
          "  (collect submissions into submitted/<student>/<assignment>/)\n"
          "  nbgrader autograde 01-one-hot-encoding             # the hidden suites decide the points\n"
          "  nbgrader generate_feedback 01-one-hot-encoding\n"
          "  nbgrader export                                    # grades.csv")
    return 0


def cmd_gradescope(args) -> int:
    from autograder.gradescope import build_bundle
    out = build_bundle(args.exercise, Path(args.out or f"gradescope-{args.exercise}.zip"), args.visibility)
    print(f"wrote {out}: upload it as the autograder of a Gradescope programming assignment; "
          f"students submit {args.exercise}.ipynb")
    return 0


def cmd_gradescope_run(args) -> int:
    from autograder.gradescope import run
    return run(args.exercise, Path(args.submission), Path(args.results), args.visibility)
