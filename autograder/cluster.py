"""Grading on a Dask cluster (`grade --scheduler ADDRESS`): the same records as on one machine.

A class of thousands outgrows one machine. Dask's distributed scheduler spreads the notebooks over
its workers; each task is one notebook, sent as its bytes (the workers need not share a file
system), graded by the same `grading.grade_file` the command uses locally, in the worker's process, which
keeps its warm sandbox from one notebook to the next. The records come back to the command, which
stores each one as it arrives (`--json FILE` keeps FILE.d/, so an interrupted batch resumes) and
writes them in the same order as a local run.

A worker that dies (its host lost, killed) takes only its notebook in flight: the scheduler grades
it again on another worker. A notebook whose grading kills workers again and again (Dask's
`distributed.scheduler.allowed-failures`, 3 by default) gets an error record saying so, as a local
run gives one that kills its grading process twice.

Start the workers with one thread each (`dask worker ADDRESS --nthreads 1 --nworkers N`): a
grading process holds one sandbox, and gradings in one process are serialised here anyway.
"""
from __future__ import annotations

import tempfile
import threading
from pathlib import Path

from autograder.results import GradeRecord

_ONE_AT_A_TIME = threading.Lock()    # one grading per worker process, whatever its thread count


def grade_bytes(name: str, data: bytes, devices, limits, expected, expected_from, budget, explain_answers=False):
    """On a worker: grade a notebook received as its bytes; the record names the original path."""
    from autograder.grading import grade_file
    with _ONE_AT_A_TIME, tempfile.TemporaryDirectory(prefix="cluster-grade-") as tmp:
        path = Path(tmp) / (Path(name).name or "submission.ipynb")
        path.write_bytes(data)
        digest, record = grade_file(str(path), devices, limits, expected, expected_from, budget, explain_answers)
        return digest, record.renamed(name).to_json()


def connect(address: str | None, scheduler_file: str | None):
    """A client of the scheduler at `address` or named in `scheduler_file`; a clear error otherwise.
    It waits for the scheduler as long as Dask's `distributed.comm.timeouts.connect` says (30 s by
    default; the environment variable DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT sets it)."""
    try:
        from distributed import Client
    except ImportError as e:
        raise SystemExit("error: grading on a cluster needs Dask's distributed (pip install distributed; "
                         "it is in requirements.txt)") from e
    try:
        if scheduler_file:
            return Client(scheduler_file=scheduler_file)
        return Client(address)
    except (OSError, TimeoutError, ValueError) as e:
        raise SystemExit(f"error: cannot reach the Dask scheduler {address or scheduler_file}: {e}") from None


def grade_on_cluster(client, items: list[tuple[int, tuple]], finish):
    """Grade each (i, args) (args as `grading.grade_file` takes them) on the cluster, calling finish(i,
    (digest, record)) as each arrives. The notebook is read here, so the bytes graded are those
    hashed; a file that cannot be read gets its record here."""
    from distributed import as_completed
    from distributed.scheduler import KilledWorker

    from autograder.notebook import BadNotebook, read_submission
    futures = {}
    for i, args in items:
        path, devices, limits, expected, expected_from, budget, explain_answers = args
        try:
            data = read_submission(path)
        except BadNotebook as e:
            finish(i, (None, GradeRecord.error(path, str(e), expected)))
            continue
        future = client.submit(grade_bytes, str(path), data, devices, limits, expected, expected_from, budget,
                               explain_answers, pure=False)
        futures[future] = (i, args)
    for future in as_completed(futures):
        i, args = futures[future]
        try:
            digest, data = future.result()
            result = (digest, GradeRecord.from_json(data))
        except KilledWorker:
            result = (None, GradeRecord.error(args[0], "the workers grading this notebook died each time (killed, "
                                                       "or out of memory); it was not graded", args[3]))
        except Exception as e:   # a worker's error, or a record that does not check: this notebook only
            result = (None, GradeRecord.error(args[0], f"grading on the cluster failed: {type(e).__name__}: {e}",
                                              args[3]))
        finish(i, result)
        future.release()
