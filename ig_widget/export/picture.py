"""The widget's current view as a static matplotlib picture.

A widget's ``_payload`` already holds everything the view draws (the input, the
attributions per pixel, token or column, and the readout), so the picture is drawn from
it alone: no model, no torch. The same drawing serves the PNG kept in a saved
notebook's output, ``IGWidget.save("fig.png" | ".svg" | ".pdf")`` and ``to_figure()``.
The user's note goes under the caption; every string is drawn as plain text.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Mapping
from typing import Any

import numpy as np
from matplotlib.figure import Figure

from .._serialize import decode_array
from ..figure import draw_bars, draw_image, draw_tokens
from ..figure.style import CAPTION_SIZE, plain_text

#: how wide (characters) the note is wrapped under the picture, and its longest shown part
NOTE_WIDTH = 100
NOTE_LIMIT = 2000


def _display_attr(attr: np.ndarray, sign: str) -> np.ndarray:
    """The attributions the view shows for a sign mode (the colour scale stays centred)."""
    if sign == "positive":
        return np.where(attr > 0, attr, 0.0)
    if sign == "negative":
        return np.where(attr < 0, attr, 0.0)
    if sign == "absolute":
        return np.abs(attr)
    return attr


def note_lines(note: str) -> str:
    """The user's note as wrapped plain lines (control characters shown as escapes)."""
    note = str(note or "").strip()[:NOTE_LIMIT]
    lines: list[str] = []
    for para in note.splitlines():
        clean = plain_text(para, limit=NOTE_LIMIT)
        lines.extend(textwrap.wrap(clean, NOTE_WIDTH) or [""])
    return "\n".join(lines)


def payload_figure(
    payload: Mapping[str, Any],
    *,
    sign: str = "signed",
    colormap: str = "RdBu_r",
    clip_percentile: float = 99.0,
    opacity: float = 0.6,
    top_k: int = 10,
    note: str = "",
    extra: str = "",
) -> Figure:
    """Draw a widget payload (docs/architecture.md) as the view shows it.

    Images: the input, the heatmap with its colour bar, and the overlay; text: the
    highlighted tokens; tabular: the top-k signed bars. The caption gives the settings,
    F(x), F(x'), the sum and the delta; ``extra`` (one line) and the user's ``note``
    follow it. Raises ``ValueError`` for an empty or malformed payload.
    """
    if not payload or "kind" not in payload:
        raise ValueError("there is no result to draw yet; call wait() first.")
    kind = payload["kind"]
    readout = dict(payload.get("readout") or {})
    if extra:
        readout["note"] = extra
    attr = _display_attr(decode_array(payload["attr"]).astype(np.float64), sign)
    common = {"readout": readout, "cmap": colormap}
    if kind == "image":
        fig = draw_image(
            decode_array(payload["image"]),
            attr,
            clip_percentile=clip_percentile,
            opacity=opacity,
            **common,
        )
    elif kind == "text":
        fig = draw_tokens(list(payload["tokens"]), attr, clip_percentile=clip_percentile, **common)
    elif kind == "tabular":
        fig = draw_bars(
            list(payload["names"]), decode_array(payload["values"]), attr, top_k=top_k, **common
        )
    else:
        raise ValueError(f"unknown payload kind {kind!r}.")
    text = note_lines(note)
    if text:
        # below the drawing: the saved files are cut to what is drawn, so they grow to it
        fig.text(
            0.01,
            -0.02,
            "Note: " + text,
            ha="left",
            va="top",
            fontsize=CAPTION_SIZE,
            color="#222222",
            style="italic",
            parse_math=False,
        )
    return fig


def figure_bytes(fig: Figure, fmt: str = "png", dpi: float | None = None) -> bytes:
    """``fig`` as PNG, SVG or PDF bytes, white background, cut to what is drawn."""
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, dpi=dpi, facecolor="white", bbox_inches="tight", pad_inches=0.1)
    return buf.getvalue()


#: the notebook's picture: small, since every output keeps one (images as JPEG: a
#: heatmap of a photograph is noise to PNG's compression, several times larger)
NOTEBOOK_DPI = 80
JPEG_QUALITY = 80


def notebook_picture(settings: Mapping[str, Any]) -> tuple[str, bytes]:
    """``(mime type, bytes)`` of the picture a notebook output keeps, for
    ``payload_figure(**settings)``: JPEG for images, PNG for tokens and bars."""
    fig = payload_figure(**settings)
    if settings["payload"].get("kind") == "image":
        buf = io.BytesIO()
        fig.savefig(
            buf,
            format="jpeg",
            dpi=NOTEBOOK_DPI,
            facecolor="white",
            bbox_inches="tight",
            pad_inches=0.1,
            pil_kwargs={"quality": JPEG_QUALITY},
        )
        return "image/jpeg", buf.getvalue()
    return "image/png", figure_bytes(fig, "png", dpi=NOTEBOOK_DPI)
