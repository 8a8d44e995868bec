"""``n_steps="auto"``: the engine's side of the rule planned by ``engine/probe.py``.

``probe.integrate`` chooses the gradient nodes from forward-only probes of F along the path
(a central-difference shadow of the gradient pass predicts each candidate rule's
completeness error), evaluates them once, and splits panels further with real gradients
where the exact per-panel check (F(g(b)) - F(g(a)) from two forward passes, far cheaper
than gradient nodes) still fails, until the sum of the panel error sizes is at most
``tol`` times |F(x) - F(x')| for every example or ``max_steps`` gradient nodes are spent.
Gauss nodes never sit on the panel ends, so a gradient singular exactly at the baseline
(ReLU at 0 for a zero baseline) cannot mislead the check. The check covers the sum over
features: per-feature errors of opposite signs inside one panel can go unseen, as with
the convergence delta itself.

This module supplies the planner's two callables (``_Refiner.values``: F at path points
without graph; ``_Refiner.gradients``: each node's per-feature contributions), then
``assemble`` sums the panels into attributions and ``trace`` lays the nodes out for
plots; each panel is a ``Panel``.

Several examples on the straight line get nodes of their own (``integrate_per_example``,
``probe.integrate_each``): an example whose F moves in a steep step no longer makes a
smooth one in the same batch pay for its nodes, and the model still sees batches
(``_Rows`` packs the rows all examples ask for into shared calls). That needs a forward
whose rows may be grouped freely (``packable``: a module, a callable marked
``row_wise = True``, or a layer forward around either). A trace, another path, or any
other callable (which may pair row r with example r mod batch) keeps the shared nodes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import torch

from . import probe
from .batching import ChunkPlanner
from .core import Attribution, Core, PathTrace, Tensors, accumulation_dtype, delta
from .model_state import sees_rows_alone


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

    def weighted(self, i: int) -> torch.Tensor:
        """Input ``i``'s weighted node contributions (p, batch, features)."""
        return self.weights.view(-1, 1, 1) * self.contribs[i]


class _Refiner:
    """Gradient batches over new panels and forward passes at new panel ends."""

    def __init__(self, core: Core, path, xs: Tensors, bs: Tensors, max_steps: int) -> None:
        self.core, self.path, self.xs, self.bs = core, path, xs, bs
        self.max_steps = max_steps
        self.dtype, self.device = xs[0].dtype, xs[0].device
        self.acc = accumulation_dtype(self.dtype)
        self.diffs = tuple(x - b for x, b in zip(xs, bs, strict=True))
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


def _planned_panels(
    refiner: _Refiner, f_x: torch.Tensor, f_b: torch.Tensor, tol: float, max_steps: int
) -> tuple[list[Panel], float]:
    """The panels ``probe.integrate`` plans, with the outputs and per-feature
    contributions the gradient pass found at their nodes; and the final error."""
    node_f: list[torch.Tensor] = []
    node_c: list[list[torch.Tensor]] = []

    def slopes(a: torch.Tensor) -> torch.Tensor:
        f, contribs = refiner.gradients(a.tolist())
        node_f.append(f)
        node_c.append(contribs)
        return sum(c.sum(-1) for c in contribs)

    plan = probe.integrate(
        lambda a: refiner.values(a.tolist()), slopes, f_b, f_x, tol, max_steps, refiner.dtype
    )
    outputs = torch.cat(node_f)
    contribs = [torch.cat([c[i] for c in node_c]) for i in range(len(refiner.xs))]
    device, acc = refiner.device, refiner.acc
    panels = [
        Panel(
            a=p.a,
            b=p.b,
            fa=p.fa.to(device, acc),
            fb=p.fb.to(device, acc),
            weights=p.weights.to(device, acc),
            alphas=p.alphas.tolist(),
            outputs=outputs[p.ids],
            contribs=[c[p.ids] for c in contribs],
        )
        for p in plan.panels
    ]
    return panels, plan.error


