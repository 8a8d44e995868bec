"""What every drawing shares: an Agg figure, a colour scale centred at 0, the caption.

Figures are ``matplotlib.figure.Figure`` objects with an Agg canvas attached by hand, so
drawing never touches pyplot's global figure list or the notebook's backend. The colour
scale is symmetric, [-v, v] with v the ``clip_percentile`` of |attribution|, so white
always means zero and red/blue mean for/against the target.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import Colormap, Normalize
from matplotlib.figure import Figure

#: the default colour map: diverging, red = positive (towards the target), blue = negative
DEFAULT_CMAP = "RdBu_r"
#: caption font size in points
CAPTION_SIZE = 8.5


def new_figure(width: float, height: float, dpi: float = 100.0) -> Figure:
    """An empty figure of ``width`` x ``height`` inches drawn by Agg, outside pyplot."""
    fig = Figure(figsize=(width, height), dpi=dpi)
    FigureCanvasAgg(fig)
    return fig


def to_png(fig: Figure, dpi: float | None = None) -> bytes:
    """The figure as PNG bytes: white background, trimmed to what is drawn (and widened
    to it: a long caption or colour-bar label is never cut off)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, facecolor="white", bbox_inches="tight", pad_inches=0.1)
    return buf.getvalue()


def as_array(a: Any, name: str) -> np.ndarray:
    """``a`` (a tensor, array or sequence of numbers) as a float64 numpy array."""
    if hasattr(a, "detach"):  # a torch tensor, without importing torch here
        a = a.detach().cpu()
        if getattr(a, "is_complex", lambda: False)():
            raise TypeError(f"{name} is complex; pass real attributions.")
        a = a.double().numpy()
    try:
        out = np.asarray(a, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise TypeError(
            f"{name} must be an array of numbers (a numpy array or a torch tensor), got "
            f"{type(a).__name__}."
        ) from err
    return out


def colour_limit(attr: np.ndarray, clip_percentile: float = 99.0) -> float:
    """The |attribution| mapped to full colour: its ``clip_percentile``, never 0 or NaN."""
    if not 0.0 < clip_percentile <= 100.0:
        raise ValueError(
            f"clip_percentile={clip_percentile!r} is outside (0, 100]; 99 keeps a few "
            "outliers from washing out the rest, 100 uses the largest value."
        )
    finite = np.abs(attr[np.isfinite(attr)])
    if finite.size == 0:
        return 1.0
    v = float(np.percentile(finite, clip_percentile))
    if not v > 0.0:
        v = float(finite.max())
    return v if v > 0.0 else 1.0


def centred_norm(attr: np.ndarray, clip_percentile: float = 99.0) -> Normalize:
    """A colour normalisation over [-v, v]: zero sits in the middle of the map."""
    v = colour_limit(attr, clip_percentile)
    return Normalize(vmin=-v, vmax=v, clip=True)


def colormap(cmap: str | Colormap) -> Colormap:
    """A matplotlib colour map by name (or the map itself)."""
    import matplotlib

    if isinstance(cmap, Colormap):
        return cmap
    try:
        return matplotlib.colormaps[cmap]
    except KeyError as err:
        raise ValueError(
            f"cmap={cmap!r} is not a matplotlib colour map; use a diverging one such as "
            f"{DEFAULT_CMAP!r}, 'coolwarm' or 'PiYG'."
        ) from err


def plain_text(s: Any, limit: int = 60) -> str:
    """An untrusted string made safe to draw on one line: control characters shown as
    escapes, long strings cut with an ellipsis. (Math parsing is turned off where it is
    drawn, so ``$`` stays a dollar sign.)"""
    s = str(s)
    out = []
    for ch in s:
        if ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif ord(ch) < 32 or ord(ch) == 127:
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(ch)
    s = "".join(out)
    return s if len(s) <= limit else s[: limit - 1] + "\u2026"


def _num(v: Any) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f


def _fmt(v: float) -> str:
    return f"{v:.4g}" if math.isfinite(v) else str(v)


def _percent(rel: float) -> str:
    return f"{rel:.2%}" if rel >= 1e-4 or rel == 0 else f"{rel * 100:.1e}%"


def caption_line(readout: Mapping[str, Any] | None) -> str:
    """One or two lines saying what was computed and how exact it is.

    ``readout`` takes the widget payload's keys (all optional): ``target``,
    ``target_label``, ``n_steps``, ``method``, ``baseline``, ``path``, ``n_evals``,
    ``output``, ``baseline_output``, ``sum``, ``delta``, plus ``example`` (a short note
    such as "example 1 of 4") and ``note``. The completeness error is
    |delta| / |F(x) - F(x')|.
    """
    r = dict(readout or {})
    settings = []
    if r.get("example"):
        settings.append(plain_text(r["example"]))
    if r.get("target") is not None:
        label = r.get("target_label")
        target = f"target {r['target']}"
        if label not in (None, "", str(r["target"])):
            target += f" ({plain_text(label, 30)})"
        settings.append(target)
    if r.get("n_steps") is not None:
        settings.append(f"{r['n_steps']} steps")
    for key in ("method", "baseline", "path"):
        if r.get(key):
            settings.append(f"{key} {plain_text(r[key], 30)}")
    if r.get("n_evals") is not None:
        settings.append(f"{r['n_evals']} gradient evaluations")
    numbers = []
    out, base = _num(r.get("output")), _num(r.get("baseline_output"))
    total, delta = _num(r.get("sum")), _num(r.get("delta"))
    if out is not None:
        numbers.append(f"F(x) = {_fmt(out)}")
    if base is not None:
        numbers.append(f"F(x') = {_fmt(base)}")
    if total is not None:
        numbers.append(f"sum of attributions = {_fmt(total)}")
    if delta is not None:
        text = f"delta = {delta:+.3g}"
        if out is not None and base is not None and abs(out - base) > 0:
            text += f" (completeness error {_percent(abs(delta) / abs(out - base))})"
        numbers.append(text)
    lines = [" \u00b7 ".join(settings), "   ".join(numbers)]
    if r.get("note"):
        lines.append(plain_text(r["note"], 120))
    return "\n".join(line for line in lines if line)


def add_caption(fig: Figure, readout: Mapping[str, Any] | None) -> None:
    """The caption under the drawing, left-aligned."""
    text = caption_line(readout)
    if text:
        fig.text(
            0.01,
            0.01,
            text,
            ha="left",
            va="bottom",
            fontsize=CAPTION_SIZE,
            color="#333333",
            parse_math=False,
        )


def add_colorbar(fig: Figure, ax: Any, norm: Normalize, cmap: Colormap, **kw: Any) -> None:
    """A colour bar for ``norm``/``cmap`` beside ``ax``, labelled "attribution"."""
    from matplotlib.cm import ScalarMappable

    bar = fig.colorbar(ScalarMappable(norm=norm, cmap=cmap), ax=ax, **kw)
    bar.set_label("attribution", fontsize=8)
    bar.ax.tick_params(labelsize=7)
