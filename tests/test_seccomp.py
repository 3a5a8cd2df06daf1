"""The seccomp filter that every process running student code carries (autograder/inside/seccomp.py)."""
import os
import platform
import re
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.inside import seccomp
from conftest import REPO

HEADERS = {"x86_64": "/usr/include/x86_64-linux-gnu/asm/unistd_64.h", "aarch64": "/usr/include/asm-generic/unistd.h"}


@pytest.mark.parametrize("machine", sorted(seccomp.ARCHES))
def test_syscall_numbers_match_the_kernel_headers(machine):
    header = Path(HEADERS[machine])
    if not header.exists():
        pytest.skip(f"{header} is not installed")
    defined = {m[1]: int(m[2]) for m in re.finditer(r"#define __NR(?:3264)?_(\w+)\s+(\d+)", header.read_text())}
    _, seccomp_nr, numbers = seccomp.ARCHES[machine]
    assert defined["seccomp"] == seccomp_nr
    for name, nr in numbers.items():
        assert defined.get(name) == nr, name
    # Everything denied has a number on x86_64 (aarch64 lacks the old inotify_init, ioperm and iopl).
    missing = set(seccomp.DENIED) - set(numbers)
    assert missing <= ({"inotify_init", "ioperm", "iopl"} if machine == "aarch64" else set())


def test_the_program_is_well_formed():
    code = seccomp.program("x86_64")
    assert len(code) % 8 == 0 and len(code) // 8 < 4096
    with pytest.raises(seccomp.Unsupported):
        seccomp.program("sparc")


PROBE = r'''
import ctypes, errno, os, subprocess, sys, threading
from autograder.inside import seccomp
seccomp.install()
libc = ctypes.CDLL(None, use_errno=True)
_, _, numbers = seccomp.ARCHES[os.uname().machine]

def call(name, *args):
    ctypes.set_errno(0)
    result = libc.syscall(ctypes.c_long(numbers[name]), *[ctypes.c_long(a) for a in args])
    return errno.errorcode.get(ctypes.get_errno(), "ok") if result == -1 else "ok"

denied = {name: call(name, 0, 0, 0, 0, 0) for name in seccomp.DENIED if name in numbers}
clone_newuser = call("clone", 0x10000000 | 17, 0, 0, 0, 0)
clone3 = call("clone3", 0, 0)
# What notebooks need still works: threads, fork, subprocesses, torch.
box = []
t = threading.Thread(target=box.append, args=("thread",)); t.start(); t.join()
pid = os.fork()
if pid == 0:
    os._exit(3)
forked = os.waitpid(pid, 0)[1] >> 8
echoed = subprocess.run(["echo", "ok"], capture_output=True, text=True).stdout.strip()
print(repr((seccomp.active(), denied, clone_newuser, clone3, box, forked, echoed)))
'''


@pytest.mark.skipif(platform.machine() not in seccomp.ARCHES, reason="no filter for this architecture")
def test_the_filter_denies_its_list_and_keeps_what_notebooks_need():
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60, env=env)
    assert out.returncode == 0, out.stderr
    active, denied, clone_newuser, clone3, box, forked, echoed = eval(out.stdout)
    assert active
    assert set(denied.values()) == {"EPERM"}, denied
    assert clone_newuser == "EPERM" and clone3 == "ENOSYS"
    assert (box, forked, echoed) == (["thread"], 3, "ok")