def integrate_adaptive(
    core: Core, path, xs: Tensors, bs: Tensors, tol: float, max_steps: int, with_trace: bool
) -> Attribution:
    """Attribute along ``path`` (a ``GradientPath``) until the completeness error is at
    most ``tol`` of |F(x) - F(x')| or ``max_steps`` gradient nodes are spent.

    Several examples on the straight line get their own nodes each
    (``integrate_per_example``) when the forward lets their rows be packed (``packable``)
    and no trace is asked for; otherwise the nodes are shared by the batch."""
    from .paths import StraightLine  # paths imports this module

    if core.batch > 1 and type(path) is StraightLine and not with_trace and packable(core.fwd):
        return integrate_per_example(core, xs, bs, tol, max_steps)
    refiner = _Refiner(core, path, xs, bs, max_steps)
    f_x, f_b = core.endpoint_outputs(xs, bs)
    f_x, f_b = f_x.to(refiner.acc), f_b.to(refiner.acc)
    panels, total = _planned_panels(refiner, f_x, f_b, tol, max_steps)
    attrs = assemble(panels, xs)
    dtype = xs[0].dtype
    return Attribution(
        attributions=attrs,
        delta=delta(attrs, f_x, f_b),
        output=f_x.to(dtype),
        baseline_output=f_b.to(dtype),
        n_evals=refiner.n_grad,
        n_forward=refiner.n_grad + refiner.n_forward,
        trace=trace(panels, f_b, f_x, xs) if with_trace else None,
        warnings=_stopped(total, tol, max_steps),
    )


def _stopped(total: float, tol: float, max_steps: int) -> list[str]:
    if total <= tol:
        return []
    return [
        f"n_steps='auto' stopped at max_steps={max_steps} with a completeness error of "
        f"{total:.2g} of |F(x) - F(x')| (tol={tol:g}); raise max_steps or tol."
    ]


def packable(fwd) -> bool:
    """Whether rows of different examples may share a model call in any grouping: the
    forward sees each row on its own (``model_state.sees_rows_alone``: a module, or a
    callable marked ``row_wise = True``) or pairs rows with examples itself
    (``for_rows``, as the layer forwards of ``engine/layer.py`` around such a forward
    do). Any other callable may pair row r with example r mod batch, as the engine's
    layout promises (a closure over per-example data): a batch then shares its nodes,
    which on a batch of 16 CNN images cost about a third less time than per-example
    nodes padded to that layout."""
    return callable(getattr(fwd, "for_rows", None)) or sees_rows_alone(fwd)


class _Rows:
    """F and gradients at points x'_e + alpha (x_e - x'_e) with alphas of each example's
    own (straight line), for all examples in shared model calls: the rows asked for are
    packed one after another, each run with its own example's target and additional
    arguments (the forward must be ``packable``)."""

    def __init__(self, core: Core, xs: Tensors, bs: Tensors, max_steps: int) -> None:
        self.core, self.xs, self.bs, self.max_steps = core, xs, bs, max_steps
        self.dtype, self.device = xs[0].dtype, xs[0].device
        self.acc = accumulation_dtype(self.dtype)
        self.diffs = tuple(x - b for x, b in zip(xs, bs, strict=True))
        #: per example: per input contributions (k, features) at its gradient nodes
        self.node_c: list[list[list[torch.Tensor]]] = [[] for _ in range(core.batch)]
        self.grad_rows = self.value_rows = 0

    @staticmethod
    def _layout(asked: dict[int, torch.Tensor]):
        """(example of each row (R,), alpha of each row (R,), positions of each
        example's answers)."""
        rows_of = torch.cat([torch.full((len(a),), i, dtype=torch.long) for i, a in asked.items()])
        alphas = torch.cat(list(asked.values()))
        take, at = {}, 0
        for i, a in asked.items():
            take[i] = torch.arange(at, at + len(a))
            at += len(a)
        return rows_of, alphas, take

    def _caller(self, rows_of: torch.Tensor):
        """A function rows -> selected outputs for the rows of examples ``rows_of``."""
        core = self.core
        target = core.target
        if target.per_example is not None:
            picked = tuple(i[rows_of.to(i.device)] for i in target.per_example)
            rows = rows_of.tolist()
            target = replace(
                target,
                per_example=picked,
                indices=tuple(tuple(c[r] for r in rows) for c in target.indices)
                if target.indices is not None
                else None,
            )
        target = replace(target, batch=len(rows_of))
        args = tuple(
            a[rows_of.to(a.device)] if isinstance(a, torch.Tensor) and a.dim() > 0 else a
            for a in core.args
        )
        fwd = core.fwd
        for_rows = getattr(fwd, "for_rows", None)
        if callable(for_rows):  # a forward that pairs rows with examples itself
            fwd = for_rows(rows_of)
        sub = Core(fwd, target, args, len(rows_of), None, None, core.forward_dtypes)
        sub.range_checked = True  # checked on the end points
        return lambda rows: sub.outputs(rows, 1)

    def _points(self, rows_of: torch.Tensor, alphas: torch.Tensor) -> list[torch.Tensor]:
        a = alphas.to(self.device, self.dtype)
        idx = rows_of.to(self.device)
        return [
            torch.addcmul(b[idx], a.view((-1,) + (1,) * (x.dim() - 1)), d[idx])
            for x, b, d in zip(self.xs, self.bs, self.diffs, strict=True)
        ]

    def _run(self, asked: dict[int, torch.Tensor], with_grad: bool):
        """(F (R,), per input contributions (R, features) or None, positions per example)."""
        rows_of, alphas, take = self._layout(asked)
        n_rows, acc = len(alphas), self.acc
        f = torch.empty(n_rows, dtype=acc, device=self.device)
        contribs = None
        if with_grad:
            contribs = [
                torch.empty(n_rows, d[0].numel(), dtype=acc, device=self.device) for d in self.diffs
            ]
        planner = ChunkPlanner(
            n_rows,
            1,
            sum(x[0].numel() for x in self.xs),
            self.device,
            self.core.internal_batch_size,
        )

        def run(r0: int, r1: int) -> None:
            call = self._caller(rows_of[r0:r1])
            rows = self._points(rows_of[r0:r1], alphas[r0:r1])
            if not with_grad:
                with torch.no_grad():
                    f[r0:r1] = call(rows).to(acc)
                return
            rows = [r.detach().requires_grad_() for r in rows]
            with torch.enable_grad():
                sel = call(rows)
                grads = (None,) * len(rows)
                if sel.requires_grad:
                    grads = torch.autograd.grad(sel.sum(), rows, allow_unused=True)
            f[r0:r1] = sel.detach().to(acc)
            idx = rows_of[r0:r1].to(self.device)
            for c, gr, d in zip(contribs, grads, self.diffs, strict=True):
                if gr is None:
                    c[r0:r1] = 0
                else:
                    c[r0:r1] = gr.reshape(r1 - r0, -1).to(acc) * d[idx].reshape(r1 - r0, -1).to(acc)

        start = 0
        while start < n_rows:
            _, start = planner.run(start, run)
        return f, contribs, take

    def values(self, asked: dict[int, torch.Tensor]) -> dict[int, torch.Tensor]:
        """F at each example's own alphas, without graph."""
        f, _, take = self._run(asked, with_grad=False)
        self.value_rows += sum(len(a) for a in asked.values())
        return {i: f[t.to(f.device)] for i, t in take.items()}

    def gradients(self, asked: dict[int, torch.Tensor]) -> dict[int, torch.Tensor]:
        """H at each example's own alphas; keeps the per-feature contributions."""
        _, contribs, take = self._run(asked, with_grad=True)
        self.grad_rows += sum(len(a) for a in asked.values())
        n = self.core.batch
        self.core.report(min(self.grad_rows / n, self.max_steps), self.max_steps)
        out = {}
        for i, t in take.items():
            parts = [c[t.to(c.device)] for c in contribs]
            self.node_c[i].append(parts)
            out[i] = sum(p.sum(1) for p in parts)
        return out


