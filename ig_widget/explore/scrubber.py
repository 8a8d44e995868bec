"""The alpha scrubber: one point of the straight path, on request.

For a chosen alpha the front end shows the interpolated input x' + alpha (x - x') (the
blended image, the token embeddings' mixture as opacity, the feature values), the
gradient there times (x - x') per display feature (the integrand IG sums, so the map
is on the attribution's scale), and F at that point. One forward and one backward
pass of the model; only the input point asks for a gradient (``torch.autograd.grad``),
so nothing is stored on the model's parameters.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch

from .._serialize import encode_array
from ..engine.outputs import output_tensor


def check_alpha(alpha: Any) -> float:
    """``alpha`` as a float in [0, 1], else ValueError/TypeError naming the fix."""
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float)):
        raise TypeError(f"alpha={alpha!r} must be a number in [0, 1].")
    a = float(alpha)
    if not math.isfinite(a) or not 0.0 <= a <= 1.0:
        raise ValueError(f"alpha={alpha!r} is outside [0, 1]; 0 is the baseline, 1 the input.")
    return a


def _rgba(point: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """(C, H, W) -> (H, W, 4) uint8 on the fixed range [lo, hi] of input and baseline,
    so the image fades from the baseline to the input instead of being rescaled."""
    scaled = (point - lo) / (hi - lo) if hi > lo else np.zeros_like(point)
    c = scaled.shape[0]
    rgb = scaled[:3] if c >= 3 else np.repeat(scaled.mean(axis=0, keepdims=True), 3, axis=0)
    out = np.empty(point.shape[1:] + (4,), dtype=np.uint8)
    out[..., :3] = np.clip(np.round(rgb.transpose(1, 2, 0) * 255.0), 0, 255).astype(np.uint8)
    out[..., 3] = 255
    return out


def scrub_point(explainer: Any, baseline: str, target: int, alpha: float) -> dict:
    """The ``scrub`` trait's value for ``alpha`` on the straight path from the baseline
    called ``baseline`` to the input, for output ``target``."""
    a = check_alpha(alpha)
    if explainer.modality == "multi":
        raise ValueError(
            "the alpha scrubber shows one input; this widget explains several, so it has "
            "no scrubber (the path chart shows F along the path)."
        )
    x = explainer.inputs
    b = explainer.baseline(baseline).to(dtype=x.dtype, device=x.device)
    point = (b + a * (x - b)).detach().requires_grad_(True)
    args = tuple(explainer.args or ())
    out = output_tensor(explainer.forward(point, *args))
    t = explainer.engine_target(target)
    value = out.reshape(out.shape[0], -1)[:, 0] if t is None else out[:, t]
    (grad,) = torch.autograd.grad(value.sum(), point)
    integrand = explainer._display((grad * (x - b)).detach()[0])
    rec: dict[str, Any] = {
        "alpha": a,
        "output": float(value.detach()[0]),
        "baseline": baseline,
        "target": int(target),
        "grad": encode_array(integrand.double().cpu().numpy().astype(np.float32)),
    }
    kind = explainer.modality
    if kind == "image":
        both = torch.cat([x, b]).detach().double().cpu().numpy()
        lo, hi = (0.0, 1.0) if both.min() >= 0 and both.max() <= 1 else (both.min(), both.max())
        rec["image"] = encode_array(_rgba(point.detach()[0].double().cpu().numpy(), lo, hi))
    elif kind == "tabular":
        rec["values"] = encode_array(point.detach()[0].double().cpu().numpy())
    else:
        # per token, how far its embedding has moved from the baseline's to the input's
        moved = (point.detach() - b)[0].double().norm(dim=-1)
        full = (x - b)[0].double().norm(dim=-1)
        mix = torch.where(full > 0, moved / full.clamp_min(1e-30), torch.ones_like(full))
        rec["mix"] = encode_array(mix.cpu().numpy())
    return rec
