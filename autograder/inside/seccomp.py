"""A seccomp filter for the processes that run student code.

Runs inside the sandbox (copied there with the rest of its package), so it
uses only the standard library. Installed once by the sandbox's pre-warmed parent (and by the
worker itself where there is no sandbox) before any student code runs; every
process forked afterwards inherits it and cannot remove it.

What it denies, and why: a submission has no business with any of these, and
each is a way to reach beyond the submission or leave something behind it:
- other processes' memory and file descriptors: ptrace, process_vm_readv/writev,
  pidfd_getfd, kcmp, process_madvise;
- kernel state kept per user that outlives a process: the keyrings (add_key,
  keyctl, request_key), POSIX message queues (mq_open), inotify/fanotify
  instances (per-user limits shared with the grader when it runs as that user);
- new namespaces and mounts (unshare, setns, clone with a CLONE_NEW* flag,
  mount and the new mount API, pivot_root, chroot): a new user namespace would
  give the submission capabilities inside it and unbounded tmpfs mounts;
- large attack surfaces no notebook needs: bpf, perf_event_open, userfaultfd,
  io_uring, modules, kexec, reboot, swap, acct, quotactl, syslog, handles,
  vhangup, ioperm/iopl.
clone3 answers ENOSYS (its flags sit in memory a filter cannot read), so the C
library falls back to clone, whose flags are checked.
"""
from __future__ import annotations

import ctypes
import errno
import os
import platform
import struct

# seccomp_data: int nr; u32 arch; u64 instruction_pointer; u64 args[6]
_NR, _ARCH, _ARG0_LOW = 0, 4, 16

_LD_W_ABS = 0x20
_JEQ_K = 0x15
_JGE_K = 0x35
_JSET_K = 0x45
_RET_K = 0x06

_RET_ALLOW = 0x7FFF0000
_RET_KILL_PROCESS = 0x80000000
_RET_ERRNO = 0x00050000

CLONE_NEW_FLAGS = (0x00000080 | 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000
                   | 0x40000000)   # NEWTIME NEWNS NEWCGROUP NEWUTS NEWIPC NEWUSER NEWPID NEWNET

DENIED = (
    "ptrace", "process_vm_readv", "process_vm_writev", "pidfd_getfd", "kcmp", "process_madvise",
    "add_key", "keyctl", "request_key", "mq_open", "inotify_init", "inotify_init1", "fanotify_init",
    "unshare", "setns", "mount", "umount2", "pivot_root", "chroot", "open_tree", "move_mount", "fsopen", "fsconfig",
    "fsmount", "fspick", "mount_setattr",
    "bpf", "perf_event_open", "userfaultfd", "io_uring_setup", "io_uring_enter", "io_uring_register",
    "init_module", "finit_module", "delete_module", "kexec_load", "kexec_file_load", "reboot", "swapon", "swapoff",
    "acct", "quotactl", "quotactl_fd", "syslog", "name_to_handle_at", "open_by_handle_at", "lookup_dcookie",
    "vhangup", "ioperm", "iopl",
)

# Syscall numbers (asm/unistd_64.h and asm-generic/unistd.h); tests/test_seccomp.py
# checks them against the system's headers where those are installed.
ARCHES = {
    "x86_64": (0xC000003E, 317, {
        "clone": 56, "clone3": 435, "ptrace": 101, "process_vm_readv": 310, "process_vm_writev": 311,
        "pidfd_getfd": 438, "kcmp": 312, "process_madvise": 440, "add_key": 248, "keyctl": 250, "request_key": 249,
        "mq_open": 240, "inotify_init": 253, "inotify_init1": 294, "fanotify_init": 300, "unshare": 272,
        "setns": 308, "mount": 165, "umount2": 166, "pivot_root": 155, "chroot": 161, "open_tree": 428,
        "move_mount": 429, "fsopen": 430, "fsconfig": 431, "fsmount": 432, "fspick": 433, "mount_setattr": 442,
        "bpf": 321, "perf_event_open": 298, "userfaultfd": 323, "io_uring_setup": 425, "io_uring_enter": 426,
        "io_uring_register": 427, "init_module": 175, "finit_module": 313, "delete_module": 176, "kexec_load": 246,
        "kexec_file_load": 320, "reboot": 169, "swapon": 167, "swapoff": 168, "acct": 163, "quotactl": 179,
        "quotactl_fd": 443, "syslog": 103, "name_to_handle_at": 303, "open_by_handle_at": 304,
        "lookup_dcookie": 212, "vhangup": 153, "ioperm": 173, "iopl": 172}),
    "aarch64": (0xC00000B7, 277, {
        "clone": 220, "clone3": 435, "ptrace": 117, "process_vm_readv": 270, "process_vm_writev": 271,
        "pidfd_getfd": 438, "kcmp": 272, "process_madvise": 440, "add_key": 217, "keyctl": 219, "request_key": 218,
        "mq_open": 180, "inotify_init1": 26, "fanotify_init": 262, "unshare": 97, "setns": 268, "mount": 40,
        "umount2": 39, "pivot_root": 41, "chroot": 51, "open_tree": 428, "move_mount": 429, "fsopen": 430,
        "fsconfig": 431, "fsmount": 432, "fspick": 433, "mount_setattr": 442, "bpf": 280, "perf_event_open": 241,
        "userfaultfd": 282, "io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427,
        "init_module": 105, "finit_module": 273, "delete_module": 106, "kexec_load": 104, "kexec_file_load": 294,
        "reboot": 142, "swapon": 224, "swapoff": 225, "acct": 89, "quotactl": 60, "quotactl_fd": 443,
        "syslog": 116, "name_to_handle_at": 264, "open_by_handle_at": 265, "lookup_dcookie": 18, "vhangup": 58}),
}


