"""``n_steps="auto"``: Gauss-Legendre panels, bisected where the completeness check fails.

Along the path, H(alpha) = sum_i dF/dx_i(g(alpha)) * g_i'(alpha) = d/dalpha F(g(alpha)), so
on every panel [a, b] the exact integral of H is F(g(b)) - F(g(a)), which costs two
forward passes without graph (far cheaper than gradient nodes). Each panel carries a
``NODES_PER_PANEL``-point Gauss-Legendre rule whose estimate of that integral is checked
against the exact value. Panels whose error is largest are bisected (one forward pass for
the new boundary, a fresh rule on each half) until the completeness error (the sum of
the panel errors, with their signs) is at most ``tol`` times |F(x) - F(x')| for every
example, or ``max_steps`` gradient nodes are spent. The panel errors steer where nodes
go; the stopping rule is the completeness error the user reads as delta.

Where F is smooth along the path one panel is often enough; nodes gather around kinks
(ReLU switching) and saturation, where rules on uniform nodes converge only like 1/n.
Gauss nodes never sit on the panel ends, so a gradient that is singular exactly at the
baseline (ReLU at 0 for a zero baseline) cannot mislead the check. The check covers the
sum over features: per-feature errors of opposite signs inside one panel can cancel and
go unseen, as with the convergence delta itself.

The steps: ``_Refiner.refine`` bisects panels until the check passes, ``assemble`` sums
the panels into attributions, ``trace`` lays the nodes out for plots; each panel is a
``Panel``.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from . import quadrature
from .core import Attribution, Core, PathTrace, Tensors, accumulation_dtype, delta

#: Gauss-Legendre nodes per panel (2 used the fewest evaluations over the benchmark
#: models among 2, 3, 4 and 6)
NODES_PER_PANEL = 2
#: panels narrower than this are not split again
MIN_WIDTH = 1e-6


@dataclass
class Panel:
    """One Gauss-Legendre panel [a, b] of the path and what its nodes found.

    ``fa``, ``fb``: F at the panel's ends (batch,); ``weights`` (p,) and ``alphas`` its
    nodes; ``outputs`` (p, batch) F at the nodes; ``contribs`` per input (p, batch,
    features): dF/dx * dg/dalpha at the nodes.
    """

    a: float
    b: float
    fa: torch.Tensor
    fb: torch.Tensor
    weights: torch.Tensor
    alphas: list[float]
    outputs: torch.Tensor
    contribs: list[torch.Tensor]

    @property
    def width(self) -> float:
        return self.b - self.a

    @property
    def middle(self) -> float:
        return (self.a + self.b) / 2

    def weighted(self, i: int) -> torch.Tensor:
        """Input ``i``'s weighted node contributions (p, batch, features)."""
        return self.weights.view(-1, 1, 1) * self.contribs[i]

    @property
    def gap(self) -> torch.Tensor:
        """The rule's estimate of F(b) - F(a) minus its exact value, per example."""
        est = sum(self.weighted(i).sum(0) for i in range(len(self.contribs))).sum(-1)
        return est - (self.fb - self.fa)


