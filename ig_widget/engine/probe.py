"""``n_steps="auto"``: gradient nodes planned from forward-only probes of F along the path.

Along the path, H(alpha) = d/dalpha F(g(alpha)) = sum_i dF/dx_i(g(alpha)) * g_i'(alpha) is
the integrand whose sum over features IG integrates, and F(g(alpha)) costs a forward pass
without graph, several times cheaper than a gradient node. Three facts follow:

- The exact integral of H over any panel [a, b] is F(g(b)) - F(g(a)): a rule's
  completeness error on that panel is known from two forward values.
- H itself can be estimated from forward values alone by a central difference,
  (F(alpha + e) - F(alpha - e)) / 2e: a *shadow* of the gradient pass, accurate to about
  1e-4 of |F(x) - F(x')| in float32, which is plenty to predict whether a rule meets a
  tolerance of 1e-2.
- A forward scan (log-spaced next to both ends plus a coarse uniform grid) shows where F
  changes: a scale-invariant stem (a normalisation after a bias-free layer) puts all of
  F(x) - F(x') in a sliver next to alpha = 0, saturation in a steep step anywhere.

So the whole search for a rule runs on the shadow, paying forward passes only: (1) one
Gauss-Legendre rule of n nodes on [0, 1], for n = 1, 2, 3, ..., counted as met only when
the next n is close to ``tol`` too (a kinked integrand hits the total by luck at some
n); (2) composite panels whose edges equidistribute the probed variation of F (a change
of variables following |dF/dalpha|, nodes crowding where F moves); (3) composite
Gauss-Legendre panels of ``order`` nodes, the worst panels split until the sum of the
panels' error sizes (a bound on the completeness error in which errors of different
panels cannot cancel) is within ``tol``. A panel is split where the probed variation of
F is halved when that variation is concentrated, else in the middle, so a sliver next
to an endpoint gets geometrically graded panels; a panel spanning a ratio of
``WARP_RATIO`` takes its rule in log(alpha). The cheapest candidate that meets ``tol``
in the shadow is evaluated with real gradients once; its exact per-panel check (the real
rule's estimate against F(b) - F(a), summed in size over panels) then decides: within
``tol`` it is the answer, otherwise the worst panels are split further with real
gradients until ``tol`` or ``max_steps``.

Forward passes are spent sparingly: F is kept by alpha (no path point is asked twice),
a rule's next-rule check is asked for only when the rule meets ``tol``, a composite
candidate stops refining once it holds more nodes than the best candidate found, and
``Plan.probes`` counts the forward points of each stage (``benchmarks/auto_probes.py``).

The module takes plain callables, so any engine can use it: ``values(alphas)`` gives F at
path points (forward only, (k, batch)) and ``slopes(alphas)`` gives H at gradient nodes
((k, batch)); the engine keeps the per-feature parts of each gradient call itself and
weights them with ``Plan.node_weights`` (one weight per gradient node, in call order; 0 for
nodes a refinement replaced). With ``integrate`` the nodes are shared by all examples of
a batch and every check takes the worst example; ``integrate_each`` plans every example
on its own nodes (the planner is a generator of requests, ``plan``, so the requests of
all examples are answered by shared calls). Like the convergence delta, the checks see
the sum over features: per-feature errors of opposite sign can cancel unseen.
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

import torch

from . import quadrature

Values = Callable[[torch.Tensor], torch.Tensor]
Slopes = Callable[[torch.Tensor], torch.Tensor]
#: a request of the planner: ("values" or "slopes", alphas (k,) float64)
Request = tuple[str, torch.Tensor]
T = TypeVar("T")
#: a planning step: yields requests, receives their float64 CPU answers (k, batch)
Steps = Generator[Request, torch.Tensor, T]

#: nodes per panel tried for composite rules in the shadow search
PANEL_ORDERS = (2, 3)
#: largest single-rule n tried in the shadow search
MAX_SINGLE_N = 64
#: forward probe: decades next to alpha = 0 and alpha = 1, and a uniform grid
PROBE_DECADES = (1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1)
PROBE_GRID = 8
#: central-difference step as a fraction of the panel width
FD_STEP = 1e-3
#: panels [a, b] with 0 < a and b / a at least this take their rule in log(alpha): exact
#: for per-feature integrands c_i / alpha, the form a scale-invariant model gives where F
#: is flat (d/dx_i F(alpha x) = F_i(x) / alpha), which the completeness check cannot see
WARP_RATIO = 16.0
#: panels narrower than this are never split
MIN_WIDTH = 1e-12
#: the most nodes a shadow refinement may place (replaced ones included), two forward
#: points each. An integrand that needs more is rough all along the path (ReLU units
#: switching everywhere): there the shadow's forward points outnumbered the gradient
#: nodes they placed many times over (a random 512-token encoder: 4,600 points, 31 s,
#: and still no candidate), so the real refinement takes over sooner. It may spend more
#: gradient nodes than an unlimited shadow would have found (2x on 400 random kinks)
#: for a fraction of the forward points; smooth and saturating cases never reach this.
SHADOW_MAX_NODES = 128


@dataclass
class Panel:
    """A Gauss-Legendre rule of ``order`` nodes on [a, b] and H at its nodes.

    ``fa``, ``fb``: F at the ends (batch,); ``alphas``, ``weights``: (order,) float64;
    ``h``: H at the nodes (order, batch); ``ids``: which gradient evaluations they are
    (None in the shadow).
    """

    a: float
    b: float
    fa: torch.Tensor
    fb: torch.Tensor
    alphas: torch.Tensor
    weights: torch.Tensor
    h: torch.Tensor
    ids: list[int] | None = None

    @property
    def gap(self) -> torch.Tensor:
        """The rule's estimate of F(b) - F(a) minus its exact value, per example."""
        return self.weights @ self.h - (self.fb - self.fa)


