"""Paths computed exactly with forward passes: extremal orders and Shapley averages.

On an axis-parallel (extremal) path each feature moves alone, so its attribution is
exactly F(after its move) - F(before it): no gradients, no quadrature. All three
strategies evaluate F at points ``mask ? x : x'`` for batches of masks; they differ in
which masks and how the values are combined:

- ``extremal``: the d + 1 prefixes of one order;
- ``exact_shapley``: all 2^d subsets, weighted by the Shapley coalition weights;
- ``sampled_shapley``: the prefixes of ``samples`` random orders, averaged.
"""

from __future__ import annotations

from collections.abc import Callable
from math import factorial

import torch

from .batching import ChunkPlanner
from .core import MAX_TRACE_ELEMENTS, Attribution, Core, PathTrace, Tensors, delta, split_features


def shapley_weights(d: int) -> list[float]:
    """w[s] = s! (d - s - 1)! / d!, the weight of a coalition of size s in the Shapley sum."""
    return [factorial(s) * factorial(d - s - 1) / factorial(d) for s in range(d)]


class _Masked:
    """The inputs flattened per example, and F at ``mask ? x : x'`` for batches of masks."""

    def __init__(
        self, core: Core, xs: Tensors, bs: Tensors, groups: torch.Tensor | None = None
    ) -> None:
        N = core.batch
        self.core, self.xs = core, xs
        self.flat_x = torch.cat([x.reshape(N, -1) for x in xs], dim=1)
        self.flat_b = torch.cat([b.reshape(N, -1) for b in bs], dim=1)
        self.n_features = self.flat_x.shape[1]
        self.device = self.flat_x.device
        self.acc = torch.float64 if self.flat_x.dtype == torch.float64 else torch.float32
        #: the group of each flattened feature (0..G-1), or None: then each feature is
        #: a player of its own; with groups, the players are the groups (a group moves
        #: together) and ``d`` counts groups
        self.groups = None if groups is None else groups.to(self.device)
        self.d = self.n_features if groups is None else int(groups.max()) + 1

    def spread(self, per_player: torch.Tensor) -> torch.Tensor:
        """(..., d) values per player -> (..., n_features): a group's value shared evenly."""
        if self.groups is None:
            return per_player
        sizes = torch.bincount(self.groups, minlength=self.d).to(per_player.dtype)
        return per_player[..., self.groups] / sizes[self.groups]

    def values(self, n_rows: int, mask_rows: Callable[[int, int], torch.Tensor]) -> torch.Tensor:
        """F at the points for masks 0..n_rows-1 -> (n_rows, batch), in ``acc``."""
        core, N, d = self.core, self.core.batch, self.n_features
        sizes = [x[0].numel() for x in self.xs]
        planner = ChunkPlanner(n_rows, N, d, self.device, core.internal_batch_size)

        def chunk(s0: int, s1: int) -> torch.Tensor:
            mask = mask_rows(s0, s1)  # (k, players) bool
            if self.groups is not None:
                mask = mask[:, self.groups]  # (k, features)
            pts = torch.where(mask.unsqueeze(1), self.flat_x.unsqueeze(0), self.flat_b.unsqueeze(0))
            k = s1 - s0
            parts = torch.split(pts.reshape(k * N, d), sizes, dim=1)
            rows = [p.reshape((k * N,) + x.shape[1:]) for p, x in zip(parts, self.xs, strict=True)]
            with torch.no_grad():
                return core.outputs(rows, k).reshape(k, N)

        out, start = [], 0
        while start < n_rows:
            v, start = planner.run(start, chunk)
            out.append(v)
            core.report(start, n_rows)
        return torch.cat(out).to(self.acc)

    def result(
        self, flat_attr: torch.Tensor, vals: torch.Tensor, n_forward: int, tr: PathTrace | None
    ) -> Attribution:
        """``vals[0]`` is F(x'), ``vals[-1]`` F(x); ``flat_attr`` (N, players)."""
        flat_attr = self.spread(flat_attr)
        attrs = tuple(
            a.to(x.dtype) for a, x in zip(split_features(flat_attr, self.xs), self.xs, strict=True)
        )
        dtype = self.flat_x.dtype
        out, base_out = vals[-1].to(dtype), vals[0].to(dtype)
        return Attribution(
            attributions=attrs,
            delta=delta(attrs, out, base_out),
            output=out,
            baseline_output=base_out,
            n_evals=0,
            n_forward=n_forward,
            trace=tr,
        )


