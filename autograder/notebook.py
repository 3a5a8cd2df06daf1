"""Read a submitted notebook defensively and find out which exercise it is.

Everything here is parsing untrusted files in the trusted process, so it only
reads JSON and never executes anything.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from autograder import REPO, SUITES

MAX_NOTEBOOK_BYTES = 200 << 20   # outputs are ignored, but a file this big is refused
SOLUTIONS = REPO / "solutions"


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
        return {nbgrader_meta(c).get("grade_id") for c in self.cells if nbgrader_meta(c).get("grade_id")}


def nbgrader_meta(cell: dict) -> dict:
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


def read_notebook(path: Path) -> Notebook:
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as e:
        raise BadNotebook(f"cannot read the file: {e.strerror}") from None
    if size > MAX_NOTEBOOK_BYTES:
        raise BadNotebook(f"the file is {size >> 20} MB, over the {MAX_NOTEBOOK_BYTES >> 20} MB limit: "
                          "clear the outputs (Kernel > Restart & Clear Output) and save again")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise BadNotebook(f"the file is not UTF-8 text (bad byte at position {e.start}): "
                          "save it again from Jupyter or Colab") from None
    try:
        nb = json.loads(text)
    except json.JSONDecodeError as e:
        what = "is empty" if not text.strip() else f"is not valid JSON (line {e.lineno}, column {e.colno}: {e.msg})"
        raise BadNotebook(f"the file {what}; it may be truncated or edited by hand: "
                          "download the notebook again (File > Download > .ipynb)") from None
    if isinstance(nb, dict) and "nbformat" in nb and nb["nbformat"] != 4:
        raise BadNotebook(f"the notebook is in format version {nb.get('nbformat')!r}; version 4 is needed: "
                          "open it in a current Jupyter and save it again")
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise BadNotebook("the file is JSON but not a Jupyter notebook (no list of cells)")
    cells = [c for c in nb["cells"] if isinstance(c, dict)]
    metadata = nb.get("metadata") if isinstance(nb.get("metadata"), dict) else {}
    return Notebook(path, cells, metadata)


@lru_cache(maxsize=None)
def known_exercises() -> dict[str, frozenset[str]]:
    """Exercise name -> grade ids of its solution notebook, for every suite."""
    out = {}
    for suite in sorted(p for p in SUITES.iterdir() if p.is_dir() and not p.name.startswith(("_", "."))):
        source = SOLUTIONS / suite.name / f"{suite.name}.ipynb"
        ids = frozenset()
        if source.exists():
            ids = frozenset(read_notebook(source).grade_ids())
        out[suite.name] = ids
    return out


def identify(nb: Notebook) -> str:
    """The exercise a notebook belongs to: from its metadata, else from its
    grade cells, else from its file name."""
    exercises = known_exercises()
    course = nb.metadata.get("course")
    named = course.get("exercise") if isinstance(course, dict) else None
    if named in exercises:
        return named
    ids = {i for i in nb.grade_ids() if isinstance(i, str)}
    overlap = {name: len(ids & grade_ids) for name, grade_ids in exercises.items()}
    best = max(overlap, key=overlap.get, default=None)
    if best and overlap[best] > 0 and list(overlap.values()).count(overlap[best]) == 1:
        return best
    for name in exercises:
        if nb.path.stem.startswith(name) or nb.path.parent.name == name:
            return name
    raise BadNotebook("cannot tell which exercise this notebook is (no course metadata, no known grade cells, "
                      f"and the file name matches none of {', '.join(exercises)}): "
                      "start from the exercise notebook the course provides")
