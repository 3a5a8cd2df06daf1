"""Find and read submitted notebooks defensively, and find out which exercise
a notebook says it is.

Everything here handles untrusted files in the trusted process: it only reads
JSON and never executes anything. A file is opened without following links
and without blocking (a FIFO would otherwise hang the grader), checked to be a
regular file on the open descriptor itself, read up to a size limit, and its
JSON structure is counted before it is parsed, so the memory a notebook can
make the grader spend is bounded. Any problem is a BadNotebook whose message
says what is wrong and what to do.
"""
from __future__ import annotations

import errno
import json
import os
import stat
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from autograder import exercises
from autograder.text import safe_line

# The largest notebook read. Outputs are ignored, but they are read: a notebook
# of 136 real ones with outputs (the Python Data Science Handbook) is at most 2.7 MB,
# our exercises are under 100 kB without outputs; 60 MB of printed output still grades.
MAX_NOTEBOOK_BYTES = 100 << 20
# JSON structural tokens ({ [ , : counted in the raw bytes, inside strings too) allowed
# before parsing. Parsing costs up to ~67 bytes of memory per token (measured: a list of
# {"":0} objects) besides the text itself, so this bounds it to ~135 MB; a 57 MB file of
# empty objects (38 million tokens) took 1.7 GB. Real notebooks have at most 0.08 tokens
# per byte (median 0.03; the largest of the 136 above has 6,093 tokens).
MAX_JSON_TOKENS = 2_000_000

_OPEN_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)


class BadNotebook(Exception):
    """The file cannot be graded; the message says what is wrong and what to do."""


@dataclass
class Notebook:
    path: Path
    cells: list[dict]
    metadata: dict

    def code_to_run(self) -> list[tuple[int, str]]:
        """The code cells the submission's worker executes: all but the grade
        (test) cells, whose visible checks the hidden suite replaces."""
        return [(i, cell_source(c)) for i, c in enumerate(self.cells)
                if c.get("cell_type") == "code" and not is_grade_cell(c)]

    def grade_ids(self) -> set[str]:
        return {nbgrader_meta(c)["grade_id"] for c in self.cells if isinstance(nbgrader_meta(c).get("grade_id"), str)}


def nbgrader_meta(cell: dict) -> dict:
    # Defensive although read_notebook checks the types: other code reads unchecked notebooks with it.
    meta = cell.get("metadata")
    meta = meta.get("nbgrader") if isinstance(meta, dict) else None
    return meta if isinstance(meta, dict) else {}


def is_grade_cell(cell: dict) -> bool:
    meta = nbgrader_meta(cell)
    return meta.get("grade") is True and meta.get("solution") is not True


def cell_source(cell: dict) -> str:
    src = cell.get("source", "")
    if isinstance(src, list):
        src = "".join(s for s in src if isinstance(s, str))
    return src if isinstance(src, str) else ""


# ---------------------------------------------------------------- finding and opening files

