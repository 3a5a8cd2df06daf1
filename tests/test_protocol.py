"""What crosses from the worker is validated before any test looks at it."""
import math

import numpy as np
import pytest

from autograder.inside import protocol
from autograder.sandbox import TensorData, reply_hook


def roundtrip(value):
    buffers = []
    data = protocol.encode(value, buffers)
    return protocol.decode(data, buffers, reply_hook)


def test_plain_values_roundtrip():
    value = {"a": [1, 2.5, None, True, "x"], 3: (np.int64(4), np.arange(6, dtype=np.int32).reshape(2, 3))}
    got = roundtrip(value)
    assert got["a"] == [1, 2.5, None, True, "x"]
    assert got[3][0] == 4 and got[3][1].dtype == np.int32 and got[3][1].shape == (2, 3)
    assert math.isnan(roundtrip(float("nan"))) and roundtrip(float("-inf")) == -math.inf
    assert roundtrip(2**80) == 2**80
    from collections import OrderedDict
    assert roundtrip(OrderedDict(weight=np.zeros(2)))["weight"].tolist() == [0.0, 0.0]


def test_subclasses_and_objects_do_not_cross():
    class Sneaky(int):
        def __eq__(self, other):
            return True
    assert isinstance(roundtrip(Sneaky(3)), protocol.Unsupported)
    assert isinstance(roundtrip(np.array([object()])), protocol.Unsupported)
    assert isinstance(roundtrip(lambda: 0), protocol.Unsupported)


@pytest.mark.parametrize("desc, problem", [
    ({"__ndarray__": 0, "dtype": "object", "shape": [1]}, "unexpected value"),
    ({"__ndarray__": 0, "dtype": "float32", "shape": [3]}, "needs 12"),
    ({"__ndarray__": 5, "dtype": "uint8", "shape": [1]}, "missing buffer"),
    ({"__ndarray__": 0, "dtype": "uint8", "shape": [-1]}, "malformed array shape"),
    ({"__ndarray__": 0, "dtype": "uint8", "shape": [1], "tensor": {"device": 1}}, "malformed tensor"),
    ({"__ndarray__": 0, "dtype": "uint8", "shape": [1], "tensor": {
        "device": "cpu", "dtype": "float32", "layout": "strided", "requires_grad": False,
        "is_parameter": False, "is_leaf": True, "grad_fn": None}}, "reported as float32 whose values are uint8"),
    ({"__weird__": 1}, "unknown tag"),
    ({"__dict__": [[[1], 2]]}, "unhashable"),
])
def test_malformed_data_is_rejected(desc, problem):
    with pytest.raises(protocol.ProtocolError, match=problem):
        protocol.decode(desc, [b"\x00"], reply_hook)


def test_tensor_description_becomes_tensordata():
    desc = {"__ndarray__": 0, "dtype": "float32", "shape": [2], "tensor": {
        "device": "cuda:0", "dtype": "float32", "layout": "strided", "requires_grad": True,
        "is_parameter": False, "is_leaf": False, "grad_fn": "IndexBackward0"}}
    got = protocol.decode(desc, [np.ones(2, np.float32).tobytes()], reply_hook)
    assert isinstance(got, TensorData) and got.device == "cuda:0" and got.grad_fn == "IndexBackward0"
