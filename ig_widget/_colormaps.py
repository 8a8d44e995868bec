"""Colour lookup tables for the front end, taken from matplotlib.

Each colormap travels as 256 RGB triples (768 uint8 bytes); the front end maps an
attribution to a LUT position and never needs matplotlib's colour logic itself.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

#: centred at zero: for signed attributions
DIVERGING = ("RdBu_r", "coolwarm", "PiYG")
#: monotone: for positive, negative or absolute attributions
SEQUENTIAL = ("viridis", "magma", "Reds")
LUT_SIZE = 256


def lut(name: str) -> bytes:
    """The 256 RGB triples of matplotlib's colormap ``name`` as 768 bytes."""
    import matplotlib

    cmap = matplotlib.colormaps[name]
    rgba = cmap(np.linspace(0.0, 1.0, LUT_SIZE))
    return np.round(rgba[:, :3] * 255.0).astype(np.uint8).tobytes()


@lru_cache(maxsize=1)
def _tables() -> tuple[tuple[str, str, bytes], ...]:
    kinds = [(n, "diverging") for n in DIVERGING] + [(n, "sequential") for n in SEQUENTIAL]
    return tuple((name, kind, lut(name)) for name, kind in kinds)


def colormaps() -> dict[str, dict]:
    """``{name: {"kind": "diverging" | "sequential", "lut": bytes}}``, a fresh dict."""
    return {name: {"kind": kind, "lut": data} for name, kind, data in _tables()}