@dataclass
class Plan:
    """The rule ``integrate`` settled on, with its cost.

    ``node_weights`` (n_grad,) float64: the weight of each gradient node in the order
    ``slopes`` was called with them (0 for replaced nodes); ``error``: the sum of the
    sizes of the real panel errors as a fraction of |F(x) - F(x')| (worst example), at
    least the completeness error;
    ``n_grad`` gradient nodes and ``n_values`` forward-only path points spent;
    ``values_s`` / ``slopes_s`` seconds spent in each callable; ``strategy`` which
    shadow candidate was chosen.
    """

    panels: list[Panel]
    node_weights: torch.Tensor
    error: float
    n_grad: int
    n_values: int
    values_s: float
    slopes_s: float
    strategy: str
    shadow: dict = field(default_factory=dict)
    #: forward-only path points spent per planning stage ("probe", "panels of 2", ...)
    probes: dict = field(default_factory=dict)


class _Counter:
    """The planner's side of the two callables: each call is a request yielded to the
    driver (``("values" | "slopes", alphas)``), answered with float64 CPU results;
    counts them and keeps every F value seen."""

    def __init__(self) -> None:
        self.n_values = self.n_grad = 0
        self.samples: list[tuple[torch.Tensor, torch.Tensor]] = []
        self.stage = "probe"
        self.by_stage: dict[str, int] = {}
        self.known: dict[float, torch.Tensor] = {}

    def values(self, alphas: torch.Tensor) -> Steps[torch.Tensor]:
        """F at ``alphas``; path points already sampled are looked up, not asked again."""
        keys = alphas.tolist()
        need = sorted({a for a in keys if a not in self.known})
        if need:
            asked = torch.tensor(need, dtype=torch.float64)
            out = yield ("values", asked)
            self.n_values += len(need)
            self.by_stage[self.stage] = self.by_stage.get(self.stage, 0) + len(need)
            self.samples.append((asked, out))
            self.known.update(zip(need, out, strict=True))
        return torch.stack([self.known[a] for a in keys])

    def seen(self, alphas: torch.Tensor, f: torch.Tensor) -> None:
        """Record F values known without asking (F(x') and F(x))."""
        self.samples.append((alphas, f))
        self.known.update(zip(alphas.tolist(), f, strict=True))

    def slopes(self, alphas: torch.Tensor) -> Steps[tuple[torch.Tensor, list[int]]]:
        out = yield ("slopes", alphas)
        ids = list(range(self.n_grad, self.n_grad + len(alphas)))
        self.n_grad += len(alphas)
        return out, ids

    def sampled(self) -> tuple[torch.Tensor, torch.Tensor]:
        """Every F value seen so far, sorted by alpha: ((m,), (m, batch))."""
        a = torch.cat([s[0] for s in self.samples])
        f = torch.cat([s[1] for s in self.samples])
        order = torch.argsort(a)
        return a[order], f[order]


