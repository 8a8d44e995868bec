"""The image paths the widget offers beyond the straight line: Guided IG, Blur IG, and
the extremal and all-orderings paths over a grid of patches (feature groups).

Guided IG builds its own path from the gradients in ``GUIDED_STEPS`` steps (the
steps and method controls do not apply); Blur IG goes from a Gaussian blur of the
input (sigma ``BLUR_SIGMA`` pixels) to the input and makes its own baseline, so the
baseline select does not apply to it. Moving pixels one at a time is hopeless, so the
extremal and all-orderings paths move a grid of patches, each patch as one feature (its
value shared evenly among its pixels, so the heatmap shows the patches): by default
``GRID`` x ``GRID``, and the patch-size control offers the sizes of ``patch_sizes``
(``GRIDS`` patches per side). All orderings enumerates every order of up to
``EXACT_PATCHES`` patches and samples ``PATCH_SAMPLES`` orders above that, whatever the
size. Each says so in the readout's ``path_detail``.

Instead of the grid, the user can give segments (``IGWidget(..., segments=labels)``, an
integer (H, W) label map such as superpixels): ``check_segments`` relabels them 0..G-1
(at most ``MAX_SEGMENTS`` groups), and the patch-size value ``SEGMENTS`` picks them.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch

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

#: patches per side of the sizes the patch-size control offers (up to 256 patches: the
#: extremal path costs one forward pass per patch)
GRIDS = (2, 3, 4, 6, 8, 12, 16)

#: the patch-size value that picks the user's segments instead of a grid, and the most
#: segments accepted (as many as the finest grid offered)
SEGMENTS = -1
MAX_SEGMENTS = 256

#: the image path names after "straight"
IMAGE_PATHS = ("guided", "blur", "extremal", "all_orderings")
#: the paths that move patches (the patch-size control applies to them)
GROUPED_PATHS = ("extremal", "all_orderings")


def default_patch(height: int, width: int) -> int:
    """The patch size of the default ``GRID`` x ``GRID`` grid, in pixels."""
    return max(1, math.ceil(max(height, width) / GRID))


def patch_sizes(height: int, width: int) -> list[int]:
    """The patch sizes (pixels) offered for an image, the default first, then from the
    largest patches (fewest groups) to the smallest; sizes that give the same grid
    appear once."""
    side = max(height, width)
    sizes = sorted({max(1, math.ceil(side / g)) for g in GRIDS}, reverse=True)
    first = default_patch(height, width)
    return [first] + [s for s in sizes if s != first]


def patch_grid(height: int, width: int, patch: int = 0) -> tuple[int, int, int]:
    """(patch size in pixels, rows, columns) of the grid the grouped paths move;
    ``patch=0`` is the default grid."""
    size = int(patch) or default_patch(height, width)
    return size, math.ceil(height / size), math.ceil(width / size)


def check_segments(segments: Any, height: int, width: int) -> torch.Tensor:
    """The user's ``segments=`` as a long (H, W) label map numbered 0..G-1 in increasing
    label order (labels need not be contiguous); a clear error when it cannot be one."""
    fix = (
        f"pass an integer label map shaped ({height}, {width}), one group label per pixel "
        "(e.g. skimage.segmentation.slic(picture, start_label=0))"
    )
    if isinstance(segments, torch.Tensor):
        seg = segments.detach().cpu()
    elif isinstance(segments, np.ndarray | list | tuple):
        try:
            seg = torch.as_tensor(np.asarray(segments))
        except (TypeError, ValueError):
            raise TypeError(f"segments= could not be read as an array; {fix}.") from None
    else:
        raise TypeError(
            f"segments= must be a numpy array or tensor, got {type(segments).__name__}; {fix}."
        )
    if seg.dtype == torch.bool or seg.is_floating_point() or seg.is_complex():
        raise TypeError(f"segments= holds {seg.dtype} values, not integer labels; {fix}.")
    if tuple(seg.shape) != (height, width):
        raise ValueError(
            f"segments= has shape {tuple(seg.shape)} but the image is {height} x {width} "
            f"pixels; {fix}."
        )
    _, labels = torch.unique(seg.to(torch.long), return_inverse=True)
    count = int(labels.max()) + 1
    if count > MAX_SEGMENTS:
        raise ValueError(
            f"segments= has {count} groups, more than {MAX_SEGMENTS} (the extremal path costs "
            "one forward pass per group); merge segments, e.g. slic(..., n_segments=50)."
        )
    return labels.reshape(height, width)


def _groups(
    height: int, width: int, patch: int, segments: torch.Tensor | None
) -> tuple[torch.Tensor, int, str]:
    """(label map, number of groups, how the settings line names them)."""
    if patch == SEGMENTS:
        if segments is None:
            raise ValueError("patch_size=-1 (given segments) needs IGWidget(..., segments=).")
        count = int(segments.max()) + 1
        return segments, count, f"{count} given segment{'s' if count != 1 else ''}"
    size, rows, cols = patch_grid(height, width, patch)
    return patch_segments(height, width, size), rows * cols, f"{rows} × {cols} patches of {size} px"


def image_path(
    name: str, height: int, width: int, patch: int = 0, segments: torch.Tensor | None = None
) -> Path | None:
    """The engine path for ``name``, or None for a name this module does not offer;
    ``patch``: the grouped paths' patch size in pixels (0: the default grid;
    ``SEGMENTS``: ``segments``, a label map from ``check_segments``)."""
    if name == "guided":
        return GuidedPath(steps=GUIDED_STEPS)
    if name == "blur":
        return BlurPath(max_sigma=BLUR_SIGMA)
    if name in GROUPED_PATHS:
        seg, count, _ = _groups(height, width, patch, segments)
        if name == "extremal":
            return Extremal(groups=seg)
        if count <= EXACT_PATCHES:
            return AllOrderings(groups=seg)
        return AllOrderings(samples=PATCH_SAMPLES, groups=seg)
    return None


def image_path_detail(
    name: str, height: int, width: int, patch: int = 0, segments: torch.Tensor | None = None
) -> str:
    """What the settings line says about ``name`` ("" for the straight line)."""
    if name == "guided":
        return f"{GUIDED_STEPS} gradient steps, lowest-gradient pixels moved first"
    if name in GROUPED_PATHS:
        _, count, groups = _groups(height, width, patch, segments)
        if name == "extremal":
            unit = "segment" if patch == SEGMENTS else "patch"
            return f"{groups}, one forward pass per {unit}"
        if count <= EXACT_PATCHES:
            return f"exact over all orders of {groups}"
        return f"estimate from {PATCH_SAMPLES} sampled orders of {groups}"
    return ""
