"""nbgrader with the hidden suites deciding the points.

nbgrader's own autograde runs the student's notebook in a kernel and reads
each grade cell's output as its score, so a notebook could print its own
score. Here the `Execute` step of the autograde pipeline is replaced by
`HiddenSuiteAutograde`: the submission's code runs only in our sandboxed
worker, the hidden suite runs in the grader, and each grade cell's output
is set to the points its tests earned (a plain float, which is how nbgrader
reads partial credit), with the per-test feedback as text above it.

The assignment decides the hidden suite (nbgrader passes its id in
resources["nbgrader"]["assignment"]); a notebook that names another exercise
is graded against the assignment's and told so. Whatever happens while
grading, every grade cell gets an output that says what happened: an
exception here would make nbgrader drop the notebook without a word.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Bool, Float, Unicode

from autograder import REPO
from autograder.exercises import discover, solutions_dir
from autograder.results import GradeRecord

COURSE_ID = "embedding-layers"

CONFIG_TEMPLATE = '''\
# nbgrader configuration for the embedding-layers course (written by
# `python -m autograder course`). The hidden suites in {repo}/autograder
# decide the points: see autograder/nbgrader_course.py. Run nbgrader from the
# course's environment ({repo}/.venv), where `make` installed the grader.
import os

from autograder.nbgrader_course import configure

# The data sets chapters 4 and 5 grade with (`make data` fetched them here); another folder of
# the same files works too: set COURSE_DATA_DIR before running nbgrader.
os.environ.setdefault("COURSE_DATA_DIR", {data!r})
c = get_config()  # noqa: F821 (provided by nbgrader)
configure(c, device={device!r}, db={db!r}, budget={budget!r})
'''


class HiddenSuiteAutograde(NbGraderPreprocessor):
    """Grades the notebook with the hidden suite and writes each grade
    cell's score as its output. Replaces nbgrader's Execute."""

    device = Unicode("auto", help="cpu, cuda or auto (see `python -m autograder grade --help`)").tag(config=True)
    budget = Float(0.0, help="seconds for grading one submission, all its calls together "
                             "(0: autograder.defaults.BUDGET)").tag(config=True)
    explain_answers = Bool(False, help="tell each wrong answer to a graded question its right answer and why "
                                       "(autograde with it after the deadline, then generate_feedback)").tag(config=True)

    def preprocess(self, nb, resources):
        name = str(resources.get("unique_key") or "submission")
        try:
            record = self._grade(nb, resources, name)
        except (Exception, SystemExit) as e:   # nbgrader would drop the notebook: say so in its cells instead
            self.log.exception("Hidden suite for %s failed", name)
            record = GradeRecord.error(name, f"the grader failed on this notebook ({type(e).__name__}: {e}); "
                                             "tell your instructor")
        self.log.info("Hidden suite for %s: %s / %s", name, record.score, record.max_score)
        for message in record.messages:
            self.log.warning("%s: %s", name, message)
        self._write_outputs(nb, record)
        return nb, resources

    def _grade(self, nb, resources, name: str) -> GradeRecord:
        from autograder.defaults import BUDGET
        from autograder.grading import grade_safely, resolve_devices
        from autograder.notebook import known_exercises
        info = resources.get("nbgrader") or {}
        # The assignment, not the notebook, decides the suite (a submitted notebook's metadata
        # can say anything); its notebook's name is the instructor's too, in nbgrader.
        expected = next((n for n in (info.get("assignment"), info.get("notebook")) if n in known_exercises()), None)
        with tempfile.TemporaryDirectory(prefix="autograde-") as tmp:
            path = Path(tmp) / f"{Path(name).name}.ipynb"
            try:
                nbformat.write(nb, str(path))
            except Exception as e:
                return GradeRecord.error(name, f"the notebook could not be written out for grading ({type(e).__name__}: "
                                               f"{e}); it may be damaged: start again from the released notebook",
                                         expected)
            record = grade_safely(path, resolve_devices(self.device), expected=expected,
                                  expected_from="the nbgrader assignment", budget=self.budget or BUDGET,
                                  explain_answers=bool(self.explain_answers))
        if isinstance(info.get("student"), str):
            record = record.with_details(student=info["student"])
        if expected is None:
            record = record.with_messages(after=[f"the assignment {info.get('assignment')!r} is not one of the "
                                                 "course's exercises, so the notebook's own account decided which "
                                                 "suite graded it"])
        return record

    def _write_outputs(self, nb, record: GradeRecord):
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type != "code" or not meta.get("grade") or meta.get("solution"):
                continue
            task = str(meta.get("grade_id", "")).removeprefix("tests-")
            try:
                points = float(meta.get("points", 0))
            except (TypeError, ValueError):
                points = 0.0
            cell.outputs = cell_outputs(record, task, points)


def cell_outputs(record: GradeRecord, task: str, cell_points: float) -> list:
    """A grade cell's outputs: its feedback as text, and its points as the
    result nbgrader reads (GradeRecord.to_nbgrader)."""
    text, score = record.to_nbgrader(task, cell_points)
    return [
        nbformat.v4.new_output("stream", name="stdout", text=text),
        nbformat.v4.new_output("execute_result", data={"text/plain": repr(score)}, execution_count=1),
    ]


def quiet_known_warnings():
    """nbgrader 0.9 with SQLAlchemy 2 prints three SAWarnings per submission ("Object of type
    <SubmittedAssignment> not in session, add operation along 'Student.submissions' will not
    proceed"): SQLAlchemy 2 no longer cascades an object into the session through a backref, and
    nbgrader adds the submission to the session itself right after, so nothing is lost (the
    exported grades are checked in tests/test_nbgrader_roundtrip.py). Printed for every student,
    they read like an error; this filter drops exactly that message and no other warning."""
    import warnings
    try:
        from sqlalchemy.exc import SAWarning
    except ImportError:
        return
    warnings.filterwarnings("ignore", message=r"Object of type <\w+> not in session, add operation along",
                            category=SAWarning)


def configure(c, device: str = "auto", db: str | None = None, budget: float | None = None):
    quiet_known_warnings()
    from nbconvert.preprocessors import ClearMetadataPreprocessor
    from nbgrader.preprocessors import AssignLatePenalties, CheckCellMetadata, IgnorePattern, LimitOutput, SaveAutoGrades
    from nbgrader.converters import GenerateAssignment
    from autograder.chapter_links import ChapterLinks
    c.CourseDirectory.course_id = COURSE_ID
    # released exercises link their chapters on the published site, not by repository path
    nbgrader_steps = GenerateAssignment.class_traits()["preprocessors"].make_dynamic_default()
    c.GenerateAssignment.preprocessors = [ChapterLinks, *nbgrader_steps]
    if db:
        c.CourseDirectory.db_url = db
    c.Autograde.autograde_preprocessors = [
        HiddenSuiteAutograde, IgnorePattern, ClearMetadataPreprocessor, LimitOutput,
        SaveAutoGrades, AssignLatePenalties, CheckCellMetadata,
    ]
    c.HiddenSuiteAutograde.device = device
    if budget:
        c.HiddenSuiteAutograde.budget = float(budget)
    # Restore grade cells a student deleted, so they score 0 instead of vanishing.
    c.OverwriteCells.add_missing_cells = True


def make_course(root: Path, device: str = "auto", db: str | None = None, exercises=None,
                budget: float | None = None) -> Path:
    root = Path(root).resolve()
    root.mkdir(parents=True, exist_ok=True)
    from embedding_course import coursedata
    (root / "nbgrader_config.py").write_text(CONFIG_TEMPLATE.format(repo=str(REPO), device=device, db=db,
                                                                    budget=budget, data=str(coursedata.CACHE)))
    for name in discover():
        if exercises is None or name in exercises:
            src, dest = solutions_dir() / name, root / "source" / name
            if dest.exists():
                shutil.rmtree(dest)
            shutil.copytree(src, dest, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    return root


def tool_env() -> dict:
    """This environment's variables with its scripts first on PATH (nbgrader runs `alembic` from PATH)."""
    bindir = str(Path(sys.executable).parent)
    return {**os.environ, "PATH": bindir + os.pathsep + os.environ.get("PATH", "")}


# nbgrader's generate_assignment for every name given, through its Python API in one process (run
# in the course folder): one interpreter and one gradebook instead of one `nbgrader` each.
GENERATE = """
import json, sys
from traitlets.config.loader import PyFileConfigLoader
from nbgrader.apps import NbGraderAPI
config = PyFileConfigLoader("nbgrader_config.py", path=".").load_config()
config.CourseDirectory.root = "."
api = NbGraderAPI(config=config)
for name in sys.argv[1:]:
    result = api.generate_assignment(name, force=True)
    if not result["success"]:
        print(json.dumps({"failed": name, "log": result.get("log", ""), "error": result.get("error", "")}))
        sys.exit(1)
"""


def release(names: list[str], out: Path) -> list[Path]:
    """Run nbgrader's generate_assignment on solutions/<name> for each name (in one course folder,
    one process) and copy the student notebooks to out/<name>/."""
    with tempfile.TemporaryDirectory(prefix="release-") as tmp:
        root = make_course(Path(tmp), exercises=set(names), db=f"sqlite:///{tmp}/gradebook.db")
        done = subprocess.run([sys.executable, "-c", GENERATE, *names], cwd=root, capture_output=True, text=True,
                              env=tool_env())
        if done.returncode != 0:
            raise RuntimeError(f"nbgrader generate_assignment failed:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}")
        copied = []
        for name in names:
            target = Path(out) / name
            target.mkdir(parents=True, exist_ok=True)
            for nb in sorted((root / "release" / name).glob("*.ipynb")):
                shutil.copy(nb, target / nb.name)
                copied.append(target / nb.name)
        return copied