def probe_alphas() -> torch.Tensor:
    """The first forward scan: decades next to 0 and 1 and a uniform grid, inside (0, 1)."""
    near = torch.tensor(PROBE_DECADES, dtype=torch.float64)
    grid = torch.arange(1, PROBE_GRID, dtype=torch.float64) / PROBE_GRID
    return torch.unique(torch.cat([near, grid, 1.0 - near]))


def integrate(
    values: Values,
    slopes: Slopes,
    f_b: torch.Tensor,
    f_x: torch.Tensor,
    tol: float,
    max_steps: int,
    dtype: torch.dtype = torch.float32,
) -> Plan:
    """Plan gradient nodes from forward probes, evaluate them, refine until ``tol``.

    Nodes are shared by all examples of the batch; every check takes the worst example
    (``integrate_each`` plans every example on its own).

    Args:
        values: alphas (k,) float64 -> F at those path points (k, batch), no graph.
        slopes: alphas (k,) float64 -> H = dF/dalpha at those points (k, batch), from
            gradients; the caller keeps whatever else it needs from each call.
        f_b, f_x: F at alpha = 0 and alpha = 1 (batch,).
        tol: allowed completeness error as a fraction of |F(x) - F(x')|.
        max_steps: the most gradient nodes to spend.
        dtype: the dtype path points are computed in (sets the difference step).
    """
    steps = plan(f_b, f_x, tol, max_steps, dtype)
    seconds = {"values": 0.0, "slopes": 0.0}
    answer = None
    while True:
        try:
            kind, alphas = steps.send(answer)
        except StopIteration as done:
            result: Plan = done.value
            break
        t0 = time.perf_counter()
        answer = (values if kind == "values" else slopes)(alphas)
        answer = answer.detach().to("cpu", torch.float64)
        seconds[kind] += time.perf_counter() - t0
    result.values_s, result.slopes_s = seconds["values"], seconds["slopes"]
    return result


#: answers for several examples' requests at once: {example: alphas (k,)} ->
#: {example: (k,)} (F at the example's own path points, or H at them)
ManyValues = Callable[[dict[int, torch.Tensor]], dict[int, torch.Tensor]]


def integrate_each(
    values: ManyValues,
    slopes: ManyValues,
    f_b: torch.Tensor,
    f_x: torch.Tensor,
    tol: float,
    max_steps: int,
    dtype: torch.dtype = torch.float32,
) -> list[Plan]:
    """``integrate`` for every example on its own nodes, evaluated together.

    Each example runs its own planner (its own probes, candidates, checks and
    refinements, exactly as if it were alone); in each round the pending requests of
    all examples asking for forward values are answered by one ``values`` call, and
    once every unfinished example asks for gradients, one ``slopes`` call answers them
    all. So the model sees batches, gradient calls are as few as the most demanding
    example's rounds, and each example spends the gradient nodes its own integrand
    needs.
    ``values_s`` / ``slopes_s`` of each plan are the shared calls' seconds split in
    proportion to the example's points.
    """
    f_b = f_b.detach().to("cpu", torch.float64).reshape(-1)
    f_x = f_x.detach().to("cpu", torch.float64).reshape(-1)
    runs = [plan(f_b[i : i + 1], f_x[i : i + 1], tol, max_steps, dtype) for i in range(len(f_b))]
    pending = {i: next(r) for i, r in enumerate(runs)}
    plans: list[Plan | None] = [None] * len(runs)
    seconds = [{"values": 0.0, "slopes": 0.0} for _ in runs]
    while pending:
        # gradient requests wait until every unfinished example asks for gradients:
        # one gradient call then serves them all (forward values are answered first, so
        # the others get there), rather than one call per planning stage of each
        kind = "values" if any(k == "values" for k, _ in pending.values()) else "slopes"
        asked = {i: a for i, (k, a) in pending.items() if k == kind}
        t0 = time.perf_counter()
        got = (values if kind == "values" else slopes)(asked)
        spent = time.perf_counter() - t0
        points = sum(len(a) for a in asked.values())
        answers: dict[int, torch.Tensor] = {}
        for i, a in asked.items():
            answers[i] = got[i].detach().to("cpu", torch.float64).reshape(len(a), 1)
            seconds[i][kind] += spent * len(a) / points
        waiting = {i: r for i, r in pending.items() if i not in answers}
        pending = {**waiting, **_advance(runs, answers, plans)}
    for p, sec in zip(plans, seconds, strict=True):
        p.values_s, p.slopes_s = sec["values"], sec["slopes"]
    return plans


