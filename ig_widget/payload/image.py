"""Image payload: the input as RGBA for display and the attribution per pixel."""

from __future__ import annotations

import numpy as np

from .._serialize import encode_array


def to_rgba(image: np.ndarray) -> np.ndarray:
    """(C, H, W) input -> (H, W, 4) uint8 RGBA for display.

    Values already in [0, 1] are scaled by 255; anything else (normalised inputs, 0..255
    pixels) is min-max scaled over the whole image, so colours keep their balance.
    One channel is replicated to grey, two are averaged to grey, three or more use the
    first three as RGB; alpha is always opaque.
    """
    a = np.asarray(image, dtype=np.float64)
    if a.ndim != 3:
        raise ValueError(f"to_rgba needs a (C, H, W) image, got shape {a.shape}.")
    c, h, w = a.shape
    if not np.isfinite(a).all():
        a = np.nan_to_num(a, nan=0.0, posinf=0.0, neginf=0.0)
    lo, hi = (float(a.min()), float(a.max())) if a.size else (0.0, 1.0)
    if lo >= 0.0 and hi <= 1.0:
        scaled = a
    elif hi > lo:
        scaled = (a - lo) / (hi - lo)
    else:
        scaled = np.zeros_like(a)
    if c >= 3:
        rgb = scaled[:3]
    else:
        grey = scaled.mean(axis=0, keepdims=True)
        rgb = np.repeat(grey, 3, axis=0)
    out = np.empty((h, w, 4), dtype=np.uint8)
    out[..., :3] = np.clip(np.round(rgb.transpose(1, 2, 0) * 255.0), 0, 255).astype(np.uint8)
    out[..., 3] = 255
    return out


def image_payload(rgba: np.ndarray, attr: np.ndarray, encoded: dict | None = None) -> dict:
    """``kind``, ``height``, ``width``, ``image`` (the RGBA from ``to_rgba``) and ``attr``
    (float32 (H, W), the attribution summed over channels). ``encoded``: ``rgba`` already
    encoded with ``encode_array``, so results for one image share its bytes."""
    attr = np.asarray(attr)
    if attr.ndim == 3:
        attr = attr.sum(axis=0)
    h, w = attr.shape
    if rgba.shape != (h, w, 4):
        raise ValueError(f"image of shape {rgba.shape} does not match attributions {attr.shape}.")
    if encoded is None:
        encoded = encode_array(rgba.astype(np.uint8, copy=False))
    return {
        "kind": "image",
        "height": int(h),
        "width": int(w),
        "image": encoded,
        "attr": encode_array(attr.astype(np.float32)),
    }


def pixel_name(index: int, width: int) -> str:
    """Name of the flattened pixel ``index``: "x 2, y 1" (x the column, y the row), so a
    legend says which number is which."""
    y, x = divmod(int(index), int(width))
    return f"x {x}, y {y}"
