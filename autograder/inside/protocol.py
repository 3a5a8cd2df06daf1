"""Plain-data messages between the grader and the sandboxed worker.

A message is a JSON header plus raw byte buffers for arrays. Nothing is
pickled: whatever a submission returns crosses as numbers, strings, lists,
dicts and arrays of a few numeric dtypes, and the receiving side validates
types, dtypes, shapes and sizes before anything else looks at it.

This module is imported by the trusted grader (autograder.inside.protocol)
and, with the rest of its package, copied into the sandbox for the worker
(there it is inside.protocol), so it imports only the standard library and numpy.
"""
from __future__ import annotations

import json
from collections import OrderedDict
import math
import os
import struct

import numpy as np

MAX_HEADER = 16 << 20          # bytes of JSON in one message
MAX_TOTAL = 1 << 30            # bytes in one message, buffers included
MAX_DEPTH = 32
ALLOWED_DTYPES = {
    "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "float16", "float32", "float64", "complex64", "complex128",
}


class ProtocolError(Exception):
    """A message that is malformed, too large, or holds what plain data may not."""


# ---------------------------------------------------------------- framing

def frame(header: dict, buffers: list[bytes] = ()) -> bytes:
    """A message as bytes: sizes, the JSON header, then each buffer with its size."""
    body = json.dumps(header, allow_nan=False).encode()
    parts = [struct.pack(">QI", len(body), len(buffers)), body]
    for b in buffers:
        parts.append(struct.pack(">Q", len(b)))
        parts.append(b)
    return b"".join(parts)


def write_message(fd: int, header: dict, buffers: list[bytes] = ()) -> None:
    """Blocking write of a whole message (the worker's side; the grader writes with a deadline)."""
    view = memoryview(frame(header, buffers))
    while view:
        n = os.write(fd, view)
        view = view[n:]


class Reader:
    """Reads framed messages from a file descriptor; `read_exact` is pluggable
    so the grader can impose deadlines (see autograder/sandbox). Sizes are checked
    before anything is allocated: a message may not exceed `max_total` bytes."""

    def __init__(self, read_exact, max_total: int = MAX_TOTAL, max_header: int = MAX_HEADER):
        self.read_exact = read_exact
        self.max_total = max_total
        self.max_header = min(max_header, max_total)

    def read_message(self) -> tuple[dict, list[bytes]]:
        n_body, n_buffers = struct.unpack(">QI", self.read_exact(12))
        if n_body > self.max_header or n_buffers > 100_000:
            raise ProtocolError(f"message header too large ({n_body} bytes, {n_buffers} buffers)")
        try:
            header = json.loads(self.read_exact(n_body))
        except (ValueError, UnicodeDecodeError, RecursionError) as e:
            raise ProtocolError(f"message is not valid JSON: {type(e).__name__}") from None
        if not isinstance(header, dict):
            raise ProtocolError("message header is not a JSON object")
        total, buffers = n_body, []
        for _ in range(n_buffers):
            (size,) = struct.unpack(">Q", self.read_exact(8))
            total += size
            if total > self.max_total:
                raise ProtocolError(f"a reply larger than {self.max_total >> 20} MB")
            buffers.append(self.read_exact(size))
        return header, buffers


def blocking_reader(fd: int) -> Reader:
    def read_exact(n: int) -> bytes:
        chunks, got = [], 0
        while got < n:
            chunk = os.read(fd, min(n - got, 1 << 20))
            if not chunk:
                raise EOFError("pipe closed")
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks)
    return Reader(read_exact)


# ---------------------------------------------------------------- values

def _float(x: float):
    if math.isfinite(x):
        return x
    return {"__float__": "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")}


def encode_array(arr: np.ndarray, buffers: list, extra: dict | None = None) -> dict:
    """Plain description of an array; raw bytes go to `buffers`."""
    arr = np.ascontiguousarray(np.asarray(arr).view(np.ndarray) if isinstance(arr, np.ndarray) else np.asarray(arr))
    name = arr.dtype.name
    if name not in ALLOWED_DTYPES:
        return {"__unsupported__": f"numpy array of dtype {name}"}
    buffers.append(arr.astype(arr.dtype.newbyteorder("<"), copy=False).tobytes())
    out = {"__ndarray__": len(buffers) - 1, "dtype": name, "shape": list(arr.shape)}
    if extra:
        out.update(extra)
    return out


