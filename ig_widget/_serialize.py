"""Numpy arrays <-> the contract's array records ``{"dtype", "shape", "data"}``.

``data`` is the array's bytes, C-contiguous and little-endian; ipywidgets lifts every
``bytes`` value out of the state into a binary buffer, so arrays never travel as JSON
lists of numbers (the front end receives a ``DataView``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

#: the dtypes the front end decodes (js/lib/codec.js)
DTYPES = ("float32", "float64", "uint8")


def encode_array(array: Any) -> dict:
    """``{"dtype": str, "shape": [int, ...], "data": bytes}`` for a float32, float64 or
    uint8 array (anything ``np.asarray`` accepts); other dtypes raise ``TypeError``."""
    a = np.asarray(array)
    name = a.dtype.name
    if name not in DTYPES:
        raise TypeError(
            f"cannot send a {name} array to the front end; convert it to one of "
            f"{', '.join(DTYPES)} first."
        )
    little = np.ascontiguousarray(a, dtype=np.dtype(name).newbyteorder("<"))
    return {"dtype": name, "shape": [int(n) for n in a.shape], "data": little.tobytes()}


def decode_array(record: dict) -> np.ndarray:
    """The array of an ``encode_array`` record (``data`` may be bytes or any buffer)."""
    try:
        dtype, shape, data = record["dtype"], record["shape"], record["data"]
    except (KeyError, TypeError):
        raise ValueError(
            "an array record is a dict with 'dtype', 'shape' and 'data' keys"
        ) from None
    if dtype not in DTYPES:
        raise ValueError(f"unsupported array dtype {dtype!r}; expected one of {', '.join(DTYPES)}.")
    shape = tuple(int(n) for n in shape)
    flat = np.frombuffer(memoryview(data).cast("B"), dtype=np.dtype(dtype).newbyteorder("<"))
    if flat.size != int(np.prod(shape, dtype=np.int64)):
        raise ValueError(
            f"array record holds {flat.size} {dtype} values, but its shape {list(shape)} "
            f"needs {int(np.prod(shape, dtype=np.int64))}."
        )
    return flat.astype(dtype, copy=False).reshape(shape)
