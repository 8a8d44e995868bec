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
            f"method={method!r} is not a known integration method; use one of {', '.join(METHODS)}."
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
        x, w = gauss_legendre(n)
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


#: up to this n, numpy's leggauss (an eigenvalue solve, O(n^3)) is fast and is what
#: captum uses; above it, Newton's method on the Legendre recurrence (O(n^2))
LEGGAUSS_MAX_N = 100


def gauss_legendre(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Gauss-Legendre nodes (ascending) and weights on [-1, 1].

    numpy's ``leggauss`` takes seconds at n = 1000 (and cannot be interrupted, which
    would stall the widget's worker); Newton's iteration from the classical initial
    guesses converges in a few steps to the same values (within 1e-15).
    """
    if n <= LEGGAUSS_MAX_N:
        return np.polynomial.legendre.leggauss(n)
    half = (n + 1) // 2  # the roots are symmetric: find the positive half
    k = np.arange(1, half + 1)
    x = np.cos(np.pi * (k - 0.25) / (n + 0.5))
    for _ in range(100):
        p, dp = _legendre_and_derivative(n, x)
        step = p / dp
        x = x - step
        if np.max(np.abs(step)) < 1e-15:
            break
    _, dp = _legendre_and_derivative(n, x)
    w = 2.0 / ((1.0 - x * x) * dp * dp)
    if n % 2:  # the middle root is 0 exactly
        x[-1] = 0.0
        nodes = np.concatenate([-x, x[-2::-1]])
        weights = np.concatenate([w, w[-2::-1]])
    else:
        nodes = np.concatenate([-x, x[::-1]])
        weights = np.concatenate([w, w[::-1]])
    return nodes, weights


def _legendre_and_derivative(n: int, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    p_prev, p = np.ones_like(x), x.copy()
    for j in range(2, n + 1):
        p_prev, p = p, ((2 * j - 1) * x * p - (j - 1) * p_prev) / j
    return p, n * (x * p - p_prev) / (x * x - 1.0)


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


def nested_subset(alphas: np.ndarray, k: int) -> tuple[tuple[int, ...], np.ndarray]:
    """``k`` of a rule's nodes ``alphas`` (ascending, on [0, 1]), spread along alpha, and
    weights for them.

    The widget shows a quick preview from these nodes first, and the full pass then
    evaluates only the other ``n - k`` and combines all ``n`` with the full rule's
    weights, so no gradient is computed twice. The preview's weights make the rule
    exact for polynomials of degree < k on [0, 1] (interpolatory weights, solved in the
    Legendre basis: well conditioned for nodes spread over the interval).
    Returns (indices ascending, float64 weights); needs 1 <= k < len(alphas).
    """
    n = len(alphas)
    index = tuple(sorted({int(round(i)) for i in np.linspace(0, n - 1, k)}))
    t = 2.0 * np.asarray(alphas, dtype=np.float64)[list(index)] - 1.0  # on [-1, 1]
    m = len(index)
    basis = np.polynomial.legendre.legvander(t, m - 1)  # (m, m): P_j(t_i)
    moments = np.zeros(m)
    moments[0] = 2.0  # int_{-1}^{1} P_j = 2 for j = 0, else 0
    weights = 0.5 * np.linalg.solve(basis.T, moments)  # back on [0, 1]
    return index, weights