class _Refiner:
    """Gradient batches over new panels and forward passes at new panel ends."""

    def __init__(self, core: Core, path, xs: Tensors, bs: Tensors, max_steps: int) -> None:
        self.core, self.path, self.xs, self.bs = core, path, xs, bs
        self.max_steps = max_steps
        self.dtype, self.device = xs[0].dtype, xs[0].device
        self.acc = accumulation_dtype(self.dtype)
        self.diffs = tuple(x - b for x, b in zip(xs, bs, strict=True))
        self.w_ref, self.a_ref = (
            torch.tensor(v, dtype=torch.float64)
            for v in quadrature.rule("gausslegendre", NODES_PER_PANEL)
        )
        self.n_grad, self.n_forward = 0, 2

    def gradients(self, alphas: list[float]) -> tuple[torch.Tensor, list[torch.Tensor]]:
        """(F (k, N), per input contributions grad * slope (k, N, features))."""
        core, N, acc = self.core, self.core.batch, self.acc
        a = torch.tensor(alphas, dtype=self.dtype, device=self.device)
        planner = core.planner(len(alphas), self.xs)
        outs, parts, start = [], [], 0
        while start < len(alphas):
            (sel, grads, slopes), stop = planner.run(
                start,
                lambda s0, s1: core.gradient_chunk(
                    self.path, self.xs, self.bs, a[s0:s1], with_ends=False
                ),
            )
            k = stop - start
            outs.append(sel.reshape(k, N).to(acc))
            chunk = []
            for i, (gr, d) in enumerate(zip(grads, self.diffs, strict=True)):
                slope = d.reshape(1, N, -1) if slopes is None else slopes[i].reshape(k, N, -1)
                chunk.append(gr.reshape(k, N, -1).to(acc) * slope.to(acc))
            parts.append(chunk)
            start = stop
        self.n_grad += len(alphas)
        core.report(min(self.n_grad, self.max_steps), self.max_steps)
        return torch.cat(outs), [torch.cat([p[i] for p in parts]) for i in range(len(self.xs))]

    def values(self, alphas: list[float]) -> torch.Tensor:
        """F at the path points of ``alphas`` without graph, (k, N)."""
        a = torch.tensor(alphas, dtype=self.dtype, device=self.device)
        pts = self.path.values_at(self.xs, self.bs, a)
        k, N = len(alphas), self.core.batch
        rows = [p.reshape((k * N,) + x.shape[1:]) for p, x in zip(pts, self.xs, strict=True)]
        with torch.no_grad():
            out = self.core.outputs(rows, k)
        self.n_forward += k
        return out.reshape(k, N).to(self.acc)

    def new_panels(
        self, bounds: list[tuple[float, float, torch.Tensor, torch.Tensor]]
    ) -> list[Panel]:
        """Gauss-Legendre rules on each (a, b, F(a), F(b)), all in one gradient batch."""
        alphas: list[float] = []
        for a, b, _, _ in bounds:
            alphas += (a + (b - a) * self.a_ref).tolist()
        f, contribs = self.gradients(alphas)
        p = NODES_PER_PANEL
        return [
            Panel(
                a=a,
                b=b,
                fa=fa,
                fb=fb,
                weights=((b - a) * self.w_ref).to(device=self.device, dtype=self.acc),
                alphas=alphas[j * p : (j + 1) * p],
                outputs=f[j * p : (j + 1) * p],
                contribs=[t[j * p : (j + 1) * p] for t in contribs],
            )
            for j, (a, b, fa, fb) in enumerate(bounds)
        ]

    def refine(self, f_x: torch.Tensor, f_b: torch.Tensor, tol: float) -> tuple[list[Panel], float]:
        """Bisect the worst panels until the completeness error is within ``tol`` (or
        the budget is spent); returns the panels and the final error."""
        scale = (f_x - f_b).abs().clamp_min(torch.finfo(self.acc).tiny)
        panels = self.new_panels([(0.0, 1.0, f_b, f_x)])
        while True:
            gaps = torch.stack([p.gap for p in panels])  # (panels, N)
            errs = (gaps.abs() / scale).max(dim=1).values.tolist()
            total = float((gaps.sum(0).abs() / scale).max())
            budget = self.max_steps - self.n_grad
            if total <= tol or budget < 2 * NODES_PER_PANEL:
                return panels, total
            split = _worst(panels, errs, budget // (2 * NODES_PER_PANEL))
            if not split:
                return panels, total
            f_mid = dict(zip(split, self.values([panels[j].middle for j in split]), strict=True))
            bounds, keep = [], []
            for j, p in enumerate(panels):
                if j in f_mid:
                    bounds += [(p.a, p.middle, p.fa, f_mid[j]), (p.middle, p.b, f_mid[j], p.fb)]
                else:
                    keep.append(p)
            panels = sorted(keep + self.new_panels(bounds), key=lambda p: p.a)


def _worst(panels: list[Panel], errs: list[float], most: int) -> list[int]:
    """Indices (ascending) of up to ``most`` panels to bisect: those within a factor 4 of
    the worst error, worst first, that are still wide enough to split."""
    worst = max(errs)
    ranked = sorted(range(len(panels)), key=lambda j: -errs[j])
    chosen = [j for j in ranked if errs[j] >= worst / 4 and panels[j].width > MIN_WIDTH]
    return sorted(chosen[:most])


def assemble(panels: list[Panel], xs: Tensors) -> tuple[torch.Tensor, ...]:
    """Attributions per input: every panel's weighted contributions, summed."""
    return tuple(
        sum(p.weighted(i).sum(0) for p in panels).reshape(x.shape).to(x.dtype)
        for i, x in enumerate(xs)
    )


def trace(panels: list[Panel], f_b: torch.Tensor, f_x: torch.Tensor, xs: Tensors) -> PathTrace:
    """F and each node's contributions along the path, with the two ends added."""
    acc, device = f_x.dtype, f_x.device
    alphas = torch.tensor(
        [0.0] + [a for p in panels for a in p.alphas] + [1.0], dtype=acc, device=device
    )
    outputs = torch.cat([f_b.unsqueeze(0)] + [p.outputs for p in panels] + [f_x.unsqueeze(0)])
    integrand = []
    for i, x in enumerate(xs):
        end = torch.zeros((1,) + tuple(x.shape), dtype=acc, device=device)
        nodes = [p.weighted(i).reshape((-1,) + tuple(x.shape)) for p in panels]
        integrand.append(torch.cat([end, *nodes, end]))
    return PathTrace(alphas, outputs, tuple(integrand))


def integrate_adaptive(
    core: Core, path, xs: Tensors, bs: Tensors, tol: float, max_steps: int, with_trace: bool
) -> Attribution:
    """Attribute along ``path`` (a ``GradientPath``) until the completeness error is at
    most ``tol`` of |F(x) - F(x')| or ``max_steps`` gradient nodes are spent."""
    refiner = _Refiner(core, path, xs, bs, max_steps)
    f_x, f_b = core.endpoint_outputs(xs, bs)
    f_x, f_b = f_x.to(refiner.acc), f_b.to(refiner.acc)
    panels, total = refiner.refine(f_x, f_b, tol)
    attrs = assemble(panels, xs)
    warnings = []
    if total > tol:
        warnings.append(
            f"n_steps='auto' stopped at max_steps={max_steps} with a completeness error of "
            f"{total:.2g} of |F(x) - F(x')| (tol={tol:g}); raise max_steps or tol."
        )
    dtype = xs[0].dtype
    return Attribution(
        attributions=attrs,
        delta=delta(attrs, f_x, f_b),
        output=f_x.to(dtype),
        baseline_output=f_b.to(dtype),
        n_evals=refiner.n_grad,
        n_forward=refiner.n_grad + refiner.n_forward,
        trace=trace(panels, f_b, f_x, xs) if with_trace else None,
        warnings=warnings,
    )
