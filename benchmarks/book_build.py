"""How long the student website takes to build: cold (no execution cache, the course's word2vec
vectors not cached, so chapter 5 trains them) and then unchanged (everything cached), with each
chapter's execution time as reported by the build. A cold build runs the chapters side by side
(book/_ext/parallel_execution.py); for comparison, a second cold build runs them one at a time
(COURSE_BOOK_JOBS=1, myst-nb's own way) in the same run.

    .venv/bin/python benchmarks/book_build.py

The build goes to a temporary folder (the clone's _build is left alone) with `make book`'s command,
and reads the data from a temporary folder holding links to the clone's data files, less the cached
course vectors. Writes book_build.json beside this file. Run on demand on a quiet machine (the
data fetched: `make data`); not part of `make test`.
"""
from __future__ import annotations

import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autograder import REPO
from embedding_course import coursedata

RESULTS = Path(__file__).with_suffix(".json")
EXECUTED = re.compile(r"book/([\w-]+)\.md: Executed notebook in ([\d.]+) seconds")
SIDE_BY_SIDE = re.compile(r"executing (\d+) pages, (\d+) at a time")


def build(out: Path, data: Path, jobs: int | None = None) -> tuple[float, dict[str, float], int]:
    """Seconds for one `jupyter-book build` into `out`, each page's execution seconds, and how many
    pages ran at once."""
    command = [str(Path(sys.executable).parent / "jupyter-book"), "build", ".", "--path-output", str(out),
               "-W", "-n", "--keep-going"]
    env = {**os.environ, "COURSE_PAGE_BUILD": "1", "COURSE_DATA_DIR": str(data)}
    env.pop("COURSE_BOOK_JOBS", None)
    if jobs is not None:
        env["COURSE_BOOK_JOBS"] = str(jobs)
    start = time.perf_counter()
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"the build failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    log = re.sub(r"\x1b\[[0-9;]*m", "", done.stdout + done.stderr)
    side_by_side = SIDE_BY_SIDE.search(log)
    return seconds, {page: float(s) for page, s in EXECUTED.findall(log)}, int(side_by_side[2]) if side_by_side else 1


def fresh_data(tmp: Path) -> Path:
    """A data folder of links to the clone's data files, without the cached course vectors."""
    data = Path(tempfile.mkdtemp(prefix="data-", dir=tmp))
    for path in coursedata.CACHE.iterdir():
        if path.is_file() and not path.name.startswith("word2vec-course-"):
            (data / path.name).symlink_to(path)
    return data


def main():
    with tempfile.TemporaryDirectory(prefix="book-build-") as tmp:
        tmp = Path(tmp)
        data = fresh_data(tmp)
        cold, pages, jobs = build(tmp / "site", data)
        unchanged, again, _ = build(tmp / "site", data)
        serial, serial_pages, _ = build(tmp / "serial", fresh_data(tmp), jobs=1)
    results = {
        "cold_seconds": round(cold, 1),
        "cold_pages_at_once": jobs,
        "cold_pages_executed_seconds": {page: round(s, 1) for page, s in pages.items()},
        "unchanged_rebuild_seconds": round(unchanged, 1),
        "unchanged_pages_executed": sorted(again),
        "cold_one_page_at_a_time_seconds": round(serial, 1),
        "cold_one_page_at_a_time_pages_executed_seconds": {page: round(s, 1) for page, s in serial_pages.items()},
        "goal": "cold under 120 s, unchanged rebuild under 10 s (issue 16)",
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
        "measured": time.strftime("%Y-%m-%d"),
    }
    RESULTS.write_text(json.dumps(results, indent=1) + "\n")
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
