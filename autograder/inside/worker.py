"""Runs a submission's code inside the sandbox and answers the grader's calls.

Forked by zygote.py inside the sandbox, or, where there is no sandbox, started
by the grader as a fresh interpreter running the staged copy of this package
(`python -I FOLDER IN_FD OUT_FD`, whose launcher calls main()). Everything that runs here is untrusted: this process never decides a
score. It executes the notebook's code cells, then serves requests (call a
function, read an attribute) and sends back plain data (protocol.py).
"""
import io
import os
import random
import sys
import time
import traceback

import numpy as np

from . import protocol

try:
    import torch
except ImportError:  # the numpy-only parts still work
    torch = None

OUTPUT_LIMIT = 20_000


class CappedText(io.TextIOBase):
    """stdout/stderr for student code: keeps the first OUTPUT_LIMIT characters."""

    def __init__(self):
        self.parts, self.size = [], 0

    def writable(self):
        return True

    def write(self, s):
        s = str(s)
        if self.size < OUTPUT_LIMIT:
            self.parts.append(s[: OUTPUT_LIMIT - self.size])
        self.size += len(s)
        return len(s)

    def take(self):
        text = "".join(self.parts)
        if self.size > OUTPUT_LIMIT:
            text += f"\n[... {self.size - OUTPUT_LIMIT} more characters not shown]"
        self.parts, self.size = [], 0
        return text


# ---------------------------------------------------------------- values

def tensor_hook(value, buffers):
    if torch is None or not isinstance(value, torch.Tensor):
        return None
    t = value.detach()
    layout = "sparse" if t.is_sparse else "strided"
    if t.is_sparse:
        t = t.to_dense()
    dtype_name = str(t.dtype).replace("torch.", "")
    t = t.to("cpu").contiguous()
    if t.dtype == torch.bfloat16:
        t = t.float()
    meta = {
        "device": str(value.device), "dtype": dtype_name, "layout": layout,
        "requires_grad": bool(value.requires_grad), "is_leaf": bool(value.is_leaf),
        "is_parameter": isinstance(value, torch.nn.Parameter),
        "grad_fn": type(value.grad_fn).__name__ if value.grad_fn is not None else None,
    }
    return protocol.encode_array(t.numpy(), buffers, {"tensor": meta})


def array_hook(desc, arr):
    spec = desc.get("tensor")
    if spec is None:
        return None
    if torch is None:
        raise RuntimeError("torch is not installed in the grading environment")
    t = torch.from_numpy(arr.copy()).to(spec.get("device", "cpu"))
    if spec.get("requires_grad"):
        t.requires_grad_(True)
    return t


