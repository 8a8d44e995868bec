"""``IGWidget.save`` and ``IGWidget.load``: the view as a figure, a page, or data.

``save`` picks the format by the file's suffix: ``.png`` / ``.svg`` / ``.pdf`` (the
matplotlib figure of ``picture.payload_figure``), ``.html`` (the standalone page of
``page.standalone_html``) or ``.json`` (``record.write_record``: the JSON with the
arrays in an ``.npz`` beside it). ``load`` reads a ``.json`` back into a widget that
shows the result without the model.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .._serialize import decode_array
from .page import standalone_html
from .picture import figure_bytes, payload_figure
from .record import read_record, write_record

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ..widget import IGWidget

FIGURE_FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}
SUFFIXES = (*FIGURE_FORMATS, ".html", ".json")
#: the display traits kept with a saved result
DISPLAY = ("sign", "colormap", "opacity", "clip_percentile", "top_k")
#: resolution of saved PNG files (the notebook's own picture uses the screen's 100 dpi)
PNG_DPI = 200


def current_payload(w: IGWidget) -> dict:
    payload = dict(w._payload or {})
    if "kind" not in payload:
        raise ValueError(
            "the widget has no result to save yet; call w.wait() first"
            + (f" (it failed: {w.error})" if w.error else "")
            + "."
        )
    return payload


def picture_settings(w: IGWidget) -> dict:
    """What the picture of ``w``'s view depends on, copied (``payload_figure``'s
    arguments): taken under the widget's lock, drawn outside it."""
    extra = "coarse early result; a finer one is coming" if w._provisional else ""
    return {
        "payload": current_payload(w),
        "sign": w.sign,
        "colormap": w.colormap,
        "clip_percentile": w.clip_percentile,
        "opacity": w.opacity,
        "top_k": w.top_k,
        "note": w.note,
        "extra": extra,
    }


def widget_figure(w: IGWidget) -> Figure:
    """The figure of the view ``w`` shows now, with its display settings and note."""
    return payload_figure(**picture_settings(w))


def widget_state(w: IGWidget) -> dict:
    """The widget's own synced traits (what the front end reads), for a standalone page."""
    from ..widget import IGWidget

    names = IGWidget.class_own_traits(sync=True)
    return {name: getattr(w, name) for name in names}


def _meta(w: IGWidget, payload: dict) -> dict:
    r = dict(payload.get("readout") or {})
    meta: dict[str, Any] = {
        "modality": w.modality,
        "target": r.get("target"),
        "target_label": r.get("target_label"),
        "settings": {k: r.get(k) for k in ("n_steps", "method", "baseline", "path")}
        | {k: r[k] for k in ("distribution", "samples", "noise", "patch") if k in r},
        "output": r.get("output"),
        "baseline_output": r.get("baseline_output"),
        "sum": r.get("sum"),
        "delta": r.get("delta"),
        "model": w.model_name,
        "computed_by": "ig_widget" if w.computable else "elsewhere (IGWidget.from_attributions)",
        "note": w.note,
        "display": {k: getattr(w, k) for k in DISPLAY},
    }
    if payload["kind"] == "text":
        meta["tokens"] = list(payload["tokens"])
    elif payload["kind"] == "tabular":
        meta["feature_names"] = list(payload["names"])
    return meta