class Unsupported(Exception):
    """No filter for this machine's architecture."""


def _insn(code: int, jt: int, jf: int, k: int) -> bytes:
    return struct.pack("HBBI", code, jt, jf, k)


def program(machine: str | None = None) -> bytes:
    """The filter as BPF instructions (struct sock_filter[])."""
    machine = machine or platform.machine()
    if machine not in ARCHES:
        raise Unsupported(f"no seccomp filter for {machine}")
    audit_arch, _, numbers = ARCHES[machine]
    eperm = _RET_ERRNO | errno.EPERM
    out = [
        _insn(_LD_W_ABS, 0, 0, _ARCH),
        _insn(_JEQ_K, 1, 0, audit_arch),
        _insn(_RET_K, 0, 0, _RET_KILL_PROCESS),    # another ABI (e.g. 32-bit calls): not allowed at all
        _insn(_LD_W_ABS, 0, 0, _NR),
    ]
    if machine == "x86_64":   # x32 calls (bit 30 set) reach the same kernel code under other numbers
        out += [_insn(_JGE_K, 0, 1, 0x40000000), _insn(_RET_K, 0, 0, eperm)]
    for name in DENIED:
        if name in numbers:
            out += [_insn(_JEQ_K, 0, 1, numbers[name]), _insn(_RET_K, 0, 0, eperm)]
    out += [_insn(_JEQ_K, 0, 1, numbers["clone3"]), _insn(_RET_K, 0, 0, _RET_ERRNO | errno.ENOSYS)]
    # clone: allowed unless a namespace flag is set in its first argument (the flags, on both ABIs).
    out += [
        _insn(_JEQ_K, 0, 3, numbers["clone"]),
        _insn(_LD_W_ABS, 0, 0, _ARG0_LOW),
        _insn(_JSET_K, 0, 1, CLONE_NEW_FLAGS),
        _insn(_RET_K, 0, 0, eperm),
        _insn(_RET_K, 0, 0, _RET_ALLOW),
    ]
    return b"".join(out)


PR_SET_NO_NEW_PRIVS = 38
SECCOMP_SET_MODE_FILTER = 1
SECCOMP_FILTER_FLAG_TSYNC = 1


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def install():
    """Install the filter on every thread of this process (TSYNC); raises OSError
    or Unsupported if that is not possible. Irreversible, inherited by children."""
    machine = platform.machine()
    if machine not in ARCHES:
        raise Unsupported(f"no seccomp filter for {machine}")
    code = program(machine)
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")
    buf = ctypes.create_string_buffer(code, len(code))
    prog = _SockFprog(len(code) // 8, ctypes.cast(buf, ctypes.c_void_p))
    nr = ARCHES[machine][1]
    result = libc.syscall(ctypes.c_long(nr), ctypes.c_long(SECCOMP_SET_MODE_FILTER),
                          ctypes.c_long(SECCOMP_FILTER_FLAG_TSYNC), ctypes.byref(prog))
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"seccomp(SET_MODE_FILTER) failed: {os.strerror(err)}")


def active() -> bool:
    """Whether this process runs under a seccomp filter (from /proc/self/status)."""
    try:
        with open("/proc/self/status") as f:
            return any(line.split() == ["Seccomp:", "2"] for line in f)
    except OSError:
        return False
