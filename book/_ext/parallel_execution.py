"""Execute the chapters that are not yet in the execution cache side by side, before Sphinx reads
them one by one.

myst-nb's cache mode executes a page when Sphinx reads it, one page after another, so a cold build
keeps one core busy while the others wait. Here, when the pages to read are known
(`env-before-read-docs`), every page whose notebook is missing from the cache is executed in a pool
of worker processes (one per available core, or COURSE_BOOK_JOBS), each with its own kernel, the
pages of the `parallel_execution_first` setting first. Each executed notebook is put into the cache
exactly as myst-nb would (same notebook, same cache, same working directory and limits), so myst-nb
then finds every page there. A page that fails here (or whose worker dies) is left out of the cache:
myst-nb executes it again and reports the error as it always does.
"""
from __future__ import annotations

import contextlib
import multiprocessing
import os
import re
import tempfile
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path, PurePosixPath

from jupyter_cache import get_cache
from jupyter_cache.base import CacheBundleIn
from jupyter_cache.cache.db import NbProjectRecord
from jupyter_cache.executors.utils import single_nb_execution
from myst_nb.core.read import create_nb_reader
from sphinx.util import logging

logger = logging.getLogger(__name__)
JOBS = "COURSE_BOOK_JOBS"


def jobs() -> int:
    """How many pages run at once: COURSE_BOOK_JOBS, else the cores this process may use."""
    if os.environ.get(JOBS, "").strip():
        return max(1, int(os.environ[JOBS]))
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def page_notebook(env, docname: str):
    """(notebook, read format, execution config) of a page, read as myst-nb's parser reads it, or
    None for a page that is not a notebook or is not executed."""
    path = env.doc2path(docname)
    nb_config = env.mystnb_config
    if any(PurePosixPath(Path(path).as_posix()).match(p) for p in nb_config.execution_excludepatterns):
        return None             # shown as stored (the instructor edition's solutions)
    text = Path(path).read_text(encoding="utf-8")
    reader = create_nb_reader(str(path), env.myst_config, nb_config, text)
    if reader is None:
        return None
    notebook = reader.read(text)
    kernel = notebook.metadata.get("kernelspec", {}).get("name")
    for pattern, alias in (nb_config.kernel_rgx_aliases or {}).items():
        if kernel is not None and re.fullmatch(pattern, kernel):
            notebook.metadata["kernelspec"]["name"] = alias
            break
    if nb_config.metadata_key in notebook.metadata:
        overrides = dict(notebook.metadata[nb_config.metadata_key])
        overrides.pop("output_folder", None)
        nb_config = nb_config.copy(**overrides)
    return notebook, reader.read_fmt, nb_config


def execute(notebook, cwd: str | None, timeout, allow_errors: bool):
    """In a worker: (executed notebook, seconds, error text or None)."""
    try:
        with tempfile.TemporaryDirectory() if cwd is None else contextlib.nullcontext(cwd) as where:
            result = single_nb_execution(notebook, cwd=where, timeout=timeout,
                                         allow_errors=allow_errors, meta_override=True)
        return result.nb, result.time, result.exc_string if result.err is not None else None
    except Exception:           # a kernel that died, a kernel that would not start: myst-nb reports it
        return notebook, 0.0, traceback.format_exc()


def execute_missing_pages(app, env, docnames):
    nb_config = env.mystnb_config
    if nb_config.execution_mode != "cache":
        return
    cache = get_cache(nb_config.execution_cache_path or ".jupyter_cache")
    missing = []
    for docname in sorted(docnames):
        found = page_notebook(env, docname)
        if found is None:
            continue
        notebook, read_fmt, config = found
        try:
            cache.match_cache_notebook(notebook)
        except KeyError:
            missing.append((docname, notebook, read_fmt, config))
    # the pages named first (the longest: started last, a long page alone would end the build late),
    # then the others in book order
    first = app.config.parallel_execution_first
    missing.sort(key=lambda page: first.index(page[0]) if page[0] in first else len(first))
    workers = min(jobs(), len(missing))
    if workers < 2:             # nothing to gain: myst-nb executes the page as it reads it
        return
    logger.info(f"executing {len(missing)} pages, {workers} at a time")
    # fork: the workers need nothing but the notebook (Sphinx holds no thread at this point)
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        futures = {}
        for docname, notebook, read_fmt, config in missing:
            path = Path(env.doc2path(docname))
            cwd = None if config.execution_in_temp else str(path.parent)
            futures[pool.submit(execute, notebook, cwd, config.execution_timeout,
                                config.execution_allow_errors)] = (docname, path, read_fmt)
        for future in as_completed(futures):
            docname, path, read_fmt = futures[future]
            try:
                executed, seconds, error = future.result()
            except Exception as e:     # the worker died (killed, out of memory): the pool is broken
                executed, seconds, error = None, 0.0, f"{type(e).__name__}: {e}"
            if error is not None:
                logger.info(f"executing {docname} failed; it is executed again as the page is read",
                            location=docname)
                continue
            stage = cache.add_nb_to_project(str(path), read_data=read_fmt) if read_fmt else \
                cache.add_nb_to_project(str(path))
            NbProjectRecord.remove_tracebacks([stage.pk], cache.db)
            cache.cache_notebook_bundle(CacheBundleIn(executed, stage.uri,
                                                      data={"execution_seconds": seconds}),
                                        check_validity=False, overwrite=True)
            # the words myst-nb uses, so that benchmarks/book_build.py reads both alike
            logger.info(f"Executed notebook in {seconds:.2f} seconds", location=docname)


def setup(app):
    app.add_config_value("parallel_execution_first", [], "env", types=[list])
    app.connect("env-before-read-docs", execute_missing_pages)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