class Worker:
    def __init__(self, fd_in, fd_out):
        self.reader = protocol.blocking_reader(fd_in)
        self.fd_out = fd_out
        self.namespace = {"__name__": "__main__"}
        self.handles = {}
        self.handles_made = 0   # handle numbers are never reused, even after a drop
        self.output = CappedText()

    def send(self, header, buffers=()):
        protocol.write_message(self.fd_out, header, list(buffers))

    def resolve(self, value):
        if isinstance(value, protocol.Handle):
            return self.handles[value.ident]
        if type(value) is list:
            return [self.resolve(v) for v in value]
        if type(value) is tuple:
            return tuple(self.resolve(v) for v in value)
        if type(value) is dict:
            return {k: self.resolve(v) for k, v in value.items()}
        return value

    def encode_result(self, value, keep):
        buffers = []
        if keep:
            self.handles_made += 1
            ident = self.handles_made
            self.handles[ident] = value
            return {"__handle__": ident, "type": type(value).__name__}, buffers
        return protocol.encode(value, buffers, tensor_hook), buffers

    # ------------------------------------------------------------ ops

    def op_load(self, msg, buffers):
        seed(0)
        report = []
        for index, source in msg["cells"]:
            entry = {"index": index, "ok": True}
            try:
                code = compile(strip_magics(source), f"<cell {index}>", "exec")
                exec(code, self.namespace)
            except BaseException as e:  # a cell's failure must not stop the rest
                entry.update(ok=False, error=describe(e))
            report.append(entry)
        defined = sorted(k for k, v in list(self.namespace.items()) if not k.startswith("_") and callable(v))
        return {"cells": report, "defined": defined, "output": self.output.take()}, []

    def target(self, msg):
        target = msg["target"]
        if isinstance(target, protocol.Handle):
            obj = self.handles[target.ident]
        elif target not in self.namespace:
            raise LookupError(f"no function or class named {target!r} is defined in the notebook")
        else:
            obj = self.namespace[target]
        for part in msg.get("method") or ():
            obj = getattr(obj, part)
        return obj

    def op_call(self, msg, buffers):
        fn = self.target(msg)
        args = self.resolve(msg.get("args", []))
        kwargs = self.resolve(msg.get("kwargs", {}))
        value = fn(*args, **kwargs)
        if msg.get("sync") and torch is not None and torch.cuda.is_available():
            torch.cuda.synchronize()
        if msg.get("discard"):
            return {"ok": True, "value": None}, []
        encoded, out = self.encode_result(value, msg.get("keep", False))
        return {"ok": True, "value": encoded}, out

    def op_attr(self, msg, buffers):
        encoded, out = self.encode_result(self.target(msg), msg.get("keep", False))
        return {"ok": True, "value": encoded}, out

    def op_put(self, msg, buffers):
        encoded, out = self.encode_result(self.resolve(msg["value"]), True)
        return {"ok": True, "value": encoded}, out

    def op_drop(self, msg, buffers):
        """Forget a kept object (a timed result already read back): its memory is reused by the
        next attempt, as the grader's reference reuses its own, instead of fresh pages."""
        target = msg["target"]
        if isinstance(target, protocol.Handle):
            self.handles.pop(target.ident, None)
        return {"ok": True, "value": None}, []

    def op_set(self, msg, buffers):
        obj = self.target({"target": msg["target"], "method": msg["path"][:-1]})
        name = msg["path"][-1]
        value = self.resolve(msg["value"])
        current = getattr(obj, name, None)
        if torch is not None and isinstance(current, torch.Tensor) and isinstance(value, torch.Tensor):
            with torch.no_grad():
                current.copy_(value)
        else:
            setattr(obj, name, value)
        return {"ok": True, "value": None}, []

    def serve(self):
        ops = {"load": self.op_load, "call": self.op_call, "attr": self.op_attr, "set": self.op_set, "put": self.op_put,
               "drop": self.op_drop}
        while True:
            try:
                raw, buffers = self.reader.read_message()
            except EOFError:
                return
            msg = protocol.decode(raw["msg"], buffers, array_hook)
            started = time.perf_counter()
            try:
                header, out = ops[msg["op"]](msg, buffers)
            except BaseException as e:  # student code raised: report it as data
                header, out = {"ok": False, "error": describe(e)}, []
            header["seconds"] = time.perf_counter() - started
            if msg["op"] != "load":
                header["output"] = self.output.take()
            self.send(header, out)
            if header.get("ok") is False and cuda_broken(header["error"]):
                # After a device-side assert every later CUDA call fails: end this
                # process so the grader starts a fresh one for the next test.
                os._exit(3)


def seed(n):
    random.seed(n)
    np.random.seed(n)
    if torch is not None:
        torch.manual_seed(n)


def cuda_broken(error):
    text = error.get("message", "")
    return "device-side assert" in text or "CUDA error" in text


def strip_magics(source):
    """IPython magics and shell escapes are not Python; they do nothing here."""
    lines = []
    for line in source.splitlines():
        stripped = line.lstrip()
        lines.append("pass  # " + stripped if stripped.startswith(("%", "!")) else line)
    return "\n".join(lines)


def describe(e):
    tb = traceback.extract_tb(e.__traceback__)
    where = [f"{f.filename}, line {f.lineno}, in {f.name}" for f in tb if f.filename.startswith("<cell")]
    try:
        message = str(e)[:1000]
    except BaseException:
        message = "(the exception's message could not be shown)"
    return {
        "type": type(e).__name__,
        "mro": [c.__name__ for c in type(e).__mro__][:20],
        "message": message,
        "where": where[-3:],
    }


def run(fd_in, fd_out):
    """Serve the grader on these pipes until it closes them."""
    os.environ.setdefault("MPLBACKEND", "Agg")
    worker = Worker(fd_in, fd_out)
    # Student prints go to a capped buffer, C-level output nowhere: the
    # grader's channel is the dedicated pipe, never stdout.
    # The worker's own failures still reach the grader's log through a copy of stderr.
    own_stderr = os.fdopen(os.dup(2), "w")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    sys.stdout = sys.stderr = worker.output
    try:
        worker.send({"ready": True, "torch": torch is not None,
                     "cuda": bool(torch is not None and torch.cuda.is_available())})
        worker.serve()
    except BaseException:
        own_stderr.write(traceback.format_exc()[-2000:])
        own_stderr.flush()
        raise


def main():
    """Started as a fresh interpreter where there is no sandbox: the seccomp filter
    (in the sandbox, the warm parent installs it before forking) goes on first."""
    from . import seccomp
    try:
        seccomp.install()
    except (seccomp.Unsupported, OSError) as e:
        print(f"warning: the worker runs without its seccomp filter ({e})", file=sys.stderr)
    run(int(sys.argv[1]), int(sys.argv[2]))
