"""Guided IG: an adaptive path that moves the features with the smallest gradients first.

Kapishnikov et al., "Guided Integrated Gradients: an Adaptive Path Method for Removing
Noise" (CVPR 2021). The straight line of IG crosses regions where the model's gradient is
large for features that do not matter for the prediction, and those features collect
noise. Guided IG builds the path as it goes: at each of ``steps`` steps it takes the
gradient at the current point, picks the ``fraction`` of features with the smallest
absolute gradient, and moves only those toward the input, until the path has covered
1/steps of the L1 distance from the baseline to the input. ``max_dist`` keeps every
feature within that fraction of the way (in alpha) of the straight line: a feature that
falls more than ``max_dist`` behind is pulled up, and none runs more than ``max_dist``
ahead. ``max_dist=0`` is the straight line; ``max_dist=1`` is unconstrained.

Attribution of feature i: the sum over steps of (its move in that step) times the
gradient taken at the start of the step, a left Riemann sum along the path. On smooth
models the completeness error shrinks as O(1/steps); on ReLU/max-pool networks it can stay
at several percent however many steps are taken (the reference implementation gives the
same numbers: see ``benchmarks/beyond_ig.py``). The last step ends exactly at the input.

Defaults are those of the PAIR ``saliency`` library (``saliency/core/guided_ig.py``):
``steps=200, fraction=0.25, max_dist=0.02``. The path depends on the gradients, so it is
computed step by step (one forward and backward pass over the batch per step); the
engine's ``n_steps`` and ``method`` do not apply, ``steps`` does.
"""

from __future__ import annotations

import torch

from .core import (
    MAX_TRACE_ELEMENTS,
    Attribution,
    Core,
    Options,
    PathTrace,
    Tensors,
    delta,
    split_features,
)
from .paths import GradientPath, Path

#: relative and absolute tolerance for "the step has covered its share of L1 distance"
L1_TOLERANCE = 1e-9


class _At(GradientPath):
    """The single point ``flat`` (N, d), for ``Core.gradient_chunk``."""

    def __init__(self, flat: torch.Tensor, xs: Tensors) -> None:
        self.parts = split_features(flat, xs)

    def points(
        self, xs: Tensors, bs: Tensors, alphas: torch.Tensor
    ) -> tuple[Tensors, Tensors | None]:
        return tuple(p.to(x.dtype).unsqueeze(0) for p, x in zip(self.parts, xs, strict=True)), None


class GuidedPath(Path):
    """Guided IG (Kapishnikov et al., 2021); see the module docstring.

    ``steps``: gradient evaluations (the path is built in that many steps);
    ``fraction``: share of the features moved at a time, in (0, 1];
    ``max_dist``: how far (in alpha, [0, 1]) a feature may stray from the straight line.
    """

    uses_gradients = False  # n_steps / method do not apply: the path has its own steps

    def __init__(self, steps: int = 200, fraction: float = 0.25, max_dist: float = 0.02) -> None:
        if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
            raise ValueError(f"GuidedPath(steps={steps!r}): steps must be a positive int.")
        if isinstance(fraction, bool) or not isinstance(fraction, (int, float)):
            raise TypeError(f"GuidedPath(fraction={fraction!r}) must be a number in (0, 1].")
        if not 0 < fraction <= 1:
            raise ValueError(f"GuidedPath(fraction={fraction!r}) must be in (0, 1].")
        if isinstance(max_dist, bool) or not isinstance(max_dist, (int, float)):
            raise TypeError(f"GuidedPath(max_dist={max_dist!r}) must be a number in [0, 1].")
        if not 0 <= max_dist <= 1:
            raise ValueError(f"GuidedPath(max_dist={max_dist!r}) must be in [0, 1].")
        self.steps, self.fraction, self.max_dist = steps, float(fraction), float(max_dist)

    def __repr__(self) -> str:
        return (
            f"GuidedPath(steps={self.steps}, fraction={self.fraction:g}, "
            f"max_dist={self.max_dist:g})"
        )

    def attribute(self, core: Core, xs: Tensors, bs: Tensors, options: Options) -> Attribution:
        return guided_ig(core, xs, bs, self.steps, self.fraction, self.max_dist, options.trace)


def _state_dtype(device: torch.device) -> torch.dtype:
    """The path is tracked in float64 (the L1 bookkeeping needs it) where the device has it."""
    return torch.float32 if device.type == "mps" else torch.float64


