"""``n_steps="auto"``: nested Simpson panels, bisected where the error is.

Along the path, H(alpha) = sum_i dF/dx_i(g(alpha)) * g_i'(alpha) = d/dalpha F(g(alpha)), so
on every panel [a, b] the exact integral of H is F(g(b)) - F(g(a)). Every gradient node's
forward pass gives F at its point for free, so each panel's Simpson estimate
(b - a)/6 (H(a) + 4 H(m) + H(b)) can be checked against the exact value. Panels with the
largest error are bisected (two new gradient nodes each, at the quarter points; every
node computed so far is kept: the rule is nested) until the panel errors add up to at
most ``tol`` times
|F(x) - F(x')| for every example, or ``max_steps`` nodes are spent.

Where F is flat or linear along the path (saturation, ReLU regions) one panel suffices;
nodes concentrate around kinks and steep stretches, where uniform rules lose accuracy.
The check covers the sum over features: per-feature errors of opposite signs inside one
panel can cancel and go unseen, as with the convergence delta itself.
"""

from __future__ import annotations

import torch

#: panels narrower than this are not split again
MIN_WIDTH = 1e-6


def integrate_adaptive(core, xs, bs, g, tol: float, max_steps: int, trace: bool):
    from .integrated_gradients import Attribution, PathTrace, _custom_endpoints, _delta

    N, device, dtype = core.batch, xs[0].device, xs[0].dtype
    acc = torch.float32 if dtype in (torch.float16, torch.bfloat16) else dtype
    if g is not None:
        xs, bs = _custom_endpoints(g, xs, torch.zeros(1, dtype=dtype, device=device))
    diffs = tuple(x - b for x, b in zip(xs, bs))
    alphas: list[float] = []
    outputs: list[torch.Tensor] = []  # F per node, (N,)
    totals: list[torch.Tensor] = []  # H per node, (N,)
    contribs: list[list[torch.Tensor]] = []  # per node, per input: (N, features) of grad * slope

    def evaluate(new: list[float]) -> None:
        a = torch.tensor(new, dtype=dtype, device=device)
        planner = core._planner(len(new), xs)
        start = 0
        while start < len(new):
            (sel, grads, slopes), stop = planner.run(
                start, lambda s0, s1: core.gradient_chunk(xs, bs, diffs, g, a[s0:s1], with_ends=False)
            )
            k = stop - start
            parts = []
            for i, (gr, d) in enumerate(zip(grads, diffs)):
                c = gr.reshape(k, N, -1).to(acc)
                slope = d.reshape(1, N, -1) if slopes is None else slopes[i].reshape(k, N, -1)
                parts.append(c * slope.to(acc))
            h = sum(p.sum(-1) for p in parts)
            f = sel.reshape(k, N).to(acc)
            for j in range(k):
                alphas.append(new[start + j])
                outputs.append(f[j])
                totals.append(h[j])
                contribs.append([p[j] for p in parts])
            start = stop
            core._report(min(len(alphas), max_steps), max_steps)

    evaluate([0.0, 0.5, 1.0])
    leaves = [(0.0, 1.0)]
    while True:
        index = {a: i for i, a in enumerate(alphas)}
        f, h = torch.stack(outputs), torch.stack(totals)
        ia, im, ib = (
            torch.tensor([index[p] for p in pts], device=device)
            for pts in zip(*[(a, (a + b) / 2, b) for a, b in leaves])
        )
        width = torch.tensor([b - a for a, b in leaves], dtype=acc, device=device).unsqueeze(1)
        scale = (f[index[1.0]] - f[index[0.0]]).abs().clamp_min(torch.finfo(acc).tiny)
        simpson = width / 6 * (h[ia] + 4 * h[im] + h[ib])
        errs = ((simpson - (f[ib] - f[ia])).abs() / scale).max(dim=1).values.tolist()
        budget = max_steps - len(alphas)
        if sum(errs) <= tol or budget < 2:
            break
        worst = max(errs)
        ranked = sorted(range(len(leaves)), key=lambda j: -errs[j])
        split = [j for j in ranked if errs[j] >= worst / 4 and leaves[j][1] - leaves[j][0] > MIN_WIDTH]
        split = split[: budget // 2]
        if not split:
            break
        new_leaves, new_nodes = [], []
        for j, (a, b) in enumerate(leaves):
            if j in split:
                m = (a + b) / 2
                new_leaves += [(a, m), (m, b)]
                new_nodes += [(a + m) / 2, (m + b) / 2]
            else:
                new_leaves.append((a, b))
        leaves = new_leaves
        evaluate(new_nodes)

    # composite Simpson weights over the final leaves
    index = {a: i for i, a in enumerate(alphas)}
    w = [0.0] * len(alphas)
    for a, b in leaves:
        for p, share in ((a, 1.0), ((a + b) / 2, 4.0), (b, 1.0)):
            w[index[p]] += share * (b - a) / 6
    order = sorted(range(len(alphas)), key=alphas.__getitem__)
    al = torch.tensor([alphas[i] for i in order], dtype=acc, device=device)
    wt = torch.tensor([w[i] for i in order], dtype=acc, device=device)
    f = torch.stack([outputs[i] for i in order])
    attrs = []
    for i, x in enumerate(xs):
        stacked = torch.stack([contribs[j][i] for j in order])  # (m, N, features)
        attrs.append((wt @ stacked.reshape(len(order), -1)).reshape(x.shape).to(dtype))
    warnings = []
    if sum(errs) > tol:
        warnings.append(
            f"n_steps='auto' stopped at max_steps={max_steps} with an estimated error of "
            f"{sum(errs):.2g} (tol={tol:g}); raise max_steps or tol."
        )
    out, base_out = f[-1], f[0]
    tr = None
    if trace:
        integrand = tuple(
            (wt.view(-1, 1, 1) * torch.stack([contribs[j][i] for j in order])).reshape(
                (len(order),) + tuple(x.shape)
            )
            for i, x in enumerate(xs)
        )
        tr = PathTrace(al, f, integrand)
    return Attribution(
        attributions=tuple(attrs),
        delta=_delta(attrs, out, base_out),
        output=out.to(dtype),
        baseline_output=base_out.to(dtype),
        n_evals=len(alphas),
        n_forward=len(alphas),
        trace=tr,
        warnings=warnings,
    )
