"""The completeness delta against n_steps for each quadrature method, at little cost.

How many steps are enough? The delta sum(attr) - (F(x) - F(x')) at n = 1, 2, 4, ... shows
it, and computing it needs only the scalar s(alpha) = dF/dx(g(alpha)) . (x - x') per node:
delta(method, n) = sum_j w_j s(alpha_j) - (F(x) - F(x')). Rules whose node sets are nested
share their gradient evaluations, so the whole curve costs the union of the nodes:

- ``riemann_left`` (k/n) and ``riemann_right`` ((k+1)/n) for n = 1, 2, 4, ..., n_max: the
  nodes of n are among those of 2n; both live on the dyadic grid j/n_max.
- ``riemann_trapezoid`` (nodes j/(n-1)) for n = 2, 3, 5, 9, 17, ...: n - 1 doubles, and
  the nodes are on the same dyadic grid.
- ``riemann_middle`` ((k + 1/2)/n) is on the grid of 2n, so it shares nodes with the
  others up to n_max/2; its last level costs n_max new nodes.
- ``gausslegendre``: the nodes of different n are different (not nested); each n is
  computed on its own and counted honestly.

Nodes are identified by their exact float64 value (dyadic fractions are exact), so a node
shared between rules is evaluated once. ``n_evals`` in the result counts the gradient
evaluations spent (per example), ``n_evals_separate`` what separate runs would cost.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import torch

from . import quadrature
from .core import Attribution, Core, Options, Tensors, accumulation_dtype, delta
from .integrated_gradients import IntegratedGradients
from .paths import Path, StraightLine


@dataclass
class ConvergenceCurve:
    """Per method, the list of (n, delta (N,)); the gradient evaluations spent.

    ``attributions``: straight-line IG with the first method at its largest n (a by-product).
    """

    curves: dict[str, list[tuple[int, torch.Tensor]]]
    n_evals: int
    n_evals_separate: int
    output: torch.Tensor
    baseline_output: torch.Tensor
    attributions: tuple[torch.Tensor, ...]


def step_counts(method: str, n_max: int) -> list[int]:
    """The n of each method's curve: doubling, and for the trapezoid 2^m + 1."""
    if method == "riemann_trapezoid":
        ns, n = [], 2
        while n <= n_max:
            ns.append(n)
            n = 2 * n - 1
        return ns
    ns, n = [], 1
    while n <= n_max:
        ns.append(n)
        n *= 2
    return ns


class _NodeDots(Path):
    """Gradients at a set of alphas on the straight line, folded into s(alpha) per node.

    Used as a ``path`` so that ``attribute_detailed`` validates the inputs and builds the
    ``Core``; the returned ``Attribution`` is the straight-line IG of one reference rule
    (``ref_weights``, zero for nodes outside it).
    """

    uses_gradients = False

    def __init__(self, alphas: torch.Tensor, ref_weights: torch.Tensor) -> None:
        self.alphas, self.ref_weights = alphas, ref_weights
        self.dots: torch.Tensor | None = None

    def attribute(self, core: Core, xs: Tensors, bs: Tensors, options: Options) -> Attribution:
        N, n = core.batch, self.alphas.shape[0]
        acc = accumulation_dtype(xs[0].dtype)
        alphas = self.alphas.to(device=xs[0].device, dtype=xs[0].dtype)
        w_ref = self.ref_weights.to(device=xs[0].device, dtype=acc)
        diffs = [(x - b).reshape(N, -1).to(acc) for x, b in zip(xs, bs, strict=True)]
        line = StraightLine()
        ends = core.endpoint_outputs(xs, bs)
        dots, totals = [], [torch.zeros_like(d) for d in diffs]
        planner = core.planner(n, xs)
        start = 0
        while start < n:
            (_, grads, _), stop = planner.run(
                start,
                lambda s0, s1: core.gradient_chunk(line, xs, bs, alphas[s0:s1], with_ends=False),
            )
            k = stop - start
            dot = torch.zeros(k, N, dtype=acc, device=xs[0].device)
            for i, (gr, df) in enumerate(zip(grads, diffs, strict=True)):
                g = gr.reshape(k, N, -1).to(acc)
                dot += (g * df).sum(2)
                totals[i] += torch.einsum("k,knd->nd", w_ref[start:stop], g)
            dots.append(dot)
            start = stop
            core.report(stop, n)
        self.dots = torch.cat(dots)  # (n, N)
        attrs = tuple(
            (t * d).reshape(x.shape).to(x.dtype) for t, d, x in zip(totals, diffs, xs, strict=True)
        )
        out, base_out = ends
        return Attribution(
            attributions=attrs,
            delta=delta(attrs, out, base_out),
            output=out,
            baseline_output=base_out,
            n_evals=n,
            n_forward=n + 1,
        )


def convergence_curve(
    ig: IntegratedGradients,
    inputs: Any,
    baselines: Any = None,
    target: Any = None,
    methods: Sequence[str] = quadrature.METHODS,
    n_max: int = 64,
    additional_forward_args: Any = None,
    internal_batch_size: int | None = None,
) -> ConvergenceCurve:
    """Delta against n_steps for each method (straight-line IG), from shared nodes.

    Each method's curve has n = 1, 2, 4, ... <= ``n_max`` (the trapezoid: 2, 3, 5, 9, ...).
    Inputs, baselines, target and forward arguments are taken as by ``attribute``.
    """
    if not isinstance(ig, IntegratedGradients):
        raise TypeError(
            f"ig must be an ig_widget IntegratedGradients, got {type(ig).__name__}; "
            "pass IntegratedGradients(model)."
        )
    if isinstance(n_max, bool) or not isinstance(n_max, int) or n_max < 2:
        raise ValueError(f"n_max={n_max!r} must be an int >= 2 (the largest n_steps).")
    if isinstance(methods, str) or not methods:
        raise ValueError(f"methods={methods!r} must be a non-empty list of method names.")
    methods = [quadrature.check_method(m) for m in methods]
    rules = {m: [(n, *quadrature.rule(m, n)) for n in step_counts(m, n_max)] for m in methods}
    where: dict[float, int] = {}
    for levels in rules.values():
        for _, _, alphas in levels:
            for a in alphas.tolist():
                where.setdefault(a, len(where))
    nodes = torch.tensor(list(where), dtype=torch.float64)
    first_m = methods[0]
    _, w_ref, a_ref = rules[first_m][-1]
    ref = torch.zeros(len(where), dtype=torch.float64)
    for w, a in zip(w_ref.tolist(), a_ref.tolist(), strict=True):
        ref[where[a]] += w
    probe = _NodeDots(nodes, ref)
    res = ig.attribute_detailed(
        inputs,
        baselines,
        target=target,
        additional_forward_args=additional_forward_args,
        internal_batch_size=internal_batch_size,
        path=probe,
    )
    dots = probe.dots
    gap = (res.output - res.baseline_output).to(dots.dtype)
    curves: dict[str, list[tuple[int, torch.Tensor]]] = {}
    for m, levels in rules.items():
        curve = []
        for n, weights, alphas in levels:
            rows = torch.tensor([where[a] for a in alphas.tolist()], device=dots.device)
            w = torch.tensor(weights.tolist(), dtype=dots.dtype, device=dots.device)
            curve.append((n, w @ dots[rows] - gap))
        curves[m] = curve
    separate = sum(n for levels in rules.values() for n, _, _ in levels)
    return ConvergenceCurve(
        curves=curves,
        n_evals=len(where),
        n_evals_separate=separate,
        output=res.output,
        baseline_output=res.baseline_output,
        attributions=res.attributions,
    )