def encode(value, buffers: list, tensor_hook=None, depth: int = 0):
    """Encode a value into JSON-able data. `tensor_hook(value, buffers)` returns
    an encoding for objects numpy does not know (torch tensors), or None."""
    if depth > MAX_DEPTH:
        return {"__unsupported__": "nesting deeper than 32 levels"}
    t = type(value)
    if value is None or t is bool or t is str:
        return value
    if t is int:
        return value if abs(value) < 2**63 else {"__bigint__": str(value)}
    if t is float:
        return _float(value)
    if isinstance(value, np.ndarray):
        return encode_array(value, buffers)
    if isinstance(value, np.generic):
        return encode_array(np.asarray(value), buffers, {"scalar": True})
    if tensor_hook is not None:
        hooked = tensor_hook(value, buffers)
        if hooked is not None:
            return hooked
    if t is list:
        return [encode(v, buffers, tensor_hook, depth + 1) for v in value]
    if t is tuple:
        return {"__tuple__": [encode(v, buffers, tensor_hook, depth + 1) for v in value]}
    if t is dict or t is OrderedDict:  # state_dict() is an OrderedDict
        items = []
        for k, v in value.items():
            if type(k) not in (str, int, bool, float, tuple) and k is not None:
                return {"__unsupported__": f"dict with {type(k).__name__} keys"}
            items.append([encode(k, buffers, tensor_hook, depth + 1), encode(v, buffers, tensor_hook, depth + 1)])
        return {"__dict__": items}
    if t in (set, frozenset):
        return {"__set__": [encode(v, buffers, tensor_hook, depth + 1) for v in value]}
    # Subclasses of builtins (int, float, str, list, dict ...) are not trusted
    # to behave: report the type and let the test fail with a clear message.
    return {"__unsupported__": f"object of type {t.__module__}.{t.__qualname__}"}


def decode(data, buffers: list, array_hook=None, depth: int = 0):
    """Decode and validate. `array_hook(desc, array)` builds special objects
    (tensors) from an array description carrying extra keys."""
    if depth > MAX_DEPTH:
        raise ProtocolError("nesting too deep")
    if data is None or type(data) in (bool, str, int, float):
        if type(data) is float and not math.isfinite(data):
            raise ProtocolError("non-finite float outside a tag")
        return data
    if type(data) is list:
        return [decode(v, buffers, array_hook, depth + 1) for v in data]
    if type(data) is not dict or len(data) == 0:
        raise ProtocolError(f"unexpected {type(data).__name__} in message")
    if "__float__" in data:
        return {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}[_choice(data["__float__"], ("nan", "inf", "-inf"))]
    if "__bigint__" in data:
        return int(_string(data["__bigint__"], 4300))
    if "__tuple__" in data:
        return tuple(decode(v, buffers, array_hook, depth + 1) for v in _list(data["__tuple__"]))
    if "__set__" in data:
        return set_or_list(decode(v, buffers, array_hook, depth + 1) for v in _list(data["__set__"]))
    if "__dict__" in data:
        out = {}
        for pair in _list(data["__dict__"]):
            if type(pair) is not list or len(pair) != 2:
                raise ProtocolError("malformed dict item")
            key = decode(pair[0], buffers, array_hook, depth + 1)
            try:
                hash(key)
            except TypeError:
                raise ProtocolError("unhashable dict key") from None
            out[key] = decode(pair[1], buffers, array_hook, depth + 1)
        return out
    if "__unsupported__" in data:
        return Unsupported(_string(data["__unsupported__"], 300))
    if "__ndarray__" in data:
        arr = decode_array(data, buffers)
        if array_hook is not None:
            special = array_hook(data, arr)
            if special is not None:
                return special
        if data.get("scalar") is True:
            return arr[()]
        return arr
    if "__handle__" in data:
        return Handle(int(_int(data["__handle__"])), _string(data.get("type", ""), 200))
    if array_hook is not None:
        special = array_hook(data, None)
        if special is not None:
            return special
    raise ProtocolError(f"unknown tag in message: {sorted(data)[:3]}")


def decode_array(desc: dict, buffers: list) -> np.ndarray:
    dtype = _choice(desc.get("dtype"), ALLOWED_DTYPES)
    shape = desc.get("shape")
    if type(shape) is not list or len(shape) > 32 or not all(type(s) is int and 0 <= s < 2**40 for s in shape):
        raise ProtocolError("malformed array shape")
    index = _int(desc["__ndarray__"])
    if not 0 <= index < len(buffers):
        raise ProtocolError("array refers to a missing buffer")
    raw = buffers[index]
    dt = np.dtype(dtype).newbyteorder("<")
    count = math.prod(shape)
    if len(raw) != count * dt.itemsize:
        raise ProtocolError(f"array buffer has {len(raw)} bytes, shape {shape} of {dtype} needs {count * dt.itemsize}")
    return np.frombuffer(raw, dtype=dt).astype(np.dtype(dtype), copy=True).reshape(shape)


def set_or_list(items):
    items = list(items)
    try:
        return set(items)
    except TypeError:
        raise ProtocolError("unhashable set item") from None


def _choice(value, allowed):
    if type(value) is not str or value not in allowed:
        raise ProtocolError(f"unexpected value {str(value)[:40]!r}")
    return value


def _string(value, limit):
    if type(value) is not str or len(value) > limit:
        raise ProtocolError("malformed string")
    return value


def _int(value):
    if type(value) is not int:
        raise ProtocolError("malformed integer")
    return value


def _list(value):
    if type(value) is not list:
        raise ProtocolError("malformed list")
    return value


class Unsupported:
    """Stands for a returned object that cannot cross as plain data."""

    def __init__(self, what: str):
        self.what = what

    def __repr__(self):
        return f"<{self.what}>"


class Handle:
    """Refers to an object kept inside the worker (a module, an optimiser)."""

    def __init__(self, ident: int, type_name: str = ""):
        self.ident = ident
        self.type_name = type_name

    def __repr__(self):
        return f"<handle {self.ident}: {self.type_name}>"