def kind_of_file(mode: int) -> str:
    for test, name in ((stat.S_ISLNK, "a symbolic link"), (stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
                       (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device")):
        if test(mode):
            return name
    return "not a regular file"


def refusal(path, mode: int, folder: bool = False) -> str:
    """Why a submitted path that is not a regular file is not graded."""
    what = kind_of_file(mode)
    if stat.S_ISLNK(mode):
        try:
            target = f" (to {safe_line(os.readlink(path), 200)})"
        except OSError:
            target = ""
        if folder:
            return (f"refused: this folder is {what}{target}; links are never followed, so its notebooks "
                    "were not searched: put the notebooks themselves in the submitted folder")
        return (f"refused: the file is {what}{target}, not a notebook; links are never followed, "
                "so that a link cannot bring in another file: submit the notebook itself")
    return f"refused: the file is {what}, not a notebook: submit the notebook itself"


def read_submission(path) -> bytes:
    """The bytes of a submitted file, read safely: a link is refused (O_NOFOLLOW),
    a FIFO does not block (O_NONBLOCK), anything but a regular file is refused
    after opening (fstat on the open descriptor, so the file checked is the file
    read), and no more than MAX_NOTEBOOK_BYTES are read."""
    try:
        mode = os.lstat(path).st_mode
    except OSError as e:
        raise BadNotebook(f"cannot read the file: {e.strerror}") from None
    if not stat.S_ISREG(mode):   # do not even open a device or a FIFO
        raise BadNotebook(refusal(path, mode))
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise BadNotebook(refusal(path, stat.S_IFLNK)) from None
        raise BadNotebook(f"cannot read the file: {e.strerror}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise BadNotebook(refusal(path, info.st_mode))
        if info.st_size > MAX_NOTEBOOK_BYTES:
            raise BadNotebook(_too_big(info.st_size))
        os.set_blocking(fd, True)
        chunks, total = [], 0
        while total <= MAX_NOTEBOOK_BYTES:
            chunk = os.read(fd, min(1 << 20, MAX_NOTEBOOK_BYTES + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > MAX_NOTEBOOK_BYTES:   # it grew while being read
            raise BadNotebook(_too_big(total))
        return b"".join(chunks)
    except OSError as e:
        raise BadNotebook(f"cannot read the file: {e.strerror}") from None
    finally:
        os.close(fd)


def _too_big(size: int) -> str:
    return (f"the file is {size / (1 << 20):.0f} MB, over the {MAX_NOTEBOOK_BYTES >> 20} MB limit: "
            "clear the outputs (Kernel > Restart & Clear Output) and save again")


@dataclass
class Found:
    """A path met while looking for notebooks: a regular file to grade, or a
    refusal (a link, a special file, a linked folder) with the reason."""
    path: Path
    root: Path
    refused: str | None = None


def find_notebooks(root) -> list[Found]:
    """The *.ipynb files under `root` (a folder, or one file), in order. Links are
    never followed: a linked folder is not searched and a linked or special file
    is not read; each is returned with the reason instead, so it gets a record.
    `root` itself may be a link to a folder (the caller named it)."""
    root = Path(root)
    if not root.is_dir():
        return [_classify(root, root.parent)]
    found = []
    errors = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False, onerror=errors.append):
        here = Path(dirpath)
        dirnames.sort()
        for name in list(dirnames):
            if name == ".ipynb_checkpoints":
                dirnames.remove(name)
            elif (here / name).is_symlink():
                dirnames.remove(name)   # os.walk would not enter it either; say so
                found.append(Found(here / name, root, refusal(here / name, stat.S_IFLNK, folder=True)))
        for name in sorted(filenames):
            if name.endswith(".ipynb"):
                found.append(_classify(here / name, root))
    for e in errors:
        if e.filename and Path(e.filename) != root:
            found.append(Found(Path(e.filename), root, f"refused: the folder cannot be read ({e.strerror})"))
    return sorted(found, key=lambda f: str(f.path))


def _classify(path: Path, root: Path) -> Found:
    try:
        mode = os.lstat(path).st_mode
    except OSError as e:
        return Found(path, root, f"cannot read the file: {e.strerror}")
    if not stat.S_ISREG(mode):
        return Found(path, root, refusal(path, mode))
    real, base = os.path.realpath(path), os.path.realpath(root)
    if not (real == base or real.startswith(base.rstrip(os.sep) + os.sep)):
        return Found(path, root, "refused: the file resolves to a place outside the submitted folder")
    return Found(path, root)


# ---------------------------------------------------------------- parsing

def parse_notebook(raw: bytes, path) -> Notebook:
    """A Notebook from a file's bytes, or BadNotebook. The JSON is bounded before it
    is parsed and every field the grader reads is checked for its type."""
    tokens = raw.count(b"{") + raw.count(b"[") + raw.count(b",") + raw.count(b":")
    if tokens > MAX_JSON_TOKENS:
        raise BadNotebook(f"the file has {tokens:,} JSON brackets, commas and colons, over the limit of "
                          f"{MAX_JSON_TOKENS:,} (a notebook with its outputs cleared has a few thousand): clear the "
                          "outputs (Kernel > Restart & Clear Output) and save again")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise BadNotebook(f"the file is not UTF-8 text (bad byte at position {e.start}): "
                          "save it again from Jupyter or Colab") from None
    del raw
    try:
        nb = json.loads(text)
    except json.JSONDecodeError as e:
        what = "is empty" if not text.strip() else f"is not valid JSON (line {e.lineno}, column {e.colno}: {e.msg})"
        raise BadNotebook(f"the file {what}; it may be truncated or edited by hand: "
                          "download the notebook again (File > Download > .ipynb)") from None
    except RecursionError:
        raise BadNotebook("the file's JSON is nested too deeply to be a notebook; it may be damaged or edited by "
                          "hand: download the notebook again (File > Download > .ipynb)") from None
    except (ValueError, MemoryError) as e:   # e.g. an integer of more than 4,300 digits
        raise BadNotebook(f"the file's JSON cannot be read ({safe_line(e, 200)}); it may be damaged or edited by "
                          "hand: download the notebook again (File > Download > .ipynb)") from None
    return _validated(nb, Path(path))


def read_notebook(path) -> Notebook:
    return parse_notebook(read_submission(path), path)


def _type_name(value) -> str:
    return {dict: "an object", list: "a list", str: "text", bool: "true/false", type(None): "null",
            int: "a number", float: "a number"}.get(type(value), type(value).__name__)


def _expect(value, types: tuple, where: str, wanted: str):
    if not isinstance(value, types) or (bool not in types and isinstance(value, bool)):
        raise BadNotebook(f"{where} is {_type_name(value)}, not {wanted}; the notebook's metadata was damaged or "
                          "edited by hand: start again from the exercise notebook and copy your code into it")


def _validated(nb, path: Path) -> Notebook:
    """Check the type of every field the grader reads (a wrong type would otherwise
    be taken for something else, or crash the grader)."""
    if isinstance(nb, dict) and "nbformat" in nb and not (type(nb["nbformat"]) is int and nb["nbformat"] == 4):
        shown = repr(nb["nbformat"]) if isinstance(nb["nbformat"], (int, float, str)) else _type_name(nb["nbformat"])
        raise BadNotebook(f"the notebook is in format version {safe_line(shown, 40)}; version 4 is needed: "
                          "open it in a current Jupyter and save it again")
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise BadNotebook("the file is JSON but not a Jupyter notebook (no list of cells)")
    metadata = nb.get("metadata", {})
    _expect(metadata, (dict,), "the notebook's metadata", "an object")
    if "course" in metadata:
        _expect(metadata["course"], (dict,), "the notebook's metadata field course", "an object")
        if "exercise" in metadata["course"]:
            _expect(metadata["course"]["exercise"], (str,), "the notebook's metadata field course.exercise", "text")
    for i, cell in enumerate(nb["cells"]):
        _expect(cell, (dict,), f"cell {i}", "an object")
        _expect(cell.get("cell_type", ""), (str,), f"cell {i}'s cell_type", "text")
        source = cell.get("source", "")
        if isinstance(source, list):
            for line in source:
                _expect(line, (str,), f"a line of cell {i}'s source", "text")
        else:
            _expect(source, (str,), f"cell {i}'s source", "text or a list of lines")
        meta = cell.get("metadata", {})
        _expect(meta, (dict,), f"cell {i}'s metadata", "an object")
        if "nbgrader" in meta:
            grader = meta["nbgrader"]
            _expect(grader, (dict,), f"cell {i}'s metadata field nbgrader", "an object")
            for key, types, wanted in (("grade_id", (str,), "text"), ("grade", (bool,), "true or false"),
                                       ("solution", (bool,), "true or false"), ("locked", (bool,), "true or false"),
                                       ("task", (bool,), "true or false"), ("points", (int, float), "a number")):
                if key in grader:
                    _expect(grader[key], types, f"cell {i}'s metadata field nbgrader.{key}", wanted)
    return Notebook(path, nb["cells"], metadata)


# ---------------------------------------------------------------- which exercise

@lru_cache(maxsize=None)
def known_exercises() -> dict[str, frozenset[str]]:
    """Exercise name -> grade ids of its solution notebook, for every exercise
    (in a Gradescope bundle, which has no solutions, from exercises.INDEX)."""
    if not exercises.solutions_dir().is_dir() and exercises.INDEX.is_file():
        return {name: frozenset(ids) for name, ids in json.loads(exercises.INDEX.read_text()).items()}
    return {name: frozenset(read_notebook(exercises.solution_path(name)).grade_ids())
            for name in exercises.discover()}


def claims(nb: Notebook) -> list[tuple[str, str]]:
    """The exercises the notebook's content names, as (exercise, where it says so),
    most authoritative first: its course metadata, then its grade cells' ids."""
    known = known_exercises()
    found = []
    named = nb.metadata.get("course", {}).get("exercise")
    if named in known:
        found.append((named, "its metadata"))
    ids = nb.grade_ids()
    overlap = {name: len(ids & grade_ids) for name, grade_ids in known.items()}
    best = max(overlap, key=overlap.get, default=None)
    if best and overlap[best] > 0 and list(overlap.values()).count(overlap[best]) == 1:
        found.append((best, "its grade cells"))
    return found


def named_by_file(path: Path) -> str | None:
    """The exercise the file's name or folder names, if any."""
    for name in known_exercises():
        if path.stem.startswith(name) or path.parent.name == name:
            return name
    return None


def identify(nb: Notebook) -> str:
    """The exercise a notebook belongs to by its own account: from its metadata,
    else from its grade cells, else from its file name."""
    said = claims(nb)
    if said:
        return said[0][0]
    by_name = named_by_file(nb.path)
    if by_name:
        return by_name
    raise BadNotebook("cannot tell which exercise this notebook is (no course metadata, no known grade cells, "
                      f"and the file name matches none of {', '.join(known_exercises())}): "
                      "start from the exercise notebook the course provides")
