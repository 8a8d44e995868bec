"""Where ``n_steps="auto"`` spends its forward-only evaluations, stage by stage.

The planner (``ig_widget/engine/probe.py``) pays forward passes to choose gradient
nodes: the first scan, the shadow search of each candidate (composite panels of 2 and
3 nodes, single Gauss-Legendre rules, quantile panels) and the ends of the chosen
panels. This prints, for the quick benchmark cases, one ``attribute_detailed`` call's
gradient evaluations, forward-only points per example (``Plan.n_values``) and the
seconds of the forward-only and the gradient calls, the points' split by stage
(``Plan.probes``), the candidates the shadow found and the one chosen, and the
wall time of the call (one call, so noisy on a shared machine).

    PYTHONPATH=$PWD python -m benchmarks.auto_probes [--only 'tokens 64,CNN'] [--tol 0.01]
"""

from __future__ import annotations

import argparse
import collections
import time

import torch

from benchmarks.cases import build_cases
from ig_widget import IntegratedGradients
from ig_widget.engine import probe


def _recording() -> list[probe.Plan]:
    """Wrap the planner's two drivers so every plan they return is kept."""
    plans: list[probe.Plan] = []
    one, each = probe.integrate, probe.integrate_each

    def integrate(*args, **kwargs):
        plan = one(*args, **kwargs)
        plans.append(plan)
        return plan

    def integrate_each(*args, **kwargs):
        got = each(*args, **kwargs)
        plans.extend(got)
        return got

    probe.integrate, probe.integrate_each = integrate, integrate_each
    return plans


def main(argv=None) -> None:
    p = argparse.ArgumentParser(prog="python -m benchmarks.auto_probes", description=__doc__)
    p.add_argument("--only", default=None, help="comma-separated case name prefixes")
    p.add_argument("--tol", type=float, default=0.01)
    args = p.parse_args(argv)
    prefixes = tuple(s.strip() for s in args.only.split(",")) if args.only else None
    plans = _recording()
    torch.manual_seed(0)
    for case in build_cases("quick", torch.device("cpu"), 1):
        if prefixes and not case.name.startswith(prefixes):
            continue
        plans.clear()
        ig = IntegratedGradients(case.forward)
        t0 = time.perf_counter()
        rec = ig.attribute_detailed(
            case.x, baselines=case.baseline, target=case.target, n_steps="auto", tol=args.tol
        )
        ms = 1000 * (time.perf_counter() - t0)
        n = max(1, len(plans))
        stages: collections.Counter = collections.Counter()
        for plan in plans:
            stages.update(plan.probes)
        values = sum(plan.n_values for plan in plans) / n
        values_ms = 1000 * sum(plan.values_s for plan in plans)
        slopes_ms = 1000 * sum(plan.slopes_s for plan in plans)
        print(
            f"{case.name}: {ms:.0f} ms, {rec.n_evals} gradient evals, "
            f"{values:.0f} forward-only per example "
            f"(forward-only calls {values_ms:.0f} ms, gradient calls {slopes_ms:.0f} ms)"
        )
        print("  by stage (per example):", {k: round(v / n) for k, v in stages.items()})
        chosen = collections.Counter(plan.strategy for plan in plans)
        print("  chosen:", dict(chosen), "| shadow of the first example:", plans[0].shadow)


if __name__ == "__main__":
    main()
