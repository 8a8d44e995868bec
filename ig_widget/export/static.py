"""Results without a model: attributions computed elsewhere, or loaded from disk.

``static_result`` turns an input and its attributions (from captum, another library, or
a saved ``result.json``) into the same ``_payload`` the live widget draws, so one view
serves both. ``StaticSource`` stands where the widget keeps its explainer: it answers
the few questions the widget asks (modality, the options its selects offer, the target's
label) and offers nothing to compute.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from ..modality.infer import as_tensor, infer_modality
from ..modality.records import Result
from ..payload.image import image_payload, to_rgba
from ..payload.names import one_per
from ..payload.tabular import feature_names as default_feature_names
from ..payload.tabular import tabular_payload
from ..payload.text import text_payload


@dataclass
class StaticSource:
    """The widget's stand-in for an explainer when there is no model."""

    modality: str
    target: int
    target_label: str
    method: str
    baseline: str
    path: str
    top_classes: list = field(default_factory=list)

    @property
    def default_target(self) -> int:
        return self.target

    def uses_gradients(self, path: str) -> bool:
        """Nothing is computed here: no path's controls need turning off."""
        return True

    @property
    def labels(self) -> list[str]:
        """No label list to search: only the saved target can be shown."""
        return []

    @property
    def baseline_options(self) -> list[str]:
        return [self.baseline]

    @property
    def path_options(self) -> list[str]:
        return [self.path]

    @property
    def method_options(self) -> list[str]:
        return [self.method]

    def check_target(self, target: Any) -> int:
        if isinstance(target, bool) or not isinstance(target, (int, np.integer)):
            raise TypeError(f"target must be an int, got {type(target).__name__}.")
        if int(target) != self.target:
            raise ValueError(
                f"target={target} cannot be computed: this widget shows a result without "
                f"its model (target {self.target}); build IGWidget(model, x) to recompute."
            )
        return int(target)

    def label(self, target: int) -> str:
        return self.target_label if target == self.target else str(target)


def _number(value: Any, name: str) -> float | None:
    if value is None:
        return None
    if hasattr(value, "detach"):
        value = value.detach().cpu().reshape(-1)
        if value.numel() != 1:
            raise ValueError(f"{name} must be one number, got {value.numel()} values.")
        value = value.item()
    try:
        return float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}.") from None


def _drop_batch(a: torch.Tensor, ndim: int, name: str) -> torch.Tensor:
    if a.dim() == ndim + 1:
        if a.shape[0] != 1:
            raise ValueError(
                f"{name} holds a batch of {a.shape[0]} examples; pass one example ({name}[0])."
            )
        return a[0]
    return a


