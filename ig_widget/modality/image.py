"""Images (C, H, W): attributions summed over channels, drawn over the picture."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from .. import payload
from .._serialize import encode_array
from ..engine import baselines as bl
from ..engine.groups import sum_by_group
from ..engine.paths import Path
from ..explore.image_paths import (
    IMAGE_PATHS,
    SEGMENTS,
    check_segments,
    image_path,
    image_path_detail,
    patch_sizes,
)
from .distribution import check_background
from .explainer import Explainer, Result, Settings, _numpy


class ImageExplainer(Explainer):
    modality = "image"

    def __init__(
        self,
        model: Any,
        x: torch.Tensor,
        *,
        mean: Any = None,
        std: Any = None,
        background: Any = None,
        **kw: Any,
    ) -> None:
        super().__init__(model, x, **kw)
        if background is not None:
            self.background_rows = check_background(background, self.x, "images")
        self.rgba = payload.to_rgba(denormalise(_numpy(self.x[0]).astype(np.float32), mean, std))
        self._rgba_record = encode_array(self.rgba)  # encoded once, shared by every result
        self.width = int(self.x.shape[-1])
        #: the user's segments (``set_segments``): a long (H, W) label map 0..G-1, or None
        self.segments: torch.Tensor | None = None
        self._segments_record: dict | None = None

    def set_segments(self, segments: Any) -> None:
        """Group the extremal and all-orderings paths (and the per-group display) by the
        user's integer (H, W) label map instead of a grid of patches."""
        h, w = self.x.shape[-2:]
        self.segments = check_segments(segments, int(h), int(w))
        self._segments_record = encode_array(self.segments.numpy().astype(np.uint8))  # G <= 256

    def _builtin_baselines(self) -> dict[str, Callable[[], torch.Tensor]]:
        return {name: (lambda f=f: f(self.x)) for name, f in bl.IMAGE.items()}

    path_options = ("straight", *IMAGE_PATHS)

    def path(self, name: str, patch: int = 0) -> Path:
        h, w = self.x.shape[-2:]
        return image_path(name, int(h), int(w), patch, self.segments) or super().path(name)

    def path_detail(self, name: str, patch: int = 0) -> str:
        h, w = self.x.shape[-2:]
        return image_path_detail(name, int(h), int(w), patch, self.segments)

    def path_for(self, settings: Settings) -> Path:
        return self.path(settings.path, settings.patch)

    def path_detail_for(self, settings: Settings) -> str:
        return self.path_detail(settings.path, settings.patch)

    @property
    def patch_sizes(self) -> list[int]:
        """The patch sizes (pixels) the grouped paths offer, the default first; with
        segments given, ``SEGMENTS`` (they) first."""
        h, w = self.x.shape[-2:]
        sizes = patch_sizes(int(h), int(w))
        return sizes if self.segments is None else [SEGMENTS, *sizes]

    def group_sums(self, attr: torch.Tensor) -> torch.Tensor:
        """An attribution shaped (C, H, W) or (H, W) summed per given segment -> (G,),
        groups in label order (what the per-group display paints)."""
        if self.segments is None:
            raise ValueError("group_sums needs segments; pass IGWidget(..., segments=).")
        return sum_by_group(attr.unsqueeze(0), self.segments.to(attr.device))[0]

    def _display(self, attr: torch.Tensor, nodes: bool = False) -> torch.Tensor:
        # sum over channels: (C, H, W) -> (H*W,), (m, C, H, W) -> (m, H*W)
        summed = attr.sum(dim=-3)
        return summed.reshape((summed.shape[0], -1) if nodes else (-1,))

    def _feature_names(self) -> Callable[[int], str]:
        return lambda i: payload.image.pixel_name(i, self.width)

    def _view(self, result: Result, shown: np.ndarray) -> dict:
        h, w = self.x.shape[-2:]
        view = payload.image_payload(self.rgba, shown.reshape(h, w), encoded=self._rgba_record)
        if self.segments is not None:  # the per-group display paints these sums
            sums = self.group_sums(torch.from_numpy(np.asarray(shown, np.float64).reshape(h, w)))
            view["segments"] = self._segments_record
            view["segment_sums"] = [float(v) for v in sums]
        return view


def with_segments(explainer: Explainer, segments: Any) -> Explainer:
    """``explainer`` grouped by the user's ``segments=`` (unchanged when None); a clear
    error for inputs that are not one image."""
    if segments is None:
        return explainer
    if not isinstance(explainer, ImageExplainer):  # a wrong kind of input, like mean=
        raise ValueError(  # noqa: TRY004
            f"segments= applies to image inputs (C, H, W), but this input is "
            f"{explainer.modality}; drop segments= (feature groups are for images)."
        )
    explainer.set_segments(segments)
    return explainer


def _per_channel(value: Any, name: str, channels: int) -> np.ndarray:
    arr = np.asarray(value.detach().cpu() if isinstance(value, torch.Tensor) else value)
    try:
        arr = arr.astype(np.float32).reshape(-1)
    except (TypeError, ValueError):
        raise TypeError(
            f"{name}= must be numbers, one per channel (e.g. processor.image_{name}), "
            f"got {value!r}."
        ) from None
    if arr.size == 1:
        arr = np.repeat(arr, channels)
    if arr.size != channels or not np.isfinite(arr).all():
        raise ValueError(
            f"{name}= has {arr.size} value(s) but the image has {channels} channel(s); give "
            f"one finite number per channel (e.g. {name}=processor.image_{name})."
        )
    return arr.reshape(channels, 1, 1)


def denormalise(image: np.ndarray, mean: Any = None, std: Any = None) -> np.ndarray:
    """The picture before normalisation, ``image * std + mean`` per channel, so what is
    drawn under the heatmap looks like the photo (the model still gets ``x`` itself)."""
    if mean is None and std is None:
        return image
    c = image.shape[0]
    m = np.zeros((c, 1, 1), np.float32) if mean is None else _per_channel(mean, "mean", c)
    s = np.ones((c, 1, 1), np.float32) if std is None else _per_channel(std, "std", c)
    if (s <= 0).any():
        raise ValueError("std= must be positive numbers, one per channel.")
    return np.clip(image * s + m, 0.0, 1.0)
