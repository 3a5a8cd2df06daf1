import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.exercises import discover, released_path, solution_path

REPO = Path(__file__).resolve().parent.parent


# Every exercise that has a hidden suite and a solution notebook.
EXERCISES = discover(REPO)


# Student-side code: what a submission can see of earlier ones. Files and folders under `place`,
# leaving out the sandbox's own mounts (the Python installation is bound under /tmp when it
# lives there, as in a clone under /tmp) and the empty folders that lead to them.
SCRATCH_LISTING = r'''
import os

def scratch_listing(place):
    with open("/proc/self/mounts") as f:
        mounts = {line.split()[1] for line in f}
    found = []
    for root, dirs, files in os.walk(place):
        dirs[:] = [d for d in dirs if os.path.join(root, d) not in mounts]
        found += [os.path.join(root, name) for name in files]
        found += [os.path.join(root, d) for d in dirs
                  if not any(m.startswith(os.path.join(root, d) + "/") for m in mounts)]
    return sorted(found)
'''


def solution(name: str) -> Path:
    return solution_path(name, REPO)


def exercise(name: str) -> Path:
    return released_path(name, REPO)


def run_grader(*args, timeout=900, env: dict | None = None) -> subprocess.CompletedProcess:
    """The instructor's command, as a separate process (the grader is installed in the environment);
    `env`: variables added to this one's environment."""
    return subprocess.run([sys.executable, "-m", "autograder", *map(str, args)], cwd=REPO,
                          capture_output=True, text=True, timeout=timeout,
                          env=None if env is None else {**os.environ, **env})


def load_json(path: Path):
    return json.loads(Path(path).read_text())


def notebook_with(base: Path, dest: Path, *, replace: dict | None = None, append: list[str] = (),
                  prepend: list[str] = ()) -> Path:
    """A copy of `base` with solution cells replaced (by grade_id) and code cells added."""
    nb = json.loads(base.read_text())
    for cell in nb["cells"]:
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if replace and gid in replace:
            cell["source"] = replace[gid]
    def new(src):
        return {"cell_type": "code", "metadata": {}, "source": src, "outputs": [], "execution_count": None}
    nb["cells"] = [new(s) for s in prepend] + nb["cells"] + [new(s) for s in append]
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(json.dumps(nb))
    return dest


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


# ---------------------------------------------------------------- tiers: what the markers need

# pyproject.toml registers the markers; `make check` leaves out slow, site and browser tests.
SITES = {"student": (REPO / "_build" / "html", "make book"),
         "instructor": (REPO / "_build" / "instructor" / "_build" / "html", "make book-instructor")}


def chromium_path() -> str | None:
    import shutil
    found = shutil.which("chromium") or "/usr/bin/chromium"
    return found if Path(found).exists() else None


def pytest_addoption(parser):
    parser.addoption("--build-sites", action="store_true",
                     help="build both sites (`make book book-instructor`) in the background when the session "
                          "starts; the tests that read them run last and wait for the build (`make test`)")


def waits_for_a_batch(item) -> bool:
    """The test reads its module's batch of shared gradings (the `graded` fixture of a module with
    `submit_gradings`): the last work the grading processes do."""
    return "graded" in getattr(item, "fixturenames", ()) and hasattr(getattr(item, "module", None), "submit_gradings")


def pytest_collection_modifyitems(config, items):
    """The tests that read a built site run last, so that with --build-sites the other tests run
    while the sites build; before them, the tests that wait for the grading processes' module
    batches, so that the tests that need neither run while those gradings go on; before those, the
    modules with work started early (Early), so that it runs while the tests before them do (each
    group in its usual order)."""
    items[:] = sorted(items, key=lambda item: (item.get_closest_marker("site") is not None,
                                               waits_for_a_batch(item),
                                               hasattr(getattr(item, "module", None), "prepare_early")))   # stable


