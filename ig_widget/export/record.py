"""A result on disk: ``result.json`` (settings, numbers, names, provenance, the note)
with its arrays in ``result.npz`` beside it.

The JSON says everything needed to reproduce the result (settings, target and its
label, the model's class name, library versions, time); the ``.npz`` holds the input
and the attributions. Reading trusts neither: the JSON is parsed as data, the arrays
are loaded with ``allow_pickle=False`` (nothing is unpickled), and every field is
checked before a widget is built from it.
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import platform
from pathlib import Path
from typing import Any

import numpy as np

#: what ``write_record`` writes and ``read_record`` accepts
FORMAT = "ig_widget.result"
FORMAT_VERSION = 1
#: the arrays of a record, and the dtypes they may have
ARRAYS = ("input", "attributions", "display_attributions")
_NUMERIC = "biufc"
#: the largest array a record may hold (elements)
MAX_ELEMENTS = 50_000_000


def versions() -> dict[str, str]:
    """The versions of the libraries behind a result."""
    from .. import __version__

    out = {"ig_widget": __version__, "python": platform.python_version(), "numpy": np.__version__}
    for name in ("torch", "captum", "matplotlib"):
        try:
            mod = __import__(name)
        except ImportError:
            continue
        out[name] = str(getattr(mod, "__version__", "?"))
    return out


def _finite_or_none(v: Any) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def write_record(path: str | Path, meta: dict, arrays: dict[str, np.ndarray]) -> list[Path]:
    """Write ``meta`` as ``path`` (JSON) and ``arrays`` as ``path`` with ``.npz``;
    returns both paths. Non-finite numbers in ``meta`` become null (valid JSON)."""
    path = Path(path)
    npz = path.with_suffix(".npz")
    doc = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "arrays": npz.name,
        "saved_at": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "versions": versions(),
        **meta,
    }
    for key in ("output", "baseline_output", "sum", "delta"):
        if key in doc:
            doc[key] = _finite_or_none(doc[key])
    with open(npz, "wb") as f:
        np.savez_compressed(f, **{k: np.asarray(v) for k, v in arrays.items() if v is not None})
    path.write_text(json.dumps(doc, indent=2, allow_nan=False) + "\n", encoding="utf-8")
    return [path, npz]


def _bad(path: Path, why: str) -> ValueError:
    return ValueError(f"{path} is not a readable ig_widget result: {why}.")


#: dtypes of arrays embedded in the JSON (the widget's JSON download)
EMBEDDED_DTYPES = ("float32", "float64", "uint8")


def _embedded(path: Path, doc: dict) -> dict[str, np.ndarray]:
    """The arrays a JSON written by the widget's download button carries (base64)."""
    import base64
    import binascii

    raw = doc.get("embedded_arrays")
    if not isinstance(raw, dict):
        raise _bad(path, "it has neither 'arrays' (an .npz beside it) nor 'embedded_arrays'")
    out: dict[str, np.ndarray] = {}
    for key, rec in raw.items():
        if rec is None:
            continue
        if key not in (*ARRAYS, "image_rgba") or not isinstance(rec, dict):
            raise _bad(path, f"embedded array {key!r} is not one this format has")
        dtype, shape, data = rec.get("dtype"), rec.get("shape"), rec.get("data")
        if dtype not in EMBEDDED_DTYPES or not isinstance(data, str):
            raise _bad(path, f"embedded array {key!r} has dtype {dtype!r} or no base64 data")
        if not isinstance(shape, list) or not all(
            isinstance(n, int) and not isinstance(n, bool) and 0 <= n for n in shape
        ):
            raise _bad(path, f"embedded array {key!r} has a bad shape")
        size = int(np.prod(shape, dtype=np.float64)) if shape else 1
        if size > MAX_ELEMENTS:
            raise _bad(path, f"embedded array {key!r} has {size:,} elements")
        try:
            buf = base64.b64decode(data, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise _bad(path, f"embedded array {key!r} is not base64") from exc
        item = np.dtype(dtype).itemsize
        if len(buf) != size * item:
            raise _bad(path, f"embedded array {key!r} has {len(buf)} bytes for shape {shape}")
        out[key] = np.frombuffer(buf, dtype=np.dtype(dtype).newbyteorder("<")).reshape(shape).copy()
    return out


def read_record(path: str | Path) -> tuple[dict, dict[str, np.ndarray]]:
    """The JSON document and the arrays of a record written by ``write_record`` (arrays
    in an ``.npz`` beside it) or by the widget's JSON download (arrays embedded).

    Raises ``ValueError`` naming the problem for anything else: a JSON that is not an
    object of this format, a missing or foreign ``.npz``, pickled or non-numeric arrays,
    arrays too large or not matching their shapes.
    """
    path = Path(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _bad(path, f"cannot read it as JSON ({exc})") from exc
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise _bad(path, f"its 'format' is not {FORMAT!r}")
    version = doc.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise _bad(path, f"format_version {version!r} is newer than this ig_widget reads")
    name = doc.get("arrays")
    if name is None and "embedded_arrays" in doc:
        arrays = _embedded(path, doc)
        if "display_attributions" not in arrays:
            raise _bad(path, "embedded array 'display_attributions' is missing")
        return doc, arrays
    if not isinstance(name, str) or Path(name).name != name:
        raise _bad(path, "'arrays' must name a .npz file beside it")
    npz = path.parent / name
    arrays: dict[str, np.ndarray] = {}
    try:
        with np.load(npz, allow_pickle=False) as data:
            for key in data.files:
                if key not in ARRAYS:
                    continue
                try:
                    a = data[key]
                except ValueError as exc:  # an object array: it would need unpickling
                    raise _bad(npz, f"array {key!r} cannot be read safely ({exc})") from exc
                if a.dtype.kind not in _NUMERIC or a.dtype.kind == "c":
                    raise _bad(npz, f"array {key!r} has dtype {a.dtype}, not real numbers")
                if a.size > MAX_ELEMENTS:
                    raise _bad(npz, f"array {key!r} has {a.size:,} elements")
                arrays[key] = a
    except ValueError as exc:
        if str(exc).startswith(str(npz)) or "is not a readable" in str(exc):
            raise
        raise _bad(npz, f"cannot read its arrays ({exc})") from exc
    except (OSError, EOFError) as exc:
        raise _bad(npz, f"cannot read its arrays ({exc})") from exc
    for key in ("input", "display_attributions"):
        if key not in arrays:
            raise _bad(npz, f"array {key!r} is missing")
    return doc, arrays
