"""Quadrature rules on [0, 1]: method name and n -> (weights, alphas).

Nodes and weights are computed once per (method, n) in float64 and cached; a second
cache holds them as tensors per (device, dtype), so a call in the interactive loop does
no numpy work and no host-to-device copy after the first.

Differences from captum, on purpose:
- ``riemann_trapezoid`` uses nodes spaced 1/(n-1) with weights 1/(n-1) (halved at both
  ends), which sum to 1. captum uses weights 1/n on those nodes, so its trapezoid results
  are scaled by (n-1)/n and are wrong even for a linear model.
- Nodes and weights stay in float64 until they are cast to the input's dtype; captum
  rounds Riemann nodes and all weights to float32 even for float64 inputs.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import torch

METHODS = (
    "riemann_left",
    "riemann_right",
    "riemann_middle",
    "riemann_trapezoid",
    "gausslegendre",
)


def check_method(method: object) -> str:
    if not isinstance(method, str) or method not in METHODS:
        raise ValueError(
            f"method={method!r} is not a known integration method; "
            f"use one of {', '.join(METHODS)}."
        )
    return method


def check_n_steps(n_steps: object, method: str) -> int:
    if isinstance(n_steps, bool) or not isinstance(n_steps, (int, np.integer)):
        raise TypeError(
            f"n_steps must be an int or 'auto' (got {type(n_steps).__name__} {n_steps!r}); "
            "pass a whole number of integration steps such as 50."
        )
    n = int(n_steps)
    least = 2 if method == "riemann_trapezoid" else 1
    if n < least:
        raise ValueError(
            f"n_steps={n} is too small for method={method!r}: it needs at least {least} "
            "step(s); 50 is a good default."
        )
    return n


@lru_cache(maxsize=256)
def rule(method: str, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Float64 (weights, alphas) of ``method`` with ``n`` nodes; read-only arrays."""
    check_method(method)
    check_n_steps(n, method)
    if method == "gausslegendre":
        x, w = np.polynomial.legendre.leggauss(n)
        alphas, weights = 0.5 * (x + 1.0), 0.5 * w
    elif method == "riemann_trapezoid":
        alphas = np.linspace(0.0, 1.0, n)
        weights = np.full(n, 1.0 / (n - 1))
        weights[0] = weights[-1] = 0.5 / (n - 1)
    else:
        k = np.arange(n, dtype=np.float64)
        offset = {"riemann_left": 0.0, "riemann_middle": 0.5, "riemann_right": 1.0}[method]
        alphas = (k + offset) / n
        weights = np.full(n, 1.0 / n)
    weights.setflags(write=False)
    alphas.setflags(write=False)
    return weights, alphas


@lru_cache(maxsize=256)
def rule_tensors(
    method: str, n: int, device: torch.device, dtype: torch.dtype
) -> tuple[torch.Tensor, torch.Tensor]:
    """(weights, alphas) as tensors on ``device`` in ``dtype``; cached, do not modify."""
    weights, alphas = rule(method, n)
    return (
        torch.tensor(weights.copy(), dtype=dtype, device=device),
        torch.tensor(alphas.copy(), dtype=dtype, device=device),
    )
