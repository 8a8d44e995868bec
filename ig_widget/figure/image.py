"""An image's attribution: the input, the heatmap, and the heatmap laid over the input."""

from __future__ import annotations

from collections.abc import Mapping
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

CHANNELS = (1, 3, 4)


def heat_plane(attr: Any) -> np.ndarray:
    """Attributions of an image, (C, H, W), (1, C, H, W) or (H, W), summed over channels
    to one (H, W) plane."""
    a = as_array(attr, "attr")
    if a.ndim == 4 and a.shape[0] == 1:
        a = a[0]
    if a.ndim == 3:
        if a.shape[0] not in CHANNELS:
            raise ValueError(
                f"attr has shape {a.shape}; an image attribution is (C, H, W) with C in 1, 3, "
                "4 (channels first), or (H, W)."
            )
        a = a.sum(axis=0)
    if a.ndim != 2:
        raise ValueError(
            f"attr has shape {a.shape}; an image attribution is (C, H, W), (1, C, H, W) or (H, W)."
        )
    return a


def display_image(img: Any, shape: tuple[int, int]) -> np.ndarray:
    """The input as an (H, W) or (H, W, 3|4) array in [0, 1] for ``imshow``.

    Float tensors are channels first ((C, H, W) or (1, C, H, W), as models take them) and
    are stretched to [0, 1] per image, since inputs are often standardised; uint8 arrays
    may be channels last ((H, W, C), as the widget's payload holds them) and are divided
    by 255.
    """
    raw = img.detach().cpu().numpy() if hasattr(img, "detach") else np.asarray(img)
    is_bytes = raw.dtype == np.uint8
    a = raw.astype(np.float64)
    if a.ndim == 4 and a.shape[0] == 1:
        a = a[0]
    if a.ndim == 3 and not (is_bytes and a.shape[-1] in CHANNELS and a.shape[0] not in CHANNELS):
        if a.shape[0] not in CHANNELS:
            raise ValueError(
                f"img has shape {raw.shape}; pass (C, H, W) with C in 1, 3, 4, or uint8 (H, W, C)."
            )
        a = np.moveaxis(a, 0, -1)
    if a.ndim == 3 and a.shape[-1] == 1:
        a = a[..., 0]
    if a.shape[:2] != shape:
        raise ValueError(
            f"img is {a.shape[0]}x{a.shape[1]} pixels but attr is {shape[0]}x{shape[1]}; "
            "pass the input the attributions were computed for."
        )
    if is_bytes:
        return a / 255.0
    finite = a[np.isfinite(a)]
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    a = (np.nan_to_num(a, nan=lo) - lo) / (hi - lo) if hi > lo else np.zeros_like(a)
    return np.clip(a, 0.0, 1.0)


def _grey(img: np.ndarray) -> np.ndarray:
    if img.ndim == 2:
        return img
    return img[..., :3] @ np.array([0.299, 0.587, 0.114]) if img.shape[-1] >= 3 else img[..., 0]


def draw_image(
    img: Any,
    attr: Any,
    *,
    readout: Mapping[str, Any] | None = None,
    cmap: str | Colormap = DEFAULT_CMAP,
    clip_percentile: float = 99.0,
    opacity: float = 0.6,
    title: str | None = None,
) -> Figure:
    """The input, its attribution heatmap with a colour bar, and the heatmap over the input.

    Args:
        img: the input image ((C, H, W), (1, C, H, W), or uint8 (H, W, C)), or None to
            draw the heatmap alone.
        attr: its attributions, same shape as the image (summed over channels), or (H, W).
        readout: numbers and settings for the caption (see ``caption_line``).
        cmap: a diverging colour map; 0 sits in its middle.
        clip_percentile: the |attribution| percentile drawn at full colour.
        opacity: the heatmap's opacity over the (grey) input in the third panel.
        title: a title above the panels.
    """
    plane = heat_plane(attr)
    shown = None if img is None else display_image(img, plane.shape)
    cm, norm = colormap(cmap), centred_norm(plane, clip_percentile)
    panels = 1 if shown is None else 3
    caption = caption_line(readout)
    lines = caption.count("\n") + 1 if caption else 0
    width = max(6.0, 3.4 * panels + 1.2)
    height = 3.6 + 0.2 * lines + (0.3 if title else 0.0)
    fig = new_figure(width, height)
    fig.subplots_adjust(
        left=0.02,
        right=0.93,
        top=1.0 - (0.5 if title else 0.25) / height,
        bottom=(0.15 + 0.2 * lines) / height,
        wspace=0.08,
    )
    axes = fig.subplots(1, panels, squeeze=False)[0]
    heat_ax = axes[0]
    if shown is not None:
        axes[0].imshow(shown, cmap="gray" if shown.ndim == 2 else None, vmin=0, vmax=1)
        axes[0].set_title("input", fontsize=9)
        heat_ax = axes[1]
        axes[2].imshow(_grey(shown), cmap="gray", vmin=0, vmax=1)
        axes[2].imshow(plane, cmap=cm, norm=norm, alpha=opacity)
        axes[2].set_title("over the input", fontsize=9)
    heat_ax.imshow(plane, cmap=cm, norm=norm, interpolation="nearest")
    heat_ax.set_title("attribution (sum over channels)", fontsize=9)
    for ax in axes:
        ax.set_xticks([])
        ax.set_yticks([])
    add_colorbar(fig, list(axes), norm, cm, fraction=0.025, pad=0.02)
    if title:
        fig.suptitle(plain_text(title, 100), fontsize=10, parse_math=False)
    add_caption(fig, readout)
    return fig