def _advance(
    runs: Sequence[Steps[Plan]], answers: dict[int, torch.Tensor], plans: list
) -> dict[int, Request]:
    """Send each example its answer; returns the next requests, storing finished plans."""
    pending = {}
    for i, answer in answers.items():
        try:
            pending[i] = runs[i].send(answer)
        except StopIteration as done:
            plans[i] = done.value
    return pending


def plan(
    f_b: torch.Tensor,
    f_x: torch.Tensor,
    tol: float,
    max_steps: int,
    dtype: torch.dtype = torch.float32,
) -> Steps[Plan]:
    """The planner as a sequence of requests (see ``integrate`` for the arguments):
    yields ("values" | "slopes", alphas), receives the answers (k, batch) float64 CPU,
    returns the ``Plan`` (its seconds are filled in by the driver)."""
    run = _Counter()
    f_b = f_b.detach().to("cpu", torch.float64)
    f_x = f_x.detach().to("cpu", torch.float64)
    run.seen(torch.tensor([0.0, 1.0], dtype=torch.float64), torch.stack([f_b, f_x]))
    scale = (f_x - f_b).abs().clamp_min(torch.finfo(torch.float64).tiny)
    shadow = _Shadow(run, dtype)
    yield from run.values(probe_alphas())

    # candidates on the shadow: composite panels first (cheap in forward passes when
    # easy), then single rules with fewer nodes than the best composite; no shadow
    # search places more than ``SHADOW_MAX_NODES`` nodes
    found: dict[str, list[tuple[float, float, int]]] = {}
    shadow_most = min(max_steps, SHADOW_MAX_NODES)
    for order in PANEL_ORDERS:
        run.stage = f"panels of {order}"
        first = _rule(0.0, 1.0, order)
        h, _ = yield from shadow.slopes(first[0], torch.ones(order))
        panels, err, _ = yield from _refine(
            [Panel(0.0, 1.0, f_b, f_x, first[0], first[1], h)],
            shadow.slopes,
            run,
            scale,
            tol,
            shadow_most,
            order,
            order,
            cap=min((_count(v) for v in found.values()), default=None),
        )
        if err <= tol:
            found[f"panels of {order}"] = [(p.a, p.b, len(p.alphas)) for p in panels]
    best = min((_count(v) for v in found.values()), default=max_steps + 1)
    run.stage = "single rule"
    n = yield from _single_rule(shadow, f_b, f_x, scale, tol, min(best - 1, MAX_SINGLE_N))
    if n is not None:
        found[f"gauss-legendre {n}"] = [(0.0, 1.0, n)]
    best = min((_count(v) for v in found.values()), default=shadow_most + 1)
    run.stage = "quantile panels"
    quantile = yield from _quantile_panels(run, shadow, scale, tol, min(best - 1, shadow_most))
    if quantile is not None:
        found[f"quantile panels {len(quantile)}x{quantile[0][2]}"] = quantile
    if found:
        strategy = min(found, key=lambda k: (_count(found[k]), not k.startswith("gauss")))
        layout = found[strategy]
    else:
        strategy, layout = "panels (shadow missed tol)", [(0.0, 1.0, PANEL_ORDERS[0])]
    shadow_counts = {k: _count(v) for k, v in found.items()}

    # real gradients on the chosen layout, then the exact per-panel check
    run.stage = "real"
    ends = yield from _f_at(run, {e for a, b, _ in layout for e in (a, b)})
    nodes = [_rule(a, b, k) for a, b, k in layout]
    h, ids = yield from run.slopes(torch.cat([al for al, _ in nodes]))
    panels, start = [], 0
    for (a, b, k), (al, w) in zip(layout, nodes, strict=True):
        fa, fb = ends[a], ends[b]
        panels.append(Panel(a, b, fa, fb, al, w, h[start : start + k], ids[start : start + k]))
        start += k
    order = PANEL_ORDERS[0]
    panels, err, _ = yield from _refine(
        panels, _real(run), run, scale, tol, max_steps, run.n_grad, order
    )
    weights = torch.zeros(run.n_grad, dtype=torch.float64)
    for p in panels:
        weights[p.ids] = p.weights
    return Plan(
        panels=panels,
        node_weights=weights,
        error=err,
        n_grad=run.n_grad,
        n_values=run.n_values,
        values_s=0.0,
        slopes_s=0.0,
        strategy=strategy,
        shadow=shadow_counts,
        probes=dict(run.by_stage),
    )


