"""What a widget output holds for readers without the widget: a picture and true text.

A notebook opened without a kernel (GitHub's preview, nbviewer, an exported page with
scripts off) cannot run the view. Each widget output therefore carries, beside the
widget view, the current view as ``image/png`` (``image/jpeg`` for images, several times
smaller for a heatmap; caption, delta and note drawn in) and a
``text/plain`` line that says what was computed. ``IGWidget`` refreshes them with
``update_display`` when a result lands. There is no ``text/html`` copy: every viewer
that renders HTML also renders the PNG, and a second base64 copy of the picture would
double the size of every saved output.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Mapping
from typing import Any

VIEW_MIME = "application/vnd.jupyter.widget-view+json"


def _num(v: Any) -> str:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return "?"
    return f"{f:.4g}" if math.isfinite(f) else "?"


def summary_line(
    modality: str, status: str, readout: Mapping[str, Any] | None, error: str = "", note: str = ""
) -> str:
    """The ``text/plain`` line: what the view shows, and whether it is final."""
    if status == "error":
        head = f"IGWidget({modality}, failed: {error.splitlines()[0] if error else 'error'}"
    elif not readout:
        head = f"IGWidget({modality}, computing: no result yet"
    else:
        r = readout
        state = "finished" if status == "idle" else "refining (a finer result is coming)"
        label = r.get("target_label")
        target = f"target {r.get('target')}"
        if label not in (None, "", str(r.get("target"))):
            target += f" {label!r}"
        settings = []
        if r.get("n_steps") is not None:
            settings.append(f"{r['n_steps']} steps")
        settings += [f"{k}={r[k]!r}" for k in ("method", "baseline", "path") if r.get(k)]
        head = (
            f"IGWidget({modality}, {state}: {target}, F(x)={_num(r.get('output'))}, "
            f"F(x')={_num(r.get('baseline_output'))}, delta={_num(r.get('delta'))}"
            + (", " + ", ".join(settings) if settings else "")
        )
    if note:
        short = " ".join(str(note).split())
        head += f", note={short[:80] + ('…' if len(short) > 80 else '')!r}"
    return head + ")"


def mime_bundle(
    view: Mapping[str, Any] | None, text: str, picture: tuple[str, bytes] | None
) -> dict:
    """The output's data: the widget view (when given), the picture ``(mime, bytes)``
    and the line."""
    data: dict[str, Any] = {"text/plain": text}
    if view:
        data[VIEW_MIME] = dict(view)
    if picture:
        mime, raw = picture
        data[mime] = base64.b64encode(raw).decode("ascii")
    return data
