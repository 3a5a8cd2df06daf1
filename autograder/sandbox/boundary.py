"""What crosses the boundary between the grader and a worker, as the grader sees it: the two ways
a call can fail (WorkerDied, StudentRaised), a tensor as data (TensorData) and as an argument
(TensorSpec), and the grader's hooks into the plain-data protocol (autograder/inside/protocol.py):
`argument_hook` encodes what the grader sends, `reply_hook` validates a tensor that comes back."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from autograder.inside import protocol
from autograder.text import safe_line, safe_text


class WorkerDied(Exception):
    """The child exited or was killed; `reason` says why in a student's terms."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class StudentRaised(Exception):
    """The student's code raised; carries the exception's name and message as data."""

    def __init__(self, error: dict, what: str):
        # All of it is the submission's text: bounded and made safe to store and print here.
        def strings(value, limit, count=20):
            return [safe_line(v, limit) for v in value[:count]] if type(value) is list else []
        self.type = safe_line(error.get("type", "Exception"), 100)
        self.mro = strings(error.get("mro"), 100)
        self.message = safe_text(error.get("message", ""), 1000)
        self.where = strings(error.get("where"), 300, 3)
        # the exercise's placeholder, still in place, is named as such, with what to do about it
        hint = ("; replace the `raise NotImplementedError` line of its cell with your code"
                if self.is_a("NotImplementedError") else "")
        super().__init__(f"{what} {self.summary(limit=None)}{hint}")

    def is_a(self, *names: str) -> bool:
        return any(n in self.mro for n in names)

    def summary(self, limit: int | None = 200) -> str:
        """What happened, for a message that names the call itself: 'raised ValueError: ...', or, for
        the exercise's placeholder, that the function is not implemented yet."""
        if self.is_a("NotImplementedError"):
            told = f" ({self.message[:limit]})" if self.message else ""
            return f"is not implemented yet: it still raises NotImplementedError{told}"
        return f"raised {self.type}: {self.message[:limit]}"


@dataclass
class TensorData:
    """A tensor as it crossed the boundary: values and facts, no torch object."""
    array: np.ndarray
    device: str
    dtype: str
    requires_grad: bool
    is_parameter: bool
    is_leaf: bool
    layout: str
    grad_fn: str | None

    @property
    def shape(self):
        return self.array.shape


@dataclass
class TensorSpec:
    """An argument that the worker turns into a torch tensor on `device`."""
    array: np.ndarray
    device: str = "cpu"
    requires_grad: bool = False


def tensor(array, device="cpu", requires_grad=False) -> TensorSpec:
    return TensorSpec(np.asarray(array), device, requires_grad)


def argument_hook(value, buffers):
    """protocol.encode's hook for what the grader sends: tensors to make, objects kept in the worker."""
    if isinstance(value, TensorSpec):
        return protocol.encode_array(value.array, buffers, {"tensor": {"device": value.device, "requires_grad": value.requires_grad}})
    if isinstance(value, protocol.Handle):
        return {"__handle__": value.ident}
    if isinstance(getattr(value, "handle", None), protocol.Handle):  # a student.Remote
        return {"__handle__": value.handle.ident}
    return None


def reply_hook(desc, arr):
    """protocol.decode's hook for what comes back: a tensor's description, checked, as TensorData."""
    meta = desc.get("tensor")
    if meta is None:
        return None
    if type(meta) is not dict or arr is None:
        raise protocol.ProtocolError("malformed tensor description")
    strings = {k: meta.get(k) for k in ("device", "dtype", "layout")}
    if not all(type(v) is str and len(v) < 40 for v in strings.values()):
        raise protocol.ProtocolError("malformed tensor description")
    flags = {k: meta.get(k) for k in ("requires_grad", "is_parameter", "is_leaf")}
    if not all(type(v) is bool for v in flags.values()):
        raise protocol.ProtocolError("malformed tensor description")
    grad_fn = meta.get("grad_fn")
    if grad_fn is not None and (type(grad_fn) is not str or len(grad_fn) > 100):
        raise protocol.ProtocolError("malformed tensor description")
    # The dtype name is the worker's claim, the values' own dtype a fact: they must agree
    # (the worker sends bfloat16 values as float32), or a patched worker could call int64 float32.
    if arr.dtype.name != ("float32" if strings["dtype"] == "bfloat16" else strings["dtype"]):
        raise protocol.ProtocolError(f"a tensor reported as {strings['dtype']} whose values are {arr.dtype.name}")
    return TensorData(arr, grad_fn=grad_fn, **strings, **flags)
