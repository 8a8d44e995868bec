"""Feature groups for images: patches or superpixels that count as one feature.

A 224 x 224 image has 150,528 features; paths that move features one at a time
(``Extremal``) or average over their orders (``AllOrderings``) are hopeless at that size
and hard to read. Grouping pixels into segments (a grid of patches, or any integer label
map the user has, such as superpixels) makes a handful of players that move together:
``Extremal(groups=segments)``, ``AllOrderings(groups=segments)``. For display, any
per-pixel attribution can be summed per group with ``sum_by_group`` and painted back
with ``paint_groups``.

Segments are an integer tensor shaped like the trailing dimensions of one example, most
often (H, W) for (N, C, H, W) images: every channel of a pixel belongs to that pixel's
group. Labels can be any integers; groups are numbered 0..G-1 in increasing label order
(that numbering is what ``Extremal(order=...)`` and ``sum_by_group`` use).
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

Segments = torch.Tensor | Sequence[torch.Tensor]


def patch_segments(height: int, width: int, patch: int | tuple[int, int]) -> torch.Tensor:
    """A grid of patches as an (H, W) label map, numbered row by row.

    ``patch`` is the patch size in pixels (an int, or (rows, columns)); edge patches are
    smaller when the size does not divide the image.
    """
    ph, pw = (patch, patch) if isinstance(patch, int) else tuple(patch)
    for name, v in (("height", height), ("width", width), ("patch", ph), ("patch", pw)):
        if isinstance(v, bool) or not isinstance(v, int) or v < 1:
            raise ValueError(f"patch_segments: {name}={v!r} must be a positive int.")
    cols = -(-width // pw)
    rows = torch.arange(height) // ph
    return rows.view(-1, 1) * cols + (torch.arange(width) // pw).view(1, -1)


def _check_segments(seg: object, shape: tuple[int, ...], who: str) -> torch.Tensor:
    if not isinstance(seg, torch.Tensor) or seg.is_floating_point() or seg.is_complex():
        raise TypeError(
            f"{who}: segments must be an integer tensor of group labels (for images, "
            f"shaped (H, W)), got {type(seg).__name__}"
            + (f" {seg.dtype}" if isinstance(seg, torch.Tensor) else "")
            + "."
        )
    n = seg.dim()
    if n == 0 or n > len(shape) or tuple(seg.shape) != tuple(shape[len(shape) - n :]):
        raise ValueError(
            f"{who}: segments of shape {tuple(seg.shape)} do not match the trailing "
            f"dimensions of an example of shape {tuple(shape)}; for (N, C, H, W) images "
            "pass an (H, W) label map (patch_segments(H, W, size) makes a grid)."
        )
    return seg


def feature_groups(segments: Segments, example_shapes: Sequence[tuple[int, ...]]) -> torch.Tensor:
    """The group (0..G-1) of every flattened feature of the inputs, as a (d,) long tensor.

    ``segments``: one label map per input (a tensor for a single input), each shaped like
    the trailing dimensions of that input's examples and broadcast over the leading ones.
    """
    segs = (segments,) if isinstance(segments, torch.Tensor) else tuple(segments)
    if len(segs) != len(example_shapes):
        raise ValueError(
            f"groups: {len(segs)} label map(s) for {len(example_shapes)} input(s); pass one "
            "per input tensor."
        )
    flat = []
    for seg, shape in zip(segs, example_shapes, strict=True):
        seg = _check_segments(seg, tuple(shape), "groups")
        flat.append(seg.to(torch.long).cpu().expand(tuple(shape)).reshape(-1))
    _, inverse = torch.unique(torch.cat(flat), return_inverse=True)
    return inverse


def sum_by_group(attr: torch.Tensor, segments: torch.Tensor) -> torch.Tensor:
    """Per-example sums of ``attr`` (N, ...) over each group -> (N, G).

    ``segments`` is shaped like the trailing dimensions of one example (for images (H, W),
    summing over channels too). Groups are ordered by label.
    """
    if not isinstance(attr, torch.Tensor) or attr.dim() < 2:
        raise TypeError("sum_by_group: attr must be a tensor shaped (N, ...) with a batch first.")
    groups = feature_groups(segments, [tuple(attr.shape[1:])]).to(attr.device)
    G = int(groups.max()) + 1
    flat = attr.reshape(attr.shape[0], -1)
    out = torch.zeros(attr.shape[0], G, dtype=attr.dtype, device=attr.device)
    return out.index_add_(1, groups, flat)


def paint_groups(values: torch.Tensor, segments: torch.Tensor) -> torch.Tensor:
    """(N, G) values per group -> (N, *segments.shape): each pixel shows its group's value."""
    if not isinstance(values, torch.Tensor) or values.dim() != 2:
        raise TypeError("paint_groups: values must be a tensor shaped (N, G).")
    seg = _check_segments(segments, tuple(segments.shape), "paint_groups")
    _, inverse = torch.unique(seg.to(torch.long).reshape(-1), return_inverse=True)
    if int(inverse.max()) + 1 != values.shape[1]:
        raise ValueError(
            f"paint_groups: {values.shape[1]} values per example for "
            f"{int(inverse.max()) + 1} groups in segments."
        )
    out = values[:, inverse.to(values.device)]
    return out.reshape((values.shape[0],) + tuple(seg.shape))
