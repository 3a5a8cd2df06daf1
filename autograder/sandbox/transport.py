"""The grader's ends of a worker's two pipes: framed messages (autograder/inside/protocol.py)
where neither side may stall the grader. Every read and write waits at most until a deadline,
one reply is at most limits.reply_mb and all of a worker's replies together limits.replies_mb."""
from __future__ import annotations

import os
import select
import time

from autograder.inside import protocol
from autograder.sandbox.limits import Limits


class Pipes:
    """`fd_out` carries requests to the worker, `fd_in` its replies; both are made non-blocking.
    read_message and write_message raise TimeoutError past `deadline` (time.monotonic()),
    EOFError when the worker's end is closed, protocol.ProtocolError on a reply too large."""

    def __init__(self, fd_out: int, fd_in: int, limits: Limits):
        self.fd_out, self.fd_in = fd_out, fd_in
        self.limits = limits
        os.set_blocking(self.fd_out, False)
        os.set_blocking(self.fd_in, False)
        self.deadline = 0.0
        self.received = 0   # bytes of all replies so far, bounded by limits.replies_mb
        self.reader = protocol.Reader(self._read_exact, max_total=limits.reply_mb << 20)

    def read_message(self, deadline: float) -> tuple[dict, list[bytes]]:
        self.deadline = deadline
        return self.reader.read_message()

    def write_message(self, header: dict, buffers: list[bytes], deadline: float):
        self.deadline = deadline
        self._write_all(protocol.frame(header, buffers))

    def _wait_for(self, fd: int, writing: bool):
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        ready = select.select([], [fd], [], remaining)[1] if writing else select.select([fd], [], [], remaining)[0]
        if not ready:
            raise TimeoutError

    def _read_exact(self, n: int) -> bytes:
        self.received += n
        if self.received > self.limits.replies_mb << 20:
            raise protocol.ProtocolError(f"the replies add up to more than {self.limits.replies_mb} MB")
        chunks, got = [], 0
        while got < n:
            self._wait_for(self.fd_in, writing=False)
            try:
                chunk = os.read(self.fd_in, min(n - got, 1 << 20))
            except BlockingIOError:
                continue
            if not chunk:
                raise EOFError
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks)

    def _write_all(self, data: bytes):
        view = memoryview(data)
        while view:
            self._wait_for(self.fd_out, writing=True)
            try:
                view = view[os.write(self.fd_out, view[: 1 << 20]):]
            except BlockingIOError:
                continue

    def close(self):
        for fd in (self.fd_in, self.fd_out):
            try:
                os.close(fd)
            except OSError:
                pass
