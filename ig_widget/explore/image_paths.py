"""The image paths the widget offers beyond the straight line: Guided IG, Blur IG, and
the extremal and all-orderings paths over a grid of patches (feature groups).

Guided IG builds its own path from the gradients in ``GUIDED_STEPS`` steps (the
steps and method controls do not apply); Blur IG goes from a Gaussian blur of the
input (sigma ``BLUR_SIGMA`` pixels) to the input and makes its own baseline, so the
baseline select does not apply to it. Moving pixels one at a time is hopeless, so the
extremal and all-orderings paths move a ``GRID`` x ``GRID`` grid of patches, each patch as
one feature (its value shared evenly among its pixels, so the heatmap shows the patches);
all orderings enumerates up to 12 patches and samples ``PATCH_SAMPLES`` orders above
that. Each says so in the readout's ``path_detail``.
"""

from __future__ import annotations

import math

from ..engine.blur import BlurPath
from ..engine.groups import patch_segments
from ..engine.guided import GuidedPath
from ..engine.paths import AllOrderings, Extremal, Path

GUIDED_STEPS = 200
BLUR_SIGMA = 50.0

#: patches per side for the grouped paths, the most exactly enumerated, the samples above
GRID = 4
EXACT_PATCHES = 12
PATCH_SAMPLES = 64

#: the image path names after "straight"
IMAGE_PATHS = ("guided", "blur", "extremal", "all_orderings")


def patch_grid(height: int, width: int) -> tuple[int, int, int]:
    """(patch size in pixels, rows, columns) of the grid the grouped paths move."""
    size = max(1, math.ceil(max(height, width) / GRID))
    return size, math.ceil(height / size), math.ceil(width / size)


def image_path(name: str, height: int, width: int) -> Path | None:
    """The engine path for ``name``, or None for a name this module does not offer."""
    if name == "guided":
        return GuidedPath(steps=GUIDED_STEPS)
    if name == "blur":
        return BlurPath(max_sigma=BLUR_SIGMA)
    if name in ("extremal", "all_orderings"):
        size, rows, cols = patch_grid(height, width)
        seg = patch_segments(height, width, size)
        if name == "extremal":
            return Extremal(groups=seg)
        if rows * cols <= EXACT_PATCHES:
            return AllOrderings(groups=seg)
        return AllOrderings(samples=PATCH_SAMPLES, groups=seg)
    return None


def image_path_detail(name: str, height: int, width: int) -> str:
    """What the settings line says about ``name`` ("" for the straight line)."""
    if name == "guided":
        return f"{GUIDED_STEPS} gradient steps, lowest-gradient pixels moved first"
    if name in ("extremal", "all_orderings"):
        size, rows, cols = patch_grid(height, width)
        grid = f"{rows} × {cols} patches of {size} px"
        if name == "extremal":
            return f"{grid}, one forward pass per patch"
        if rows * cols <= EXACT_PATCHES:
            return f"exact over all orders of {grid}"
        return f"estimate from {PATCH_SAMPLES} sampled orders of {grid}"
    return ""