class SiteBuild:
    """`make book book-instructor` in a process group of its own, its output in _build/sites.log:
    started when the session starts (--build-sites), waited for by the first test that reads a site."""

    LOG = REPO / "_build" / "sites.log"

    def __init__(self):
        import threading
        import time
        self.LOG.parent.mkdir(exist_ok=True)
        started = time.perf_counter()
        self.seconds = None          # how long the build took, once it is done
        with open(self.LOG, "w") as log:
            # One page at a time (book/_ext/parallel_execution.py would run one per core), its numerical
            # libraries on one thread, at a lower priority: beside the tests the cores are taken, and a
            # timed grading starved by the page kernels loses a speed point it earns alone (chapter 2's
            # solution did, twice, once chapter 5's page had its SVD and evaluations to run).
            quiet = {"COURSE_BOOK_JOBS": "1", "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
            self.process = subprocess.Popen(["nice", "-n", "10", "make", "--no-print-directory", "book", "book-instructor"],
                                            cwd=REPO, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                            start_new_session=True, env={**os.environ, **quiet})

        def watch():
            self.process.wait()
            self.seconds = time.perf_counter() - started
        self.watcher = threading.Thread(target=watch, daemon=True)
        self.watcher.start()

    def wait(self) -> int:
        self.watcher.join()
        return self.process.returncode

    def failure(self) -> str | None:
        """None when the sites built; else what went wrong, with the end of the log."""
        status = self.wait()
        if status == 0:
            return None
        tail = "\n".join(self.LOG.read_text(errors="replace").splitlines()[-40:])
        return f"building the sites failed (`make book book-instructor` exited {status}); the end of {self.LOG}:\n{tail}"

    def stop(self):
        import signal
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            self.watcher.join()


def pytest_runtest_setup(item):
    """A test that needs what is not there fails, saying what to run: the full tier must not pass
    by skipping. Only the sandbox's isolation tests are skipped without bubblewrap (outside CI),
    as the grader itself then runs with process limits only."""
    if item.get_closest_marker("site") and "sites" in _session:
        failure = _session["sites"].failure()
        if failure:
            pytest.fail(failure, pytrace=False)
    for marker in item.iter_markers("site"):
        for name in marker.args or ("student",):
            site, command = SITES[name]
            if not (site / "index.html").exists():
                pytest.fail(f"the {name} site is not built ({site.relative_to(REPO)}): run `{command}` "
                            "(or leave the site tests out: -m 'not site')", pytrace=False)
    if item.get_closest_marker("browser") and chromium_path() is None:
        pytest.fail("Chromium is not installed (Debian/Ubuntu: apt-get install chromium chromium-driver; "
                    "or leave the browser tests out: -m 'not browser')", pytrace=False)
    if item.get_closest_marker("sandbox"):
        from autograder.sandbox import bwrap_path
        if bwrap_path() is None:
            message = "bubblewrap is not installed (Debian/Ubuntu: apt-get install bubblewrap)"
            if os.environ.get("CI"):
                pytest.fail(message, pytrace=False)
            pytest.skip(message)


# ---------------------------------------------------------------- grading, shared by the whole session


class Gradings:
    """Grade records by notebook path (and tasks), each notebook graded once per session, two at a
    time, whichever test file asks first: `submit` queues a grading, `record` waits for it.

    The two grading processes are spawned (the grader imports torch: never fork it) and live for
    the whole session; each keeps its warm sandbox from one notebook to the next, so a notebook
    costs its own cells and tests, not a fresh interpreter importing torch.

    Gradings wait here, in submission order, and go to the processes one at a time as they free up;
    a grading a test waits for (`record`) that has not started yet goes first. (Handed to the
    process pool all at once, a grading no batch had asked for waited behind every batch: one test
    waited 294 s, all the while the tests after it could have run.)"""

    def __init__(self, devices: list[str]):
        import multiprocessing
        import tempfile
        import threading
        from collections import deque
        from concurrent.futures import ProcessPoolExecutor
        self.devices = devices
        self.processes = 2
        self.pool = ProcessPoolExecutor(max_workers=self.processes, mp_context=multiprocessing.get_context("spawn"))
        self.folder = Path(tempfile.mkdtemp(prefix="course-gradings-"))   # notebooks written for grading
        self.futures = {}
        self.batches = {}
        self.seconds = {}        # notebook name (and tasks) -> seconds its grading took, for the summary
        self.lock = threading.Lock()
        self.waiting = deque()   # keys of the gradings not started, in the order they go
        self.jobs = {}           # key -> (its arguments, the Future its Graded waits on), until it starts
        self.running = 0
        self.closed = False

    def submit(self, path, tasks=None, leave_out=()):
        """`tasks`: only these tasks' hidden tests (None: all); `leave_out`: hidden tests left out
        besides, as pytest node ids under autograder/suites ('05-word2vec/test_05_word2vec.py::test_x')."""
        from concurrent.futures import Future
        key = self._key(path, tasks, leave_out)
        if key not in self.futures:
            outcome = Future()
            where = Path(path).resolve()            # solutions/x.ipynb and exercises/x.ipynb apart
            name = f"{where.relative_to(REPO).parts[0]}/{where.name}" if where.is_relative_to(REPO) else where.name
            self.futures[key] = Graded(outcome, self.seconds, name + ("" if tasks is None else f" {sorted(tasks)}"))
            with self.lock:
                self.jobs[key] = ((str(path), self.devices, tasks, sorted(leave_out)), outcome)
                self.waiting.append(key)
            self._start()
        return self.futures[key]

    def record(self, path, tasks=None, leave_out=()) -> dict:
        graded = self.submit(path, tasks, leave_out)
        key = self._key(path, tasks, leave_out)
        with self.lock:
            if key in self.jobs:              # not started: it goes next
                self.waiting.remove(key)
                self.waiting.appendleft(key)
        return graded.result()

    @staticmethod
    def _key(path, tasks, leave_out) -> tuple:
        return str(path), None if tasks is None else frozenset(tasks), frozenset(leave_out)

    def _start(self):
        """Hand waiting gradings to the processes that are free."""
        while True:
            with self.lock:
                if self.closed or self.running >= self.processes or not self.waiting:
                    return
                key = self.waiting.popleft()
                args, outcome = self.jobs.pop(key)
                self.running += 1
            try:
                started = self.pool.submit(timed_grading, *args)
            except Exception as e:       # the pool is shut down or broken
                with self.lock:
                    self.running -= 1
                outcome.set_exception(e)
                continue
            started.add_done_callback(lambda done, outcome=outcome: self._finished(done, outcome))

    def _finished(self, done, outcome):
        with self.lock:
            self.running -= 1
        if done.cancelled():
            outcome.cancel()
        elif done.exception() is not None:
            outcome.set_exception(done.exception())
        else:
            outcome.set_result(done.result())
        self._start()

    def batch(self, submit_gradings):
        """What a test module's `submit_gradings(gradings)` returns (its futures), called once."""
        key = (submit_gradings.__module__, submit_gradings.__qualname__)
        if key not in self.batches:
            self.batches[key] = submit_gradings(self)
        return self.batches[key]

    def close(self):
        import shutil
        with self.lock:                      # gradings no test waits for (-x, -k) are dropped
            self.closed = True
            for _, outcome in self.jobs.values():
                outcome.cancel()
            self.jobs.clear()
            self.waiting.clear()
        self.pool.shutdown(wait=True, cancel_futures=True)
        shutil.rmtree(self.folder, ignore_errors=True)


class Graded:
    """A grading under way: result() waits for the grade record. When it is done, the seconds it
    took go to `seconds` (the session's summary lists the slowest)."""

    def __init__(self, future, seconds: dict, name: str):
        self.future = future
        future.add_done_callback(lambda done: not done.cancelled() and done.exception() is None
                                 and seconds.update({name: done.result()["seconds"]}))

    def result(self) -> dict:
        return self.future.result()["record"]


def timed_grading(path: str, devices: list[str], tasks, leave_out=()) -> dict:
    """A notebook's grade record as the CLI writes it, and the seconds grading it took (run in a
    grading process)."""
    import time

    from autograder.grading import grade_notebook
    started = time.perf_counter()
    record = grade_notebook(path, devices, None, tasks, leave_out=leave_out).to_json()
    return {"record": record, "seconds": time.perf_counter() - started}


_session = {}


def shared_gradings() -> Gradings:
    """The session's Gradings. Every solution notebook is submitted first (the longest first), then
    every released exercise, graded on every device this machine has (cpu, and cuda with a GPU);
    then the batches of the test modules that define `submit_gradings` (see pytest_collection_finish)."""
    if "gradings" not in _session:
        from autograder.grading import resolve_devices
        shared = _session["gradings"] = Gradings(resolve_devices("auto"))
        for name in sorted(EXERCISES, key=lambda name: name != "05-word2vec"):
            shared.submit(solution(name))
        if _session.get("slow_selected"):   # the released exercises too (seconds each; the slow tests
            for name in EXERCISES:           # read them): none of them waits behind a module's batch
                shared.submit(exercise(name))
        for submit_gradings in _session.pop("batches", []):
            shared.batch(submit_gradings)
    return _session["gradings"]


# ---------------------------------------------------------------- work started early

class Early:
    """Module set-ups that only drive subprocesses (a command-line grading batch, an nbgrader
    course) and take a minute or more: started in threads when the session starts, so that they
    run while the tests before their module do, instead of after them. A module defines
    `prepare_early(folder)` and names the fixture that calls `early(prepare_early)` in
    EARLY_FIXTURE; the fixture gets the result (or the exception) when the work is done. Each gets
    its own folder under one temporary root. Early work runs beside other tests in this process, so
    it must not read module state a test may patch for a moment (monkeypatch): read it at import,
    or in the subprocesses it drives. A module whose work reads the built sites sets
    EARLY_AFTER_SITES = True and starts with `wait_for_sites()` (test_site_browser.py)."""

    def __init__(self):
        import tempfile
        from concurrent.futures import ThreadPoolExecutor
        self.pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="early")
        # work that first waits for the sites to build (EARLY_AFTER_SITES) has a thread of its own:
        # waiting, it would hold one of the pool's two
        self.after_sites = ThreadPoolExecutor(max_workers=1, thread_name_prefix="early-after-sites")
        self.root = Path(tempfile.mkdtemp(prefix="course-early-"))
        self.futures = {}

    def submit(self, prepare, after_sites=False):
        key = (prepare.__module__, prepare.__qualname__)
        if key not in self.futures:
            folder = self.root / prepare.__module__
            folder.mkdir()
            self.futures[key] = (self.after_sites if after_sites else self.pool).submit(prepare, folder)
        return self.futures[key]

    def close(self):
        import shutil
        for pool in (self.pool, self.after_sites):
            pool.shutdown(wait=True, cancel_futures=True)
        shutil.rmtree(self.root, ignore_errors=True)