class _Shadow:
    """H at nodes from central differences of forward values (no gradients)."""

    def __init__(self, run: _Counter, dtype: torch.dtype) -> None:
        self.run = run
        eps = torch.finfo(dtype).eps if dtype.is_floating_point else 1e-7
        self.dtype = dtype if dtype in (torch.float32, torch.float64) else torch.float32
        self.rel = 64 * eps

    def slopes(
        self, alphas: torch.Tensor, local: torch.Tensor, also: Sequence[float] = ()
    ) -> Steps[tuple[torch.Tensor, None]]:
        """H at ``alphas`` (k,), ``local`` (k,) the node spacing scale (d alpha / du):
        one forward call of 2k points, which also samples F at the points ``also``
        (panel ends the caller reads from the sampled values next)."""
        step = torch.maximum(FD_STEP * local, self.rel * alphas.abs())
        # the step the path points really see after rounding to the input's dtype
        hi = (alphas + step).to(self.dtype).double()
        lo = (alphas - step).to(self.dtype).double()
        extra = torch.tensor(sorted(also), dtype=torch.float64)
        f = yield from self.run.values(torch.cat([hi, lo, extra]))
        k = len(alphas)
        return (f[:k] - f[k : 2 * k]) / (hi - lo).unsqueeze(1), None


def _count(layout: list[tuple[float, float, int]]) -> int:
    return sum(k for _, _, k in layout)


#: single Gauss-Legendre rules tried together in one forward call
#: how far above tol the next single rule's error may be for a rule to count as met
NEXT_RULE_SLACK = 2.0
SINGLE_GROUPS = ((1, 2, 3, 4), (5, 6, 7, 8), (10, 12, 14, 16), (20, 24, 28, 32), (40, 48, 56, 64))


def _single_rule(shadow, f_b, f_x, scale, tol, most: int) -> Steps[int | None]:
    """The fewest nodes n <= ``most`` of one Gauss-Legendre rule on [0, 1] that meets
    ``tol`` on the shadow while the next larger rule tried is within ``NEXT_RULE_SLACK``
    times ``tol``, or None. Stops early when the error stops falling fast.

    The next rule is looked at because on a kinked integrand (ReLU units switching
    along the path) the error of single rules jumps about with n, and an n whose rule
    hits the total by luck has per-feature errors far above ``tol`` that the
    completeness check cannot see; a rule that has converged stays near ``tol`` at the
    next n (the slack keeps smooth integrands whose error is still settling, e.g. 0.6%
    at one node and 1.1% at two, at the fewest nodes)."""
    previous = None

    def errors(ns: list[int]) -> Steps[list[float]]:
        rules = [_rule(0.0, 1.0, n) for n in ns]
        al = torch.cat([r[0] for r in rules])
        h, _ = yield from shadow.slopes(al, torch.ones_like(al))
        errs, start = [], 0
        for n, (_, w) in zip(ns, rules, strict=True):
            gap = w @ h[start : start + n] - (f_x - f_b)
            errs.append(float((gap.abs() / scale).max()))
            start += n
        return errs

    for g, group in enumerate(SINGLE_GROUPS):
        group = [n for n in group if n <= most]
        if not group:
            return None
        after = SINGLE_GROUPS[g + 1][0] if g + 1 < len(SINGLE_GROUPS) else group[-1] + 8
        errs = yield from errors(group)
        for j, n in enumerate(group):
            if errs[j] > tol:
                continue
            if j + 1 < len(group):
                nxt = errs[j + 1]
            else:  # the next rule is asked for only when the group's last rule meets tol
                (nxt,) = yield from errors([after])
            if nxt <= NEXT_RULE_SLACK * tol:
                return n
        if previous is not None and min(errs) > 0.5 * previous:
            return None  # not converging at a rate that would pay off
        previous = min(errs)
    return None


