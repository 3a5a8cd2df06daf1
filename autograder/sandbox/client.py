"""WorkerClient: the grader's handle on one worker (autograder/inside/worker.py, the class Worker
there) holding one submission's namespace. It starts the worker, forked by a warm sandbox's
parent (pool.py) or, without bubblewrap, as a plain process (process.py), sends it requests
over its pipes (transport.py) and turns every way a request can fail into WorkerDied with a
reason in a student's terms."""
from __future__ import annotations

import os
import signal
import subprocess
import time

from autograder.inside import protocol
from autograder.sandbox.boundary import WorkerDied, argument_hook
from autograder.sandbox.bwrap import bwrap_path
from autograder.sandbox.limits import START_TIMEOUT, Limits
from autograder.sandbox.pool import fork_worker
from autograder.sandbox.process import PlainProcess
from autograder.sandbox.transport import Pipes
from autograder.text import safe_line


class WorkerClient:
    """One isolated child process holding one submission's namespace: forked
    by the sandbox's zygote, or, without bubblewrap, a fresh interpreter."""

    def __init__(self, devices: list[str], limits: Limits, start_timeout: float = START_TIMEOUT):
        self.limits = limits
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        fds = (to_child_r, from_child_w)
        try:
            if bwrap_path():
                self.proc = fork_worker(devices, limits, fds)
            else:
                self.proc = PlainProcess(devices, limits, fds)
        except BaseException:
            for fd in (to_child_w, from_child_r):
                os.close(fd)
            raise
        finally:
            os.close(to_child_r)
            os.close(from_child_w)
        self.pipes = Pipes(to_child_w, from_child_r, limits)
        try:
            self.info = self._receive(start_timeout, "starting the grading process")
        except BaseException:
            self.close()
            raise

    def cpu_seconds(self) -> float | None:
        """CPU seconds the worker's cgroup has used (the kernel's count), None without one."""
        return self.proc.cpu_seconds()

    def alive(self) -> bool:
        return self.proc.poll() is None

    def _receive(self, timeout: float, what: str, deadline: float | None = None):
        """The next reply, by `deadline` (default: `timeout` seconds from now)."""
        try:
            header, buffers = self.pipes.read_message(deadline if deadline is not None else time.monotonic() + timeout)
            return header, buffers
        except TimeoutError:
            self.kill()
            raise WorkerDied(f"{what} did not finish within {timeout:g} s (an endless loop, or far too slow)") from None
        except EOFError:
            raise WorkerDied(f"the Python process running your code ended while {what}: {self._exit_reason()}") from None
        except (protocol.ProtocolError, ValueError, OSError, RecursionError) as e:
            self.kill()
            raise WorkerDied(f"the grader could not read the reply while {what}: {e}") from None

    def _exit_reason(self) -> str:
        try:
            code = self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.kill()
            return "it stopped answering"
        if code < 0:
            try:
                sig = signal.Signals(-code).name
            except ValueError:
                sig = f"signal {-code}"
            hint = " (probably the memory limit)" if -code in (signal.SIGKILL, signal.SIGSEGV, signal.SIGABRT) else ""
            return f"killed by {sig}{hint}"
        if code == 0:
            return "it exited (exit() or sys.exit() in your code?)"
        err = self.proc.stderr_tail().strip().splitlines()
        if any("MemoryError" in line or "Cannot allocate" in line for line in err):
            return "out of memory"
        return f"exit status {code}" + (f" ({safe_line(err[-1], 300)})" if err else "")

    def request(self, msg: dict, timeout: float, what: str):
        """Send a request and wait for its reply; `timeout` bounds both together."""
        if self.proc.poll() is not None:
            raise WorkerDied(f"the Python process running your code had already ended before {what}")
        buffers: list[bytes] = []
        encoded = protocol.encode(msg, buffers, argument_hook)
        deadline = time.monotonic() + timeout
        try:
            self.pipes.write_message({"msg": encoded}, buffers, deadline)
        except TimeoutError:
            self.kill()
            raise WorkerDied(f"the Python process running your code stopped reading before {what} "
                             f"(nothing read for {timeout:g} s)") from None
        except OSError:
            raise WorkerDied(f"the Python process running your code ended before {what}: {self._exit_reason()}") from None
        header, reply_buffers = self._receive(timeout, what, deadline)
        return header, reply_buffers

    def kill(self):
        self.proc.kill()

    def close(self):
        self.pipes.close()
        self.proc.close()