def integrate_per_example(
    core: Core, xs: Tensors, bs: Tensors, tol: float, max_steps: int
) -> Attribution:
    """``n_steps="auto"`` with nodes planned and refined per example (``probe.integrate_each``):
    every example spends the gradient nodes its own integrand needs, while the model
    sees all examples in shared calls (``_Rows``).

    ``n_evals`` is the gradient evaluations per example on average (the examples' own
    gradient nodes, over the batch size, rounded up): the count a fixed rule of n nodes
    spends as n. ``n_forward`` counts the examples' own points likewise."""
    rows = _Rows(core, xs, bs, max_steps)
    f_x, f_b = core.endpoint_outputs(xs, bs)
    f_x, f_b = f_x.to(rows.acc), f_b.to(rows.acc)
    plans = probe.integrate_each(rows.values, rows.gradients, f_b, f_x, tol, max_steps, rows.dtype)
    attrs = [
        torch.zeros(core.batch, d[0].numel(), dtype=rows.acc, device=rows.device)
        for d in rows.diffs
    ]
    for e, plan in enumerate(plans):
        weights = plan.node_weights.to(rows.device, rows.acc)
        for i, a in enumerate(attrs):
            a[e] = weights @ torch.cat([c[i] for c in rows.node_c[e]])
    out = tuple(a.reshape(x.shape).to(x.dtype) for a, x in zip(attrs, xs, strict=True))
    n = core.batch
    dtype = xs[0].dtype
    return Attribution(
        attributions=out,
        delta=delta(out, f_x, f_b),
        output=f_x.to(dtype),
        baseline_output=f_b.to(dtype),
        n_evals=math.ceil(rows.grad_rows / n),
        n_forward=math.ceil((rows.grad_rows + rows.value_rows) / n) + 2,
        warnings=_stopped(max(p.error for p in plans), tol, max_steps),
    )