#: share of the node density spread uniformly over [0, 1] by ``_quantile_panels`` (the
#: rest follows the probed variation of F)
QUANTILE_FLOOR = 0.25
#: nodes per panel tried by ``_quantile_panels``
QUANTILE_ORDERS = (2, 3, 4, 6)
#: panel counts tried by ``_quantile_panels`` (m = 1 is the single rule, tried apart)
QUANTILE_PANELS = (2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 24, 32, 40, 48, 64)
#: candidates checked together in one forward call
QUANTILE_GROUP = 6
#: forward refinement of the variation: intervals holding more than this share of it
#: are halved (a few rounds), so a step of F is resolved before panels are placed
RESOLVE_SHARE = 1 / 64
RESOLVE_ROUNDS = 6


def _quantile_panels(run, shadow, scale, tol, most: int) -> Steps[list | None]:
    """Composite panels whose edges equidistribute the probed variation of F (mixed
    with ``QUANTILE_FLOOR`` of uniform density), M panels of p nodes, the fewest M * p
    <= ``most`` that meets ``tol`` on the shadow while the rule of p + 1 nodes on the
    same panels is within ``NEXT_RULE_SLACK`` times ``tol``; or None.

    Where F moves in a short stretch of the path (saturation), the panels crowd there
    and each, holding an equal share of the change, is smooth enough for a few nodes: a
    change of variables following |dF/dalpha|, with Gauss-Legendre on each piece so the
    map's kinks at the edges cost nothing. Forward passes only."""
    if most < QUANTILE_ORDERS[0] or not _concentrated(run, scale):
        return None
    run.stage = "quantile panels: resolve"
    yield from _resolve(run, scale)
    run.stage = "quantile panels"
    al, f = run.sampled()
    var = ((f[1:] - f[:-1]).abs() / scale).sum(1)
    width = al[1:] - al[:-1]
    total = float(var.sum())
    if not math.isfinite(total) or total <= 0:
        return None
    mass = (1 - QUANTILE_FLOOR) * var / total + QUANTILE_FLOOR * width
    cum = torch.cat([torch.zeros(1, dtype=torch.float64), torch.cumsum(mass, 0)])
    cum = cum / cum[-1]
    candidates = sorted(
        (m * p, p, m) for p in QUANTILE_ORDERS for m in QUANTILE_PANELS if m * p <= most
    )
    best, stalled = None, 0
    for group_start in range(0, len(candidates), QUANTILE_GROUP):
        group = candidates[group_start : group_start + QUANTILE_GROUP]
        layouts = [[(a, b, p) for a, b in _quantile_edges(al, cum, m)] for _, p, m in group]
        points = {e for lay in layouts for a, b, _ in lay for e in (a, b)}
        # each layout with its own p first (F at the panel ends in the same call); the
        # rule of p + 1 nodes (the convergence check) only for the layouts that meet tol
        errs = yield from _layout_errors(shadow, layouts, None, scale, 0, points)
        ends = yield from _f_at(run, points)  # all sampled by now: no call
        met = [j for j, e in enumerate(errs) if e <= tol]
        if met:
            nxt = yield from _layout_errors(shadow, [layouts[j] for j in met], ends, scale, 1)
            for j, e in zip(met, nxt, strict=True):
                if e <= NEXT_RULE_SLACK * tol:
                    return layouts[j]
        # pre-asymptotic errors fall slowly at first: give up only after two groups in
        # a row that improve on the best so far by less than a third
        least = min(errs)
        stalled = stalled + 1 if best is not None and least > best / 1.5 else 0
        if stalled >= 2:
            return None
        best = least if best is None else min(best, least)
    return None


def _layout_errors(shadow, layouts, ends, scale, extra: int, points=()) -> Steps[list[float]]:
    """Shadow error bound of each layout's rule with ``extra`` nodes more per panel
    (one forward call for all). ``ends``: F at the panel ends, or None to sample them
    (``points``) in the same call."""
    rules = [[(a, b, *_rule(a, b, k + extra)) for a, b, k in lay] for lay in layouts]
    nodes = torch.cat([al_ for rule in rules for _, _, al_, _ in rule])
    loc = torch.cat([_local(a, b, al_) for rule in rules for a, b, al_, _ in rule])
    h, _ = yield from shadow.slopes(nodes, loc, points)
    if ends is None:
        ends = shadow.run.known
    errs, at = [], 0
    for rule in rules:
        gaps = []
        for a, b, al_, w in rule:
            gaps.append(w @ h[at : at + len(al_)] - (ends[b] - ends[a]))
            at += len(al_)
        errs.append(_error(torch.stack(gaps), scale))
    return errs


