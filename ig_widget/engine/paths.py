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

Each path decides how it is computed (``Path.attribute``, one abstract method); the
engine never asks which path it holds. A new gradient path only says where its points
are (``GradientPath.points``); see ``docs/extending-the-engine.md``.

Features are indexed in the flattened per-example input; with a tuple of inputs, the
flattened features of each tensor follow one another in order.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence

import torch

from . import quadrature
from .adaptive import integrate_adaptive
from .core import (
    Attribution,
    Core,
    Options,
    Tensors,
    as_tuple,
    custom_endpoints,
    custom_points,
    straight_points,
)
from .forward_paths import exact_shapley, extremal, sampled_shapley, shapley_weights
from .groups import Segments, feature_groups

__all__ = [
    "AllOrderings",
    "Custom",
    "Extremal",
    "GradientPath",
    "Path",
    "StraightLine",
    "check_path",
    "shapley_weights",
]


class Path(ABC):
    """Base class of the paths ``IntegratedGradients.attribute(path=...)`` accepts.

    A path is a strategy: ``attribute`` receives the validated inputs and baselines and
    a ``Core`` that runs the model, and returns the ``Attribution``.
    """

    #: True when the attribution is a quadrature of gradients along the path (n_steps,
    #: method and "auto" apply)
    uses_gradients = True
    #: True when ``multiply_by_inputs=False`` (the path-averaged gradient alone) is defined
    plain_gradients = False

    @abstractmethod
    def attribute(self, core: Core, xs: Tensors, bs: Tensors, options: Options) -> Attribution:
        """Attribute F(x) - F(x') for inputs ``xs`` and baselines ``bs`` (tuples of
        tensors shaped like the inputs, batch first)."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class GradientPath(Path):
    """A differentiable path integrated by quadrature: subclasses give its points.

    The attribution of feature i is the path integral of dF/dx_i(g(a)) * g_i'(a) over
    a in [0, 1], evaluated with the user's quadrature rule (or adaptively).
    """

    @abstractmethod
    def points(
        self, xs: Tensors, bs: Tensors, alphas: torch.Tensor
    ) -> tuple[Tensors, Tensors | None]:
        """(points, slopes) at ``alphas`` (k,): per input, g(alpha) and dg/dalpha, each
        shaped (k, *input.shape). Slopes None means the straight line's constant slope
        x - x' (applied once at the end, which is cheaper)."""

    def endpoints(self, xs: Tensors, bs: Tensors) -> tuple[Tensors, Tensors]:
        """The path's own (input, baseline): g(1) and g(0). Default: as given."""
        return xs, bs

    def values_at(self, xs: Tensors, bs: Tensors, alphas: torch.Tensor) -> Tensors:
        """The points alone, without a graph (used for cheap forward-only checks)."""
        with torch.no_grad():
            return self.points(xs, bs, alphas)[0]

    def attribute(self, core: Core, xs: Tensors, bs: Tensors, options: Options) -> Attribution:
        xs, bs = self.endpoints(xs, bs)
        if options.auto:
            return integrate_adaptive(
                core, self, xs, bs, float(options.tol), int(options.max_steps), options.trace
            )
        weights, alphas = quadrature.rule_tensors(
            options.method, int(options.n_steps), xs[0].device, xs[0].dtype
        )
        return core.integrate(
            self, xs, bs, weights, alphas, options.multiply_by_inputs, options.trace
        )


class StraightLine(GradientPath):
    """x' + alpha (x - x'): Integrated Gradients as in Sundararajan et al. (2017)."""

    plain_gradients = True

    def points(
        self, xs: Tensors, bs: Tensors, alphas: torch.Tensor
    ) -> tuple[Tensors, Tensors | None]:
        diffs = tuple(x - b for x, b in zip(xs, bs, strict=True))
        return straight_points(xs, bs, diffs, alphas), None


