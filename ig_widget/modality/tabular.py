"""One row of features: signed bars, and the extremal and Shapley paths."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from .. import payload
from ..engine import AllOrderings, Extremal
from ..engine import baselines as bl
from ..engine.paths import Path
from .distribution import check_background
from .explainer import Explainer, Result, _numpy
from .infer import as_tensor

#: AllOrderings enumerates exactly up to this many features, else samples orders
EXACT_SHAPLEY_MAX_FEATURES = 12
SHAPLEY_SAMPLES = 64


class TabularExplainer(Explainer):
    modality = "tabular"
    path_options = ("straight", "extremal", "all_orderings")

    def __init__(
        self,
        model: Any,
        x: torch.Tensor,
        *,
        feature_names: Any = None,
        background: Any = None,
        **kw: Any,
    ) -> None:
        n = int(x.shape[-1])
        self.names = payload.feature_names(n, feature_names)
        super().__init__(model, x, **kw)
        self._background = None
        if background is not None:
            self._background = bl.background_mean(self.x, as_tensor(background))
            self.background_rows = check_background(background, self.x, "rows")

    def _builtin_baselines(self) -> dict[str, Callable[[], torch.Tensor]]:
        out = {"zeros": lambda: bl.zero(self.x)}
        if self._background is not None:
            out["background mean"] = lambda: self._background
        return out

    def path(self, name: str) -> Path:
        if name == "extremal":
            return Extremal()
        if name == "all_orderings":
            d = int(self.x[0].numel())
            return (
                AllOrderings()
                if d <= EXACT_SHAPLEY_MAX_FEATURES
                else AllOrderings(samples=SHAPLEY_SAMPLES)
            )
        return super().path(name)

    def path_detail(self, name: str) -> str:
        if name == "extremal":
            return "exact: one forward pass per feature"
        if name == "all_orderings":
            d = int(self.x[0].numel())
            if d <= EXACT_SHAPLEY_MAX_FEATURES:
                return f"exact over all {d}! orders ({2**d} subsets)"
            return f"estimate from {SHAPLEY_SAMPLES} sampled orders"
        return ""

    def _feature_names(self) -> list[str]:
        return self.names

    def _view(self, result: Result, shown: np.ndarray) -> dict:
        return payload.tabular_payload(self.names, _numpy(self.x[0]), shown)