#: ``_quantile_panels`` runs only when half of F's probed variation lies within this
#: share of the path (saturation); spread-out variation gains nothing from the warp
CONCENTRATED_WIDTH = 0.1


def _concentrated(run: _Counter, scale: torch.Tensor) -> bool:
    """Whether half of the probed variation of F lies in at most ``CONCENTRATED_WIDTH``
    of the path (the densest sampled intervals first)."""
    al, f = run.sampled()
    var = ((f[1:] - f[:-1]).abs() / scale).sum(1)
    width = al[1:] - al[:-1]
    total = float(var.sum())
    if not math.isfinite(total) or total <= 0:
        return False
    keep = width > 0
    var, width = var[keep], width[keep]
    order = torch.argsort(var / width, descending=True)
    cum = torch.cumsum(var[order], 0)
    j = int(torch.searchsorted(cum, torch.tensor([0.5 * total], dtype=torch.float64))[0])
    return float(width[order][: j + 1].sum()) <= CONCENTRATED_WIDTH


def _quantile_edges(al: torch.Tensor, cum: torch.Tensor, m: int) -> list[tuple[float, float]]:
    """m panels between the alphas where the cumulative mass ``cum`` reaches j / m."""
    q = torch.arange(1, m, dtype=torch.float64) / m
    j = torch.searchsorted(cum, q).clamp(1, len(al) - 1)
    c0, c1 = cum[j - 1], cum[j]
    t = torch.where(c1 > c0, (q - c0) / (c1 - c0), torch.full_like(q, 0.5))
    inner = (al[j - 1] + t * (al[j] - al[j - 1])).tolist()
    edges = [0.0] + sorted(set(inner) - {0.0, 1.0}) + [1.0]
    return list(zip(edges[:-1], edges[1:], strict=True))


def _f_at(run: _Counter, points: set[float]) -> Steps[dict[float, torch.Tensor]]:
    """F at ``points``, asking only for those not sampled yet (F(x') and F(x) are
    known from the start): ``run.known``, alpha -> F."""
    need = sorted(points - run.known.keys())
    if need:
        yield from run.values(torch.tensor(need, dtype=torch.float64))
    return run.known


def _resolve(run: _Counter, scale: torch.Tensor) -> Steps[None]:
    """Halve the sampled intervals that hold more than ``RESOLVE_SHARE`` of F's
    probed variation, for a few rounds (forward passes only)."""
    for _ in range(RESOLVE_ROUNDS):
        al, f = run.sampled()
        var = ((f[1:] - f[:-1]).abs() / scale).sum(1)
        total = float(var.sum())
        if not math.isfinite(total) or total <= 0:
            return
        wide = (var > RESOLVE_SHARE * total) & (al[1:] - al[:-1] > 1e-6)
        if not bool(wide.any()):
            return
        mids = (0.5 * (al[:-1] + al[1:]))[wide]
        yield from run.values(mids)


def _real(run: _Counter) -> Callable[[torch.Tensor, torch.Tensor], Steps]:
    return lambda alphas, widths: run.slopes(alphas)


def _warped(a: float, b: float) -> bool:
    return a > 0 and b >= WARP_RATIO * a


