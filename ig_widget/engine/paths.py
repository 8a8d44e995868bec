"""Paths from the baseline (alpha = 0) to the input (alpha = 1).

The path decides how F(x) - F(x') is split among the features:

- ``StraightLine``: x' + alpha (x - x'), the path of Integrated Gradients.
- ``Extremal(order)``: axis-parallel; features move from baseline to input one at a time
  in ``order``. Each feature's attribution is then exactly F(after its segment) -
  F(before it), so it is computed with forward passes only, no quadrature.
- ``AllOrderings(samples=None)``: the average of the extremal attributions over all d!
  orders, with each order equally likely (a probability measure over paths). That average
  is the Shapley value of the game v(S) = F(x_S, x'_rest), in which the players in S
  take their input values and the rest keep their baseline values. Exact enumeration
  evaluates v on all 2^d subsets; ``samples=k`` averages k random orders instead.
- ``Custom(g)``: any differentiable path ``g(alphas) -> points``; the attribution is the
  general path integral of dF/dx(g(a)) * dg/da(a), with dg/da taken by autograd.

Features are indexed in the flattened per-example input; with a tuple of inputs, the
flattened features of each tensor follow one another in order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from math import factorial

import torch


class Path:
    """Base class of the paths ``IntegratedGradients.attribute(path=...)`` accepts."""

    #: True when the attribution is a quadrature of gradients along the path
    uses_gradients = True

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class StraightLine(Path):
    """x' + alpha (x - x'): Integrated Gradients as in Sundararajan et al. (2017)."""


class Custom(Path):
    """A user path ``g(alphas) -> points``.

    ``alphas`` is a 1-d tensor of k values in [0, 1] (in the input's dtype and device);
    ``g`` returns a tensor shaped ``(k, *inputs.shape)`` (a tuple of such for tuple
    inputs), each point depending on its own alpha only, with ``g(0)`` the baseline and
    ``g(1)`` the input. dg/dalpha comes from forward-mode autograd (``torch.func.jvp``),
    falling back to double backward when ``g`` has ops without forward-mode support.
    Baselines passed to ``attribute`` are ignored: the path defines them.
    """

    def __init__(self, g: Callable[[torch.Tensor], torch.Tensor | Sequence[torch.Tensor]]):
        if not callable(g):
            raise TypeError(f"Custom(g): g must be callable, got {type(g).__name__}.")
        self.g = g

    def __repr__(self) -> str:
        return f"Custom({getattr(self.g, '__name__', 'g')})"


class Extremal(Path):
    """Move one feature at a time from baseline to input, in ``order``.

    ``order`` lists every flattened feature index exactly once (first moved first);
    None means 0, 1, ..., d-1.
    """

    uses_gradients = False

    def __init__(self, order: Sequence[int] | torch.Tensor | None = None):
        if order is not None:
            order = [int(i) for i in (order.tolist() if isinstance(order, torch.Tensor) else order)]
        self.order = order

    def __repr__(self) -> str:
        return f"Extremal(order={self.order!r})"

    def permutation(self, d: int) -> list[int]:
        if self.order is None:
            return list(range(d))
        order = self.order
        if sorted(order) != list(range(d)):
            missing = sorted(set(range(d)) - set(order))[:5]
            extra = sorted({i for i in order if not 0 <= i < d})[:5]
            dup = len(order) != len(set(order))
            raise ValueError(
                f"Extremal(order=...) must list each of the {d} flattened feature indices "
                f"0..{d - 1} exactly once (got {len(order)} entries"
                + (f"; missing {missing}" if missing else "")
                + (f"; out of range {extra}" if extra else "")
                + ("; duplicates" if dup else "")
                + ")."
            )
        return order


class AllOrderings(Path):
    """Average of the extremal paths over all orders of the features (Shapley values).

    ``samples=None`` enumerates exactly (2^d forward rows per example), allowed for
    ``d <= max_exact_features``; ``samples=k`` averages ``k`` random orders drawn with
    ``torch.Generator().manual_seed(seed)`` ((d + 1) k rows per example).
    """

    uses_gradients = False

    def __init__(self, samples: int | None = None, seed: int = 0, max_exact_features: int = 16):
        if samples is not None and (
            isinstance(samples, bool) or not isinstance(samples, int) or samples < 1
        ):
            raise ValueError(
                f"AllOrderings(samples={samples!r}): samples must be a positive int or None."
            )
        self.samples = samples
        self.seed = int(seed)
        self.max_exact_features = int(max_exact_features)

    def __repr__(self) -> str:
        return f"AllOrderings(samples={self.samples!r}, seed={self.seed})"

    def check_exact(self, d: int) -> None:
        if self.samples is None and d > self.max_exact_features:
            raise ValueError(
                f"AllOrderings() enumerates all 2^{d} subsets of the {d} features, which is "
                f"too many (the limit is {self.max_exact_features}); pass "
                "AllOrderings(samples=k) to average k random orders instead."
            )


def shapley_weights(d: int) -> list[float]:
    """w[s] = s! (d - s - 1)! / d!, the weight of a coalition of size s in the Shapley sum."""
    return [factorial(s) * factorial(d - s - 1) / factorial(d) for s in range(d)]


def check_path(path: object) -> Path:
    if path is None:
        return StraightLine()
    if isinstance(path, Path):
        return path
    if isinstance(path, str):
        named = {
            "straight": StraightLine,
            "straight_line": StraightLine,
            "extremal": Extremal,
            "all_orderings": AllOrderings,
        }
        if path in named:
            return named[path]()
    raise ValueError(
        f"path={path!r} is not a known path; use StraightLine(), Extremal(order=...), "
        "AllOrderings(samples=...) or Custom(g) from ig_widget.paths (or the names "
        "'straight', 'extremal', 'all_orderings')."
    )