def static_result(
    x: Any,
    attributions: Any,
    *,
    modality: str | None = None,
    target: int = 0,
    target_label: str | None = None,
    output: Any = None,
    baseline_output: Any = None,
    delta: Any = None,
    tokens: Sequence[Any] | None = None,
    feature_names: Sequence[Any] | None = None,
    n_steps: int | None = None,
    method: str = "",
    baseline: str = "",
    path: str = "",
) -> Result:
    """A ``Result`` (with its payload) for attributions computed elsewhere.

    Args:
        x: the example explained: an image (C, H, W), token ids (T,), or features (F,);
            a leading batch dimension of 1 is accepted.
        attributions: shaped like ``x`` (for text: (T,) per token or (T, D) per
            embedding coordinate, summed over D); a batch dimension of 1 is accepted.
        target, target_label: the output explained and its name.
        output, baseline_output: F(x) and F(x') when known.
        delta: the completeness delta as computed (e.g. captum's convergence delta);
            by default sum(attributions) - (output - baseline_output) when both are known.
        tokens, feature_names: strings shown for text and tabular inputs.
        n_steps, method, baseline, path: how the attributions were computed (shown).
    """
    xt = as_tensor(x)
    if not isinstance(attributions, (torch.Tensor, np.ndarray)):
        raise TypeError(
            "attributions must be a torch.Tensor or a numpy array shaped like x, got "
            f"{type(attributions).__name__}."
        )
    at = as_tensor(attributions).detach().cpu().to(torch.float64)
    if not torch.isfinite(at).all():
        raise ValueError("attributions hold NaN or infinite values; pass finite numbers.")
    kind = infer_modality(xt, modality)
    label = str(target) if target_label is None else str(target_label)
    if kind == "image":
        img = _drop_batch(xt, 3, "x").detach().cpu().to(torch.float64)
        at = _drop_batch(at, 3, "attributions")
        if at.dim() == 3 and tuple(at.shape) != tuple(img.shape):
            raise ValueError(
                f"attributions have shape {tuple(at.shape)} but x has {tuple(img.shape)}; "
                "pass one attribution per input value, or (H, W) per pixel."
            )
        plane = at.sum(dim=0) if at.dim() == 3 else at
        if tuple(plane.shape) != tuple(img.shape[1:]):
            raise ValueError(
                f"attributions have shape {tuple(at.shape)}; for an image of shape "
                f"{tuple(img.shape)} pass (C, H, W) or (H, W) = {tuple(img.shape[1:])}."
            )
        shown = plane.numpy()
        payload = image_payload(to_rgba(img.numpy()), shown)
    elif kind == "text":
        ids = _drop_batch(xt, 1, "x").reshape(-1)
        per = at
        if per.dim() == 3 or (per.dim() == 2 and per.shape[0] == 1 and ids.numel() != 1):
            per = _drop_batch(per, per.dim() - 1, "attributions")
        if per.dim() == 2:
            per = per.sum(dim=-1)
        per = per.reshape(-1)
        if per.numel() != ids.numel():
            raise ValueError(
                f"attributions give {per.numel()} values for {ids.numel()} tokens; pass (T,) "
                "or (T, D) with T the number of token ids."
            )
        names = (
            [str(int(i)) for i in ids]
            if tokens is None
            else one_per(
                tokens,
                ids.numel(),
                arg="tokens",
                what="string",
                per="token id",
                has=f"x has {ids.numel()} token ids",
            )
        )
        shown = per.numpy()
        payload = text_payload(names, shown)
    else:
        row = _drop_batch(xt, 1, "x").reshape(-1).to(torch.float64)
        at = _drop_batch(at, 1, "attributions").reshape(-1)
        if at.numel() != row.numel():
            raise ValueError(
                f"attributions give {at.numel()} values for {row.numel()} features; pass one "
                "per feature."
            )
        shown = at.numpy()
        payload = tabular_payload(
            default_feature_names(row.numel(), feature_names), row.numpy(), shown
        )
    out, base = _number(output, "output"), _number(baseline_output, "baseline_output")
    total = float(at.sum())
    given = _number(delta, "delta")
    delta = None if out is None or base is None else total - (out - base)
    if given is not None:
        delta = given
    payload["readout"] = {
        "output": out,
        "baseline_output": base,
        "sum": total,
        "delta": delta,
        "target": int(target),
        "target_label": label,
        "n_steps": None if n_steps is None else int(n_steps),
        "method": str(method),
        "baseline": str(baseline),
        "path": str(path),
    }
    settings = {
        "n_steps": n_steps,
        "method": method,
        "baseline": baseline,
        "path": path,
        "target": int(target),
    }
    nan = float("nan")
    return Result(
        attributions=at,
        delta=nan if delta is None else delta,
        output=nan if out is None else out,
        baseline_output=nan if base is None else base,
        settings=settings,
        token_attributions=torch.from_numpy(np.asarray(shown)) if kind == "text" else None,
        payload=payload,
    )


def source_for(result: Result, kind: str) -> StaticSource:
    """The stand-in explainer for a static ``result``."""
    r = result.payload["readout"]
    return StaticSource(
        modality=kind,
        target=int(r["target"]),
        target_label=str(r["target_label"]),
        method=str(r["method"]),
        baseline=str(r["baseline"]),
        path=str(r["path"]),
    )