def save_widget(w: IGWidget, path: str | Path) -> list[Path]:
    """Write the widget's view or data to ``path`` (format by suffix); returns the files."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ValueError(
            f"cannot save to {path.name!r}: use a file name ending in {', '.join(SUFFIXES)}."
        )
    payload = current_payload(w)
    if suffix in FIGURE_FORMATS:
        fmt = FIGURE_FORMATS[suffix]
        data = figure_bytes(widget_figure(w), fmt, dpi=PNG_DPI if fmt == "png" else None)
        path.write_bytes(data)
        return [path]
    if suffix == ".html":
        png = figure_bytes(widget_figure(w), "png")
        title = f"ig_widget: {w.modality}, target {payload['readout'].get('target_label')}"
        state = widget_state(w)
        state["_png"] = png  # the page's PNG download works even for a widget never shown
        path.write_text(standalone_html(state, png, title), encoding="utf-8")
        return [path]
    arrays = {
        "input": w._input_array(),
        "attributions": w._attribution_array(),
        "display_attributions": decode_array(payload["attr"]),
    }
    return write_record(path, _meta(w, payload), arrays)


def _field(message: str) -> ValueError:
    """A malformed field of a saved record: the file is bad, whatever the type."""
    return ValueError(f"the record's {message}")


def _opt_str(doc: dict, key: str, default: str = "") -> str:
    v = doc.get(key, default)
    if v is None:
        return default
    if not isinstance(v, str):
        raise _field(f"{key!r} must be a string, got {type(v).__name__}.")
    return v


def _opt_strings(doc: dict, key: str) -> list[str] | None:
    v = doc.get(key)
    if v is None:
        return None
    if not isinstance(v, list) or not all(isinstance(s, str) for s in v):
        raise _field(f"{key!r} must be a list of strings.")
    return v


def _opt_number(doc: dict, key: str) -> float | None:
    v = doc.get(key)
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise _field(f"{key!r} must be a number, got {type(v).__name__}.")
    return float(v)


def _input_from_view(modality: str, doc: dict, arrays: dict) -> np.ndarray:
    """The input as far as a view's JSON download has it: the displayed RGBA image as
    (3, H, W) in [0, 1], or placeholder token ids (the tokens' strings are in the JSON)."""
    if modality == "image" and "image_rgba" in arrays:
        rgba = arrays["image_rgba"]
        if rgba.ndim != 3 or rgba.shape[-1] != 4:
            raise _field(f"image_rgba must be (H, W, 4), got {list(rgba.shape)}.")
        return np.moveaxis(rgba[..., :3].astype(np.float64) / 255.0, -1, 0)
    if modality == "text":
        tokens = _opt_strings(doc, "tokens") or []
        return np.arange(len(tokens), dtype=np.int64)
    raise _field(f"arrays lack the input of this {modality or 'unknown'} result.")


def load_kwargs(path: str | Path) -> dict:
    """Arguments for ``IGWidget.from_attributions`` from a saved record, checked."""
    doc, arrays = read_record(path)
    settings = doc.get("settings") or {}
    if not isinstance(settings, dict):
        raise _field("'settings' must be an object.")
    target = doc.get("target", 0)
    if isinstance(target, bool) or not isinstance(target, int):
        raise _field(f"'target' must be an int, got {target!r}.")
    n_steps = settings.get("n_steps")
    if n_steps is not None and (isinstance(n_steps, bool) or not isinstance(n_steps, int)):
        raise _field(f"n_steps must be an int, got {n_steps!r}.")
    modality = _opt_str(doc, "modality")
    if "input" not in arrays:
        arrays["input"] = _input_from_view(modality, doc, arrays)
    x = arrays["input"]
    if modality == "text" and x.dtype.kind not in "iu":
        raise _field("text input must hold integer token ids.")
    attributions = arrays.get("attributions", arrays["display_attributions"])
    display = doc.get("display") or {}
    if not isinstance(display, dict):
        raise _field("'display' must be an object.")
    return {
        "x": np.ascontiguousarray(x),
        "attributions": np.ascontiguousarray(attributions),
        "modality": modality or None,
        "target": target,
        "target_label": _opt_str(doc, "target_label") or None,
        "output": _opt_number(doc, "output"),
        "baseline_output": _opt_number(doc, "baseline_output"),
        "delta": _opt_number(doc, "delta"),
        "tokens": _opt_strings(doc, "tokens"),
        "feature_names": _opt_strings(doc, "feature_names"),
        "n_steps": n_steps,
        "method": _opt_str(settings, "method"),
        "baseline": _opt_str(settings, "baseline"),
        "path": _opt_str(settings, "path"),
        "note": _opt_str(doc, "note"),
        "model_name": _opt_str(doc, "model"),
        "display": {k: display[k] for k in DISPLAY if k in display},
    }
