"""Arrays <-> {"dtype", "shape", "data"} records."""

from __future__ import annotations

import numpy as np
import pytest

from ig_widget._serialize import decode_array, encode_array


@pytest.mark.parametrize("dtype", ["float32", "float64", "uint8"])
@pytest.mark.parametrize("shape", [(), (0,), (7,), (3, 4), (2, 3, 4)])
def test_round_trip(dtype, shape):
    a = (np.arange(int(np.prod(shape))) * 1.5).astype(dtype).reshape(shape)
    rec = encode_array(a)
    assert rec["dtype"] == dtype and rec["shape"] == list(shape)
    assert isinstance(rec["data"], bytes) and len(rec["data"]) == a.nbytes
    b = decode_array(rec)
    assert b.dtype == a.dtype and b.shape == a.shape
    np.testing.assert_array_equal(a, b)


def test_little_endian_and_contiguous():
    a = np.array([[1.0, 2.0], [3.0, 4.0]], dtype=">f8").T  # big-endian, not contiguous
    rec = encode_array(a)
    assert rec["dtype"] == "float64" and rec["shape"] == [2, 2]
    assert rec["data"] == np.array([1.0, 3.0, 2.0, 4.0], dtype="<f8").tobytes()
    np.testing.assert_array_equal(decode_array(rec), a)


def test_special_values_survive():
    a = np.array([np.nan, np.inf, -np.inf, -0.0, 1e-45], dtype=np.float32)
    np.testing.assert_array_equal(decode_array(encode_array(a)), a)


def test_decode_accepts_any_buffer():
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    rec = encode_array(a)
    for data in (memoryview(rec["data"]), bytearray(rec["data"])):
        np.testing.assert_array_equal(decode_array({**rec, "data": data}), a)


def test_errors():
    with pytest.raises(TypeError, match="int64"):
        encode_array(np.arange(3))
    with pytest.raises(ValueError, match="needs 6"):
        decode_array({"dtype": "float32", "shape": [2, 3], "data": b"\0" * 8})
    with pytest.raises(ValueError, match="unsupported"):
        decode_array({"dtype": "int8", "shape": [1], "data": b"\0"})
    with pytest.raises(ValueError, match="'dtype', 'shape' and 'data'"):
        decode_array({"dtype": "uint8"})
