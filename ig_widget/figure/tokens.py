"""A text's attribution: the tokens in reading order, each on its attribution's colour."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.colors import Colormap
from matplotlib.figure import Figure

from .style import (
    DEFAULT_CMAP,
    add_caption,
    as_array,
    caption_line,
    centred_norm,
    colormap,
    new_figure,
    plain_text,
)

#: the most tokens drawn; longer texts show their first ``MAX_TOKENS`` and say so
MAX_TOKENS = 512
FONT_SIZE = 11
WIDTH = 8.0  # inches
MARGIN = 0.15  # inches
GAP = 0.07  # inches between tokens
ROW = 0.34  # inches per line of tokens


def token_scores(attr: Any, n_tokens: int | None = None) -> np.ndarray:
    """One number per token: ``attr`` (T,), or (T, D) (embeddings) summed over D."""
    a = as_array(attr, "attr")
    if a.ndim == 2:
        a = a.sum(axis=1)
    if a.ndim != 1:
        raise ValueError(
            f"attr has shape {a.shape}; token attributions are (T,) or (T, D) for T tokens."
        )
    if n_tokens is not None and a.shape[0] != n_tokens:
        raise ValueError(
            f"{n_tokens} tokens but {a.shape[0]} attributions; pass one token string per position."
        )
    return a


def _luminance(rgba: tuple) -> float:
    r, g, b = rgba[:3]
    return 0.299 * r + 0.587 * g + 0.114 * b


def _measure(strings: list[str]) -> list[float]:
    """The drawn width of each string in inches, at ``FONT_SIZE``."""
    scratch = new_figure(WIDTH, 1.0)
    renderer = scratch.canvas.get_renderer()
    widths = []
    for s in strings:
        t = scratch.text(0, 0, s, fontsize=FONT_SIZE, parse_math=False)
        widths.append(t.get_window_extent(renderer).width / scratch.dpi)
        t.remove()
    return widths


def draw_tokens(
    tokens: Sequence[str],
    attr: Any,
    *,
    readout: Mapping[str, Any] | None = None,
    cmap: str | Colormap = DEFAULT_CMAP,
    clip_percentile: float = 99.0,
    title: str | None = None,
    max_tokens: int = MAX_TOKENS,
) -> Figure:
    """Tokens laid out like text, each on a box coloured by its attribution, with a colour
    bar and the caption.

    Args:
        tokens: one string per position (drawn as plain text: markup and ``$`` stay
            literal, control characters are shown as escapes).
        attr: (T,) attributions, or (T, D) summed over D.
        readout: numbers and settings for the caption (see ``caption_line``).
        cmap, clip_percentile: the colour scale, centred at 0.
        title: a line above the tokens.
        max_tokens: draw at most this many (the caption says how many were left out).
    """
    if isinstance(tokens, str) or not isinstance(tokens, Sequence):
        raise TypeError(
            f"tokens must be a list of strings (one per position), got {type(tokens).__name__}."
        )
    scores = token_scores(attr, len(tokens))
    cm, norm = colormap(cmap), centred_norm(scores, clip_percentile)
    shown = [plain_text(s, 40) or "\u2205" for s in tokens[:max_tokens]]
    widths = _measure(shown)
    pad = 0.05  # inches of box around the text
    rows: list[list[int]] = [[]]
    x = MARGIN
    for i, w in enumerate(widths):
        if rows[-1] and x + w + 2 * pad > WIDTH - MARGIN:
            rows.append([])
            x = MARGIN
        rows[-1].append(i)
        x += w + 2 * pad + GAP
    readout = dict(readout or {})
    if len(tokens) > max_tokens:
        note = f"first {max_tokens} of {len(tokens)} tokens shown"
        readout["note"] = f"{readout['note']}; {note}" if readout.get("note") else note
    caption = caption_line(readout)
    lines = caption.count("\n") + 1 if caption else 0
    top = 0.45 if title else 0.15
    bar_block = 0.55
    bottom = 0.15 + 0.2 * lines
    height = top + ROW * len(rows) + bar_block + bottom
    fig = new_figure(WIDTH, height)
    inches = fig.dpi_scale_trans
    if title:
        fig.text(
            MARGIN,
            height - 0.3,
            plain_text(title, 100),
            fontsize=10,
            parse_math=False,
            transform=inches,
        )
    for r, row in enumerate(rows):
        y = height - top - ROW * (r + 0.5)
        x = MARGIN + pad
        for i in row:
            colour = cm(norm(scores[i]))
            fig.text(
                x,
                y,
                shown[i],
                fontsize=FONT_SIZE,
                va="center",
                ha="left",
                parse_math=False,
                color="white" if _luminance(colour) < 0.45 else "black",
                transform=inches,
                bbox={
                    "boxstyle": f"square,pad={pad / (FONT_SIZE / 72):.2f}",
                    "fc": colour,
                    "ec": "none",
                },
            )
            x += widths[i] + 2 * pad + GAP
    from matplotlib.cm import ScalarMappable

    cax = fig.add_axes(
        (0.25, (bottom + 0.22) / height, 0.5, 0.12 / height),
    )
    bar = fig.colorbar(ScalarMappable(norm=norm, cmap=cm), cax=cax, orientation="horizontal")
    bar.set_label("attribution", fontsize=8)
    bar.ax.tick_params(labelsize=7)
    add_caption(fig, readout)
    return fig