class Custom(GradientPath):
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

    def points(
        self, xs: Tensors, bs: Tensors, alphas: torch.Tensor
    ) -> tuple[Tensors, Tensors | None]:
        return custom_points(self.g, alphas, xs)

    def endpoints(self, xs: Tensors, bs: Tensors) -> tuple[Tensors, Tensors]:
        return custom_endpoints(self.g, xs)

    def values_at(self, xs: Tensors, bs: Tensors, alphas: torch.Tensor) -> Tensors:
        with torch.no_grad():
            return as_tuple(self.g(alphas))


def _groups_of(groups: Segments | None, xs: Tensors) -> torch.Tensor | None:
    """Segments -> the group of each flattened feature (None: every feature alone)."""
    if groups is None:
        return None
    return feature_groups(groups, [tuple(x.shape[1:]) for x in xs])


class Extremal(Path):
    """Move one feature at a time from baseline to input, in ``order``.

    ``order`` lists every flattened feature index exactly once (first moved first);
    None means 0, 1, ..., d-1. ``groups``: integer segments (for images an (H, W) label
    map, see ``ig_widget.engine.groups``); each group then moves as one feature, ``order``
    lists group numbers (0..G-1 in label order), and a group's attribution is shared
    evenly among its elements.
    """

    uses_gradients = False

    def __init__(
        self, order: Sequence[int] | torch.Tensor | None = None, groups: Segments | None = None
    ):
        if order is not None:
            order = [int(i) for i in (order.tolist() if isinstance(order, torch.Tensor) else order)]
        self.order = order
        self.groups = groups

    def __repr__(self) -> str:
        grouped = "" if self.groups is None else ", groups=..."
        return f"Extremal(order={self.order!r}{grouped})"

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

    def attribute(self, core: Core, xs: Tensors, bs: Tensors, options: Options) -> Attribution:
        groups = _groups_of(self.groups, xs)
        return extremal(core, xs, bs, self.permutation, options.trace, groups)


class AllOrderings(Path):
    """Average of the extremal paths over all orders of the features (Shapley values).

    ``samples=None`` enumerates exactly (2^d forward rows per example), allowed for
    ``d <= max_exact_features``; ``samples=k`` averages ``k`` random orders drawn with
    ``torch.Generator().manual_seed(seed)`` ((d + 1) k rows per example). ``groups``:
    integer segments; the players are then the groups (see ``Extremal``).
    """

    uses_gradients = False

    def __init__(
        self,
        samples: int | None = None,
        seed: int = 0,
        max_exact_features: int = 16,
        groups: Segments | None = None,
    ):
        if samples is not None and (
            isinstance(samples, bool) or not isinstance(samples, int) or samples < 1
        ):
            raise ValueError(
                f"AllOrderings(samples={samples!r}): samples must be a positive int or None."
            )
        self.samples = samples
        self.seed = int(seed)
        self.max_exact_features = int(max_exact_features)
        self.groups = groups

    def __repr__(self) -> str:
        grouped = "" if self.groups is None else ", groups=..."
        return f"AllOrderings(samples={self.samples!r}, seed={self.seed}{grouped})"

    def attribute(self, core: Core, xs: Tensors, bs: Tensors, options: Options) -> Attribution:
        groups = _groups_of(self.groups, xs)
        if self.samples is None:
            return exact_shapley(core, xs, bs, self.max_exact_features, groups)
        return sampled_shapley(core, xs, bs, self.samples, self.seed, groups)


def check_path(path: object) -> Path:
    """None, a ``Path`` or one of the names the widget uses -> a ``Path``."""
    if path is None:
        return StraightLine()
    if isinstance(path, Path):
        return path
    if isinstance(path, str):
        from .blur import BlurPath  # these modules build on this one
        from .guided import GuidedPath

        named: dict[str, Callable[[], Path]] = {
            "straight": StraightLine,
            "straight_line": StraightLine,
            "extremal": Extremal,
            "all_orderings": AllOrderings,
            "guided": GuidedPath,
            "blur": BlurPath,
        }
        if path in named:
            return named[path]()
    raise ValueError(
        f"path={path!r} is not a known path; use StraightLine(), Extremal(order=...), "
        "AllOrderings(samples=...), GuidedPath(), BlurPath() or Custom(g) from "
        "ig_widget.paths (or the names 'straight', 'extremal', 'all_orderings', 'guided', "
        "'blur')."
    )
