"""``n_steps="auto"``: the engine's side of the rule planned by ``engine/probe.py``.

``probe.integrate`` chooses the gradient nodes from forward-only probes of F along the path
(a central-difference shadow of the gradient pass predicts each candidate rule's
completeness error), evaluates them once, and splits panels further with real gradients
where the exact per-panel check (F(g(b)) - F(g(a)) from forward passes) still fails. This
module supplies its two callables, F at path points without graph and H = dF/dalpha at
gradient nodes (keeping each node's per-feature contributions), and sums the weighted
contributions into attributions and, on request, the path trace.
"""

from __future__ import annotations

import torch

from . import probe


def integrate_adaptive(core, xs, bs, g, tol: float, max_steps: int, trace: bool):
    from .integrated_gradients import (
        Attribution,
        PathTrace,
        _as_tuple,
        _custom_endpoints,
        _delta,
        straight_points,
    )

    N, device, dtype = core.batch, xs[0].device, xs[0].dtype
    acc = torch.float32 if dtype in (torch.float16, torch.bfloat16) else dtype
    if g is not None:
        xs, bs = _custom_endpoints(g, xs, torch.zeros(1, dtype=dtype, device=device))
    diffs = tuple(x - b for x, b in zip(xs, bs, strict=True))
    spent = {"grad": 0, "forward": 2}

    def gradients(alphas: list[float]):
        """(F (k, N), per input contributions grad * slope (k, N, features))."""
        a = torch.tensor(alphas, dtype=dtype, device=device)
        planner = core._planner(len(alphas), xs)
        outs, parts, start = [], [], 0
        while start < len(alphas):
            (sel, grads, slopes), stop = planner.run(
                start,
                lambda s0, s1: core.gradient_chunk(xs, bs, diffs, g, a[s0:s1], with_ends=False),
            )
            k = stop - start
            outs.append(sel.reshape(k, N).to(acc))
            parts.append(
                [
                    gr.reshape(k, N, -1).to(acc)
                    * (d.reshape(1, N, -1) if slopes is None else slopes[i].reshape(k, N, -1)).to(
                        acc
                    )
                    for i, (gr, d) in enumerate(zip(grads, diffs, strict=True))
                ]
            )
            start = stop
        spent["grad"] += len(alphas)
        core._report(min(spent["grad"], max_steps), max_steps)
        return torch.cat(outs), [torch.cat([p[i] for p in parts]) for i in range(len(xs))]

    def values(alphas: list[float]) -> torch.Tensor:
        """F at the path points of ``alphas`` without graph, (k, N)."""
        a = torch.tensor(alphas, dtype=dtype, device=device)
        if g is None:
            pts = straight_points(xs, bs, diffs, a)
        else:
            with torch.no_grad():
                pts = _as_tuple(g(a))
        rows = [p.reshape((len(alphas) * N,) + x.shape[1:]) for p, x in zip(pts, xs, strict=True)]
        with torch.no_grad():
            out = core._outputs(rows, len(alphas))
        spent["forward"] += len(alphas)
        return out.reshape(len(alphas), N).to(acc)

    # -- glue: the rule comes from engine/probe.py (forward-only planning) -----------
    f_x, f_b = core.endpoint_outputs(xs, bs)
    f_x, f_b = f_x.to(acc), f_b.to(acc)
    node_f, node_c = [], []

    def slopes(a: torch.Tensor) -> torch.Tensor:
        """H = dF/dalpha at gradient nodes; keeps F and per-feature parts for later."""
        f, contribs = gradients(a.tolist())
        node_f.append(f)
        node_c.append(contribs)
        return sum(c.sum(-1) for c in contribs)

    plan = probe.integrate(lambda a: values(a.tolist()), slopes, f_b, f_x, tol, max_steps, dtype)
    w = plan.node_weights.to(device=device, dtype=acc)
    contribs = [torch.cat([c[i] for c in node_c]) for i in range(len(xs))]
    attrs = [
        (w.view(-1, 1, 1) * c).sum(0).reshape(x.shape).to(dtype)
        for c, x in zip(contribs, xs, strict=True)
    ]
    total = plan.error
    warnings = []
    if total > tol:
        warnings.append(
            f"n_steps='auto' stopped at max_steps={max_steps} with a completeness error of "
            f"{total:.2g} of |F(x) - F(x')| (tol={tol:g}); raise max_steps or tol."
        )
    tr = None
    if trace:
        ids = torch.tensor([i for p in plan.panels for i in p.ids], device=device)
        node_alpha = torch.cat([p.alphas for p in plan.panels])
        order = torch.argsort(node_alpha).to(device)
        ids = ids[order]
        al = torch.cat([torch.zeros(1), node_alpha.sort().values, torch.ones(1)])
        f = torch.cat([f_b.unsqueeze(0), torch.cat(node_f)[ids], f_x.unsqueeze(0)])
        integrand = tuple(
            torch.cat(
                [
                    torch.zeros((1,) + tuple(x.shape), dtype=acc, device=device),
                    (w[ids].view(-1, 1, 1) * c[ids]).reshape((-1,) + tuple(x.shape)),
                    torch.zeros((1,) + tuple(x.shape), dtype=acc, device=device),
                ]
            )
            for c, x in zip(contribs, xs, strict=True)
        )
        tr = PathTrace(al.to(device=device, dtype=acc), f, integrand)
    # -- end of glue ------------------------------------------------------------------
    return Attribution(
        attributions=tuple(attrs),
        delta=_delta(attrs, f_x, f_b),
        output=f_x.to(dtype),
        baseline_output=f_b.to(dtype),
        n_evals=spent["grad"],
        n_forward=spent["grad"] + spent["forward"],
        trace=tr,
        warnings=warnings,
    )