def early(prepare):
    """The result of `prepare(folder)`, started when the session started (or now, if it was not)."""
    if "early" not in _session:
        _session["early"] = Early()
    module = sys.modules[prepare.__module__]
    return _session["early"].submit(prepare, getattr(module, "EARLY_AFTER_SITES", False)).result()


def wait_for_sites() -> str | None:
    """Waits for the sites this session builds (--build-sites), if it builds them: None when they
    built (or were not built here), else what went wrong."""
    return _session["sites"].failure() if "sites" in _session else None


def pytest_collection_finish(session):
    """Grading starts with the session when a selected test will need it, and goes on in the two
    grading processes while the tests before it run: the solutions, when a test uses `gradings`,
    and a module's batch (its `submit_gradings(gradings)`), when one of its selected tests uses its
    `graded` fixture (test_hidden_suites.py: every bug file; test_given_code.py: chapter 4's model)."""
    if session.config.option.collectonly:
        return
    if session.config.getoption("build_sites") and any(item.get_closest_marker("site") for item in session.items):
        _session["sites"] = SiteBuild()
    needed, batches = False, []
    for item in session.items:
        names = getattr(item, "fixturenames", ())
        submit_gradings = getattr(getattr(item, "module", None), "submit_gradings", None)
        if "gradings" in names:
            needed = True
        if "graded" in names and submit_gradings is not None:
            needed = True
            if submit_gradings not in batches:
                batches.append(submit_gradings)
    _session["batches"] = batches
    _session["slow_selected"] = any(item.get_closest_marker("slow") for item in session.items)
    if needed:
        shared_gradings()
    # a module's early work starts only when a selected test uses the fixture that waits for it
    # (its EARLY_FIXTURE): `make check` selects none of them
    modules = {item.module for item in session.items if hasattr(getattr(item, "module", None), "prepare_early")
               and item.module.EARLY_FIXTURE in getattr(item, "fixturenames", ())}
    for module in sorted(modules, key=lambda m: m.__name__):
        if "early" not in _session:     # one Early: each makes a temporary folder and two thread pools
            _session["early"] = Early()
        _session["early"].submit(module.prepare_early, getattr(module, "EARLY_AFTER_SITES", False))