def guided_ig(
    core: Core,
    xs: Tensors,
    bs: Tensors,
    steps: int,
    fraction: float,
    max_dist: float,
    trace: bool,
) -> Attribution:
    """Build the guided path step by step and sum move times gradient along it."""
    N, device = core.batch, xs[0].device
    sd = _state_dtype(device)
    target_x = torch.cat([x.reshape(N, -1) for x in xs], dim=1).to(sd)
    base = torch.cat([b.reshape(N, -1) for b in bs], dim=1).to(sd)
    d = target_x.shape[1]
    diff = target_x - base
    moving = diff != 0
    safe = torch.where(moving, diff, torch.ones_like(diff))
    l1_total = diff.abs().sum(1)
    kth = int(fraction * (d - 1)) + 1  # numpy quantile with interpolation='lower', 1-based
    cur = base.clone()
    attr = torch.zeros_like(cur)
    keep = trace and steps * N * d <= MAX_TRACE_ELEMENTS
    outs, contribs, ends = [], [], None

    for step in range(steps):
        sel, grads, _ = core.gradient_chunk(
            _At(cur, xs), xs, bs, cur.new_zeros(1), with_ends=ends is None
        )
        if ends is None:
            ends = (sel[N : 2 * N], sel[2 * N :])
        outs.append(sel[:N])
        grad = torch.cat([g.reshape(N, -1) for g in grads], dim=1).to(sd)
        alpha = (step + 1) / steps
        a_min, a_max = max(alpha - max_dist, 0.0), min(alpha + max_dist, 1.0)
        x_min, x_max = base + diff * a_min, base + diff * a_max
        l1_goal = l1_total * (1 - alpha)
        start = cur.clone()
        if step == steps - 1:
            cur = target_x.clone()  # the path ends at the input, exactly
        else:
            bounds = (x_min, x_max, a_min, a_max)
            cur = _advance(cur, grad, target_x, base, safe, moving, bounds, l1_goal, kth)
        move = (cur - start) * grad
        attr += move
        if keep:
            contribs.append(move)
        core.report(step + 1, steps)

    acc = torch.float64 if xs[0].dtype == torch.float64 else torch.float32
    attrs = tuple(a.to(x.dtype) for a, x in zip(split_features(attr.to(acc), xs), xs, strict=True))
    out, base_out = ends
    tr = None
    if trace:
        integrand = split_features(torch.stack(contribs).to(acc), xs) if keep else None
        alphas = torch.arange(steps, dtype=acc, device=device) / steps
        tr = PathTrace(alphas, torch.stack(outs).to(acc), integrand)
    return Attribution(
        attributions=attrs,
        delta=delta(attrs, out, base_out),
        output=out,
        baseline_output=base_out,
        n_evals=steps,
        n_forward=steps + 2,
        trace=tr,
    )


def _advance(
    cur: torch.Tensor,
    grad: torch.Tensor,
    inp: torch.Tensor,
    base: torch.Tensor,
    safe: torch.Tensor,
    moving: torch.Tensor,
    bounds: tuple[torch.Tensor, torch.Tensor, float, float],
    l1_goal: torch.Tensor,
    kth: int,
) -> torch.Tensor:
    """One step of the guided path for every example: from ``cur`` to L1 ``l1_goal``."""
    x_min, x_max, a_min, a_max = bounds
    score = grad.abs()
    active = torch.ones(cur.shape[0], dtype=torch.bool, device=cur.device)
    for _ in range(cur.shape[1] + 2):  # each pass settles the step or moves >= 1 feature to x_max
        where_alpha = torch.where(moving, (cur - base) / safe, torch.full_like(cur, a_max))
        behind = (where_alpha < a_min) & active.unsqueeze(1)
        cur = torch.where(behind, x_min, cur)
        l1 = (cur - inp).abs().sum(1)
        settled = (l1 - l1_goal).abs() <= L1_TOLERANCE * torch.maximum(
            l1.abs().clamp_min(1.0), l1_goal.abs()
        )
        active &= ~settled
        if not bool(active.any()):
            break
        score = torch.where(cur == x_max, torch.full_like(score, float("inf")), score)
        threshold = torch.kthvalue(score, kth, dim=1).values.unsqueeze(1)
        chosen = (score <= threshold) & torch.isfinite(score) & active.unsqueeze(1)
        room = ((cur - x_max).abs() * chosen).sum(1)
        gamma = torch.where(room > 0, (l1 - l1_goal) / torch.where(room > 0, room, 1.0), torch.inf)
        full = (gamma > 1).unsqueeze(1)
        partial = cur + gamma.clamp(max=1.0).unsqueeze(1) * (x_max - cur)
        cur = torch.where(chosen & full, x_max, torch.where(chosen, partial, cur))
        active &= gamma > 1  # a partial move closes the gap: this example is done
        if not bool(active.any()):
            break
    return cur
