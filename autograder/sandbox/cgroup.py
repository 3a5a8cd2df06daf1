"""Cgroups for a worker or a whole sandbox: a pids and a memory limit, a count of the processes
inside, the CPU time they used, and a way to kill all of them (cgroup v2, or v1's folder per
controller)."""
from __future__ import annotations

import os
import signal
import tempfile
import time
from pathlib import Path


class Cgroup:
    """A cgroup holding a worker (or a whole sandbox) and everything it starts:
    a pids limit (a fork bomb stops there), a memory limit that also counts
    what is written to the sandbox's tmpfs scratch folders, and a way for the
    grader to kill every process in it, even those that left the process
    group. Needs root and the controllers (cgroup v1 or v2); otherwise a
    controller is absent and `path` (the pids cgroup) may be None."""

    STALE_AFTER = 600.0   # seconds: an empty cgroup this old belongs to a grader that was killed
    _swept: set = set()

    def __init__(self, max_pids: int, memory_bytes: int | None = None):
        self.paths: list[str] = []   # one folder per controller (one in all with cgroup v2)
        self.path = None             # where the processes are counted and killed
        self.memory_path = None
        self.cpu_path = None         # where the kernel counts the CPU time of every process inside
        root = "/sys/fs/cgroup"
        if {"pids", "memory"} & set(_read(f"{root}/cgroup.controllers").split()):   # cgroup v2
            self._make(root, {"pids.max": str(max_pids)} | (
                {"memory.max": str(memory_bytes), "memory.swap.max": "0"} if memory_bytes else {}))
            if self.paths:
                self.path = self.paths[0]
                self.memory_path = self.path if memory_bytes and Path(self.path, "memory.max").exists() else None
                self.cpu_path = self.path if Path(self.path, "cpu.stat").exists() else None
            return
        if self._make(f"{root}/pids", {"pids.max": str(max_pids)}):   # cgroup v1: a folder per controller
            self.path = self.paths[-1]
        if memory_bytes and self._make(f"{root}/memory", {"memory.limit_in_bytes": str(memory_bytes)}):
            self.memory_path = self.paths[-1]
            try:   # with swap accounting, swap counts too
                Path(self.memory_path, "memory.memsw.limit_in_bytes").write_text(str(memory_bytes))
            except OSError:
                pass
        if self._make(f"{root}/cpuacct", {}):
            self.cpu_path = self.paths[-1]

    def _make(self, root: str, settings: dict) -> bool:
        if not os.path.isdir(root):
            return False
        self._sweep(root)
        try:
            path = tempfile.mkdtemp(prefix="grader-worker-", dir=root)
        except OSError:
            return False
        try:
            for name, value in settings.items():
                if Path(path, name).exists():
                    Path(path, name).write_text(value)
        except OSError:
            os.rmdir(path)
            return False
        self.paths.append(path)
        return True

    @classmethod
    def _sweep(cls, root: str):
        """Remove the empty cgroups of graders that were killed (kill -9 skips their clean-up)."""
        if root in cls._swept:
            return
        cls._swept.add(root)
        for path in Path(root).glob("grader-worker-*"):
            try:
                if time.time() - path.stat().st_mtime > cls.STALE_AFTER and not _read(str(path / "cgroup.procs")).split():
                    path.rmdir()
            except OSError:
                pass

    def enter(self):
        """Called in the child before exec: move it into the cgroups."""
        for path in self.paths:
            Path(path, "cgroup.procs").write_text(str(os.getpid()))

    def count(self) -> int:
        """Processes in the cgroup, as the kernel counts them (0 without a cgroup)."""
        return len(_read(os.path.join(self.path, "cgroup.procs")).split()) if self.path else 0

    def memory_used(self) -> int | None:
        """Bytes of memory the cgroup holds now, tmpfs files included (None without a memory cgroup)."""
        if not self.memory_path:
            return None
        for name in ("memory.current", "memory.usage_in_bytes"):
            text = _read(os.path.join(self.memory_path, name)).strip()
            if text.isdigit():
                return int(text)
        return None

    def cpu_seconds(self) -> float | None:
        """CPU seconds used so far by every process that was ever in the cgroup, counted by the
        kernel (nothing inside can change it); None without such a cgroup."""
        if not self.cpu_path:
            return None
        for name, scale in (("cpu.stat", 1e-6), ("cpuacct.usage", 1e-9)):
            text = _read(os.path.join(self.cpu_path, name))
            if name == "cpu.stat":
                text = next((line.split()[1] for line in text.splitlines() if line.startswith("usage_usec ")), "")
            if text.strip().isdigit():
                return int(text) * scale
        return None

    def kill_all(self):
        if self.path:
            for _ in range(50):
                pids = [int(p) for p in _read(os.path.join(self.path, "cgroup.procs")).split()]
                if not pids:
                    break
                for pid in pids:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
                time.sleep(0.02)
        for path in self.paths:
            try:
                os.rmdir(path)
            except OSError:
                pass


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""