def pytest_sessionfinish(session):
    if "sites" in _session:
        sites = _session.pop("sites")
        sites.stop()                     # still building only when no site test ran (-x, -k, interrupted)
        _session["sites_seconds"] = sites.seconds if sites.process.returncode == 0 else None
    if "early" in _session:
        _session.pop("early").close()
    if "gradings" in _session:
        gradings = _session.pop("gradings")
        gradings.close()
        _session["graded_seconds"] = gradings.seconds


GRADINGS_LOG = REPO / "_build" / "gradings-seconds.json"   # seconds of each shared grading, the slowest first


def pytest_terminal_summary(terminalreporter):
    """How long the shared gradings took (where the session's time goes), the slowest first."""
    if _session.get("sites_seconds") is not None:
        terminalreporter.write_sep("=", f"sites built in {_session['sites_seconds']:.0f} s, beside the tests "
                                        f"(log: {SiteBuild.LOG.relative_to(REPO)})")
    seconds = _session.get("graded_seconds")
    if not seconds:
        return
    slowest = sorted(seconds.items(), key=lambda item: -item[1])
    GRADINGS_LOG.parent.mkdir(exist_ok=True)
    GRADINGS_LOG.write_text(json.dumps(dict(slowest), indent=0))
    terminalreporter.write_sep("=", f"shared gradings: {len(seconds)} notebooks, {sum(seconds.values()):.0f} s "
                                    f"of grading in 2 processes (each one's: {GRADINGS_LOG.relative_to(REPO)})")
    for name, spent in slowest[:12]:
        terminalreporter.write_line(f"{spent:7.1f}s  {name}")


@pytest.fixture(scope="session")
def gradings() -> Gradings:
    """Grade records shared by the whole session (see Gradings); the solutions' are already on the way."""
    return shared_gradings()
