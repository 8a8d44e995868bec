"""Feature attributions as signed horizontal bars: the top k by magnitude, largest first."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.colors import Colormap
from matplotlib.figure import Figure

from .style import (
    DEFAULT_CMAP,
    add_caption,
    add_colorbar,
    as_array,
    caption_line,
    centred_norm,
    colormap,
    new_figure,
    plain_text,
)


def top_features(attr: np.ndarray, top_k: int) -> np.ndarray:
    """Indices of the ``top_k`` largest |attr|, largest first (ties in index order; NaN
    last)."""
    if isinstance(top_k, bool) or not isinstance(top_k, (int, np.integer)) or top_k < 1:
        raise ValueError(f"top_k={top_k!r} must be a whole number >= 1, such as 10.")
    mag = np.abs(attr)
    mag = np.where(np.isnan(mag), -1.0, mag)
    return np.argsort(-mag, kind="stable")[: int(top_k)]


def _value(v: float) -> str:
    return f"{v:.3g}"


def draw_bars(
    names: Sequence[str] | None,
    values: Any,
    attr: Any,
    *,
    readout: Mapping[str, Any] | None = None,
    top_k: int = 10,
    cmap: str | Colormap = DEFAULT_CMAP,
    clip_percentile: float = 100.0,
    title: str | None = None,
) -> Figure:
    """Horizontal bars of the ``top_k`` attributions by magnitude, signed and coloured.

    Args:
        names: one label per feature (drawn as plain text), or None for "feature i".
        values: the input's value per feature (shown beside its name), or None.
        attr: (F,) attributions.
        readout: numbers and settings for the caption (see ``caption_line``).
        top_k: how many bars (the caption says how many features there are).
        cmap, clip_percentile: the colour scale, centred at 0 (100: the largest bar is
            full colour).
        title: a line above the bars.
    """
    a = as_array(attr, "attr").reshape(-1)
    n = a.shape[0]
    if names is not None:
        if isinstance(names, str) or len(names) != n:
            raise ValueError(
                f"names must hold one label per feature ({n}), got "
                f"{'a string' if isinstance(names, str) else len(names)}."
            )
    vals = None if values is None else as_array(values, "values").reshape(-1)
    if vals is not None and vals.shape[0] != n:
        raise ValueError(f"values has {vals.shape[0]} entries for {n} attributions.")
    order = top_features(a, top_k)
    cm, norm = colormap(cmap), centred_norm(a, clip_percentile)
    labels = []
    for i in order:
        label = plain_text(names[i], 40) if names is not None else f"feature {i}"
        if vals is not None:
            label += f" = {_value(vals[i])}"
        labels.append(label)
    readout = dict(readout or {})
    if len(order) < n:
        note = f"top {len(order)} of {n} features by |attribution|"
        readout["note"] = f"{readout['note']}; {note}" if readout.get("note") else note
    caption = caption_line(readout)
    lines = caption.count("\n") + 1 if caption else 0
    height = 1.0 + 0.32 * len(order) + 0.2 * lines + (0.3 if title else 0.0)
    fig = new_figure(8.0, height)
    longest = max((len(s) for s in labels), default=8)
    fig.subplots_adjust(
        left=min(0.45, 0.06 + 0.0115 * longest),
        right=0.95,
        top=1.0 - (0.45 if title else 0.15) / height,
        bottom=(0.55 + 0.2 * lines) / height,
    )
    ax = fig.add_subplot()
    ys = np.arange(len(order))[::-1]
    heights = np.nan_to_num(a[order])
    ax.barh(ys, heights, color=[cm(norm(v)) for v in heights], edgecolor="#555555", lw=0.5)
    ax.axvline(0.0, color="#333333", lw=0.8)
    ax.set_yticks(ys)
    ax.set_yticklabels(labels, fontsize=8.5)
    for t in ax.get_yticklabels():
        t.set_parse_math(False)
    span = float(np.max(np.abs(heights))) if heights.size else 1.0
    span = span if span > 0 else 1.0
    ax.set_xlim(-1.3 * span, 1.3 * span)
    for y, v in zip(ys, a[order], strict=True):
        ax.text(
            v + (0.02 * span if v >= 0 else -0.02 * span),
            y,
            f"{v:+.3g}",
            va="center",
            ha="left" if v >= 0 else "right",
            fontsize=7.5,
            parse_math=False,
        )
    ax.set_xlabel("attribution (towards the target +, against -)", fontsize=8)
    ax.tick_params(axis="x", labelsize=7.5)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    add_colorbar(fig, ax, norm, cm, fraction=0.03, pad=0.02)
    if title:
        fig.suptitle(plain_text(title, 100), fontsize=10, parse_math=False)
    add_caption(fig, readout)
    return fig