def extremal(
    core: Core,
    xs: Tensors,
    bs: Tensors,
    order: Callable[[int], list[int]],
    trace: bool,
    groups: torch.Tensor | None = None,
) -> Attribution:
    """Features (or groups) move one at a time in ``order(d)``; each gets F(after) - F(before)."""
    m = _Masked(core, xs, bs, groups)
    d, N, device, acc = m.d, core.batch, m.device, m.acc
    perm = torch.tensor(order(d), device=device)
    rank = torch.empty_like(perm)
    rank[perm] = torch.arange(d, device=device)
    steps = torch.arange(d + 1, device=device)
    vals = m.values(d + 1, lambda s0, s1: rank.unsqueeze(0) < steps[s0:s1].unsqueeze(1))
    gains = vals[1:] - vals[:-1]  # (d, N): step j moved feature perm[j]
    flat_attr = torch.empty(N, d, dtype=acc, device=device)
    flat_attr[:, perm] = gains.T
    tr = None
    if trace:
        integrand = None
        if (d + 1) * N * m.n_features <= MAX_TRACE_ELEMENTS:
            dense = torch.zeros(d + 1, N, d, dtype=acc, device=device)
            dense[steps[1:], :, perm] = gains
            integrand = split_features(m.spread(dense), xs)
        tr = PathTrace(steps.to(acc) / d, vals, integrand)
    return m.result(flat_attr, vals, d + 1, tr)


def exact_shapley(
    core: Core, xs: Tensors, bs: Tensors, max_features: int, groups: torch.Tensor | None = None
) -> Attribution:
    """Shapley values of v(S) = F(x_S, x'_rest) by enumerating all 2^d subsets."""
    m = _Masked(core, xs, bs, groups)
    d, N, device, acc = m.d, core.batch, m.device, m.acc
    if d > max_features:
        raise ValueError(
            f"AllOrderings() enumerates all 2^{d} subsets of the {d} features, which is "
            f"too many (the limit is {max_features}); pass AllOrderings(samples=k) to "
            "average k random orders instead."
        )
    subsets = torch.arange(2**d, device=device)
    bits = 2 ** torch.arange(d, device=device)
    vals = m.values(2**d, lambda s0, s1: (subsets[s0:s1].unsqueeze(1) & bits) != 0)
    size = torch.tensor([bin(s).count("1") for s in range(2**d)], device=device)
    weight = torch.tensor(shapley_weights(d), dtype=acc, device=device)
    flat_attr = torch.empty(N, d, dtype=acc, device=device)
    for i in range(d):
        without = subsets[(subsets & (1 << i)) == 0]
        gain = vals[without | (1 << i)] - vals[without]
        flat_attr[:, i] = (weight[size[without]].unsqueeze(1) * gain).sum(0)
    return m.result(flat_attr, vals[[0, -1]], 2**d, None)


def sampled_shapley(
    core: Core,
    xs: Tensors,
    bs: Tensors,
    samples: int,
    seed: int,
    groups: torch.Tensor | None = None,
) -> Attribution:
    """The extremal attributions averaged over ``samples`` random orders (seeded)."""
    m = _Masked(core, xs, bs, groups)
    d, N, device, acc = m.d, core.batch, m.device, m.acc
    gen = torch.Generator().manual_seed(seed)
    perms = torch.stack([torch.randperm(d, generator=gen) for _ in range(samples)]).to(device)
    ranks = torch.empty_like(perms)
    ranks.scatter_(1, perms, torch.arange(d, device=device).expand_as(perms))
    steps = torch.arange(d + 1, device=device)

    def mask_rows(s0: int, s1: int) -> torch.Tensor:
        r = torch.arange(s0, s1, device=device)
        return ranks[r // (d + 1)] < steps[r % (d + 1)].unsqueeze(1)

    vals = m.values(samples * (d + 1), mask_rows).reshape(samples, d + 1, N)
    gains = vals[:, 1:] - vals[:, :-1]  # (samples, d, N), step j moved perms[:, j]
    flat_attr = torch.zeros(N, d, dtype=acc, device=device)
    for s in range(samples):
        flat_attr[:, perms[s]] += gains[s].T
    flat_attr /= samples
    return m.result(flat_attr, vals[0, [0, -1]], samples * (d + 1), None)