def _rule(a: float, b: float, k: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Gauss-Legendre nodes and weights on [a, b]; in log(alpha) when the panel spans a
    ratio of ``WARP_RATIO`` or more (alpha = a (b/a)^u, weight w * alpha * ln(b/a))."""
    w, u = _unit_rule(k)
    if _warped(a, b):
        ratio = math.log(b / a)
        al = a * torch.exp(u * ratio)
        return al, w * al * ratio
    return a + (b - a) * u, (b - a) * w


@functools.lru_cache(maxsize=128)
def _unit_rule(k: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Gauss-Legendre weights and nodes on [0, 1] as float64 tensors (never written to:
    ``_rule`` only builds new tensors from them)."""
    w, u = quadrature.rule("gausslegendre", k)
    return torch.tensor(w, dtype=torch.float64), torch.tensor(u, dtype=torch.float64)


def _local(a: float, b: float, al: torch.Tensor) -> torch.Tensor:
    """d alpha / du at the nodes ``al`` of panel [a, b]: the scale of the difference step."""
    return al * math.log(b / a) if _warped(a, b) else torch.full_like(al, b - a)


def _error(gaps: torch.Tensor, scale: torch.Tensor) -> float:
    """Error bound from panels' gaps (panels, batch): the sum of their sizes, so that
    errors of different panels cannot cancel (worst example)."""
    return float((gaps.abs().sum(0) / scale).max())


def _refine(panels, slopes_fn, run, scale, tol, max_steps, spent, order, cap=None):
    """Split the worst panels until the completeness error is within ``tol`` or the
    budget is spent; returns (panels, error, gradient nodes spent). With ``cap`` (a
    shadow candidate), stops unmet once the layout would hold more than ``cap`` nodes:
    it could no longer beat the best candidate found, and its panels only grow."""
    while True:
        gaps = torch.stack([p.gap for p in panels])
        total = _error(gaps, scale)
        budget = max_steps - spent
        if total <= tol or budget < 2 * order:
            return panels, total, spent
        errs = (gaps.abs() / scale).max(dim=1).values.tolist()
        worst = max(errs)
        ranked = sorted(range(len(panels)), key=lambda j: -errs[j])
        split = [
            j
            for j in ranked
            if errs[j] >= worst / 4 and panels[j].b - panels[j].a > _min_width(panels[j])
        ][: budget // (2 * order)]
        if not split:
            return panels, total, spent
        if cap is not None and order * (len(panels) + len(split)) > cap:
            return panels, total, spent
        cuts = {j: _cut(panels[j], run, scale) for j in split}
        f_cut = yield from run.values(
            torch.tensor([cuts[j] for j in sorted(cuts)], dtype=torch.float64)
        )
        f_cut = dict(zip(sorted(cuts), f_cut, strict=True))
        bounds, keep = [], []
        for j, p in enumerate(panels):
            if j in cuts:
                m = cuts[j]
                bounds += [(p.a, m, p.fa, f_cut[j]), (m, p.b, f_cut[j], p.fb)]
            else:
                keep.append(p)
        nodes = [_rule(a, b, order) for a, b, _, _ in bounds]
        local = [_local(a, b, al) for (a, b, _, _), (al, _) in zip(bounds, nodes, strict=True)]
        h, ids = yield from slopes_fn(torch.cat([al for al, _ in nodes]), torch.cat(local))
        new = []
        for j, ((a, b, fa, fb), (al, w)) in enumerate(zip(bounds, nodes, strict=True)):
            sl = slice(j * order, (j + 1) * order)
            new.append(Panel(a, b, fa, fb, al, w, h[sl], None if ids is None else ids[sl]))
        spent += order * len(bounds)
        panels = sorted(keep + new, key=lambda p: p.a)


def _min_width(p: Panel) -> float:
    return max(MIN_WIDTH, 1e-6 * max(abs(p.a), abs(p.b)))


def _cut(p: Panel, run: _Counter, scale: torch.Tensor) -> float:
    """Where to split ``p``: where the probed variation of F is halved when it is
    concentrated in less than half of the panel, else the middle."""
    a, b = p.a, p.b
    mid = math.sqrt(a * b) if _warped(a, b) else 0.5 * (a + b)
    al, f = run.sampled()
    inside = (al >= a) & (al <= b)
    al, f = al[inside], f[inside]
    if len(al) < 3:
        return mid
    var = ((f[1:] - f[:-1]).abs() / scale).sum(1)
    total = float(var.sum())
    if total <= 0 or not math.isfinite(total):
        return mid
    cum = torch.cat([torch.zeros(1, dtype=torch.float64), torch.cumsum(var, 0)]) / total
    j = int(torch.searchsorted(cum, torch.tensor([0.5], dtype=torch.float64))[0])
    j = min(max(j, 1), len(al) - 1)
    lo, hi, c0, c1 = float(al[j - 1]), float(al[j]), float(cum[j - 1]), float(cum[j])
    m = lo + (hi - lo) * (0.5 - c0) / (c1 - c0) if c1 > c0 else 0.5 * (lo + hi)
    w = b - a
    pos = math.log(m / a) / math.log(b / a) if _warped(a, b) and m > 0 else (m - a) / w
    if 0.25 <= pos <= 0.75:
        return mid
    # concentrated: split at the half-variation point, but not at a sample's exact
    # alpha next to the panel end, where nothing would be learnt
    return min(max(m, a + 1e-6 * w), b - 1e-6 * w)
