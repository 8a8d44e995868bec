"""Images (C, H, W): attributions summed over channels, drawn over the picture."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from .. import payload
from .._serialize import encode_array
from ..engine import baselines as bl
from ..engine.paths import Path
from ..explore.image_paths import IMAGE_PATHS, image_path, image_path_detail
from .explainer import Explainer, Result, _numpy


class ImageExplainer(Explainer):
    modality = "image"

    def __init__(self, model: Any, x: torch.Tensor, **kw: Any) -> None:
        super().__init__(model, x, **kw)
        self.rgba = payload.to_rgba(_numpy(self.x[0]))
        self._rgba_record = encode_array(self.rgba)  # encoded once, shared by every result
        self.width = int(self.x.shape[-1])

    def _builtin_baselines(self) -> dict[str, Callable[[], torch.Tensor]]:
        return {name: (lambda f=f: f(self.x)) for name, f in bl.IMAGE.items()}

    path_options = ("straight", *IMAGE_PATHS)

    def path(self, name: str) -> Path:
        h, w = self.x.shape[-2:]
        return image_path(name, int(h), int(w)) or super().path(name)

    def path_detail(self, name: str) -> str:
        h, w = self.x.shape[-2:]
        return image_path_detail(name, int(h), int(w))

    def _display(self, attr: torch.Tensor, nodes: bool = False) -> torch.Tensor:
        # sum over channels: (C, H, W) -> (H*W,), (m, C, H, W) -> (m, H*W)
        summed = attr.sum(dim=-3)
        return summed.reshape((summed.shape[0], -1) if nodes else (-1,))

    def _feature_names(self) -> Callable[[int], str]:
        return lambda i: payload.image.pixel_name(i, self.width)

    def _view(self, result: Result, shown: np.ndarray) -> dict:
        h, w = self.x.shape[-2:]
        return payload.image_payload(self.rgba, shown.reshape(h, w), encoded=self._rgba_record)
