"""Gallery cards: small pictures of examples and short texts, for one page at a time.

An image card carries the image as RGBA, shrunk to at most ``THUMB_SIDE`` pixels a side
(small images are sent as they are and scaled up in the page); a text card the first
tokens; a tabular card the first few ``name value`` pairs. Strings stay plain strings:
the page puts them in with ``textContent``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from torch.nn import functional as F

from ..payload.image import to_rgba

#: the longest side of an image thumbnail, in pixels
THUMB_SIDE = 64
#: tokens shown on a text card
TEXT_TOKENS = 24
#: features shown on a tabular card
TABULAR_FEATURES = 4


def shrink(image: torch.Tensor, side: int = THUMB_SIDE) -> torch.Tensor:
    """(C, H, W) or (B, C, H, W) float, area-averaged so the longest side is <= side."""
    batched = image.dim() == 4
    x = image if batched else image[None]
    h, w = int(x.shape[-2]), int(x.shape[-1])
    if max(h, w) > side:
        scale = side / max(h, w)
        size = (max(1, round(h * scale)), max(1, round(w * scale)))
        x = F.adaptive_avg_pool2d(x.float(), size)
    return x if batched else x[0]


def image_thumb(image: torch.Tensor) -> np.ndarray:
    """(h, w, 4) uint8 RGBA of a (C, H, W) image."""
    return to_rgba(shrink(image.detach().cpu().float()).numpy())


def text_snippet(tokens: Sequence[str], skip: Sequence[str] = ()) -> list[str]:
    """The first ``TEXT_TOKENS`` tokens, without padding tokens."""
    skip_set = set(skip)
    return [t for t in tokens if t not in skip_set][:TEXT_TOKENS]


def tabular_snippet(names: Sequence[str], values: np.ndarray) -> list[list[str]]:
    """[[name, formatted value], ...] for the first ``TABULAR_FEATURES`` features."""
    return [
        [str(n), f"{float(v):.3g}"]
        for n, v in list(zip(names, values, strict=True))[:TABULAR_FEATURES]
    ]
