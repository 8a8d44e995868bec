"""The widget's two passes, before and after the preview's nodes are reused.

Before: a Gauss-Legendre pass with ``COARSE_STEPS`` nodes for the preview, then the full
``n_steps`` pass (n + 8 gradient evaluations). After: the preview evaluates 8 of the
full rule's nodes and the full pass only the other n - 8 (n evaluations). Both as the
widget runs them (``attribute_detailed`` with ``trace=True``); timings alternate, medians
of wall and this thread's CPU time, and the largest difference between the final
attributions of the two schemes.

    PYTHONPATH=$PWD python -m benchmarks.coarse_reuse [--n-steps 50] [--repeats 15]
"""

from __future__ import annotations

import argparse

import torch

from benchmarks import models
from benchmarks.overhead import mlp_case
from benchmarks.timing import alternate, alternate_cpu, median
from ig_widget import IntegratedGradients
from ig_widget._runner import COARSE_STEPS
from ig_widget.engine.core import NodePlan


def cases():
    mlp = mlp_case()
    yield "tabular MLP 100 feat", mlp.forward, mlp.x, mlp.target
    yield ("CNN 3x64x64", *models.cnn_example())


def measure(name: str, model, x, target, n: int = 50, repeats: int = 15) -> dict:
    """Gradient evaluations, wall and CPU time of the two schemes on one model, and the
    largest difference between their final attributions."""
    ig = IntegratedGradients(model)

    def call(steps, nodes=None):
        return ig.attribute_detailed(x, target=target, n_steps=steps, trace=True, _nodes=nodes)

    def before():
        call(COARSE_STEPS)
        return call(n)

    def after():
        first = NodePlan(subset=COARSE_STEPS)
        call(n, first)
        second = NodePlan(reuse=first.evaluations)
        res = call(n, second)
        return res, first.evaluated + second.evaluated

    res_after, evals_after = after()
    gap = float((res_after.attributions[0] - before().attributions[0]).abs().max())
    fns = {"before": before, "after": after}
    wall = alternate(fns, repeats, warmup=2, device=x.device)
    cpu = alternate_cpu(fns, repeats, warmup=0)
    return {
        "model": name,
        "evals_before": n + COARSE_STEPS,
        "evals_after": evals_after,
        "before": (median(wall["before"]), median(cpu["before"])),
        "after": (median(wall["after"]), median(cpu["after"])),
        "ratio_wall": median(wall["after"]) / median(wall["before"]),
        "ratio_cpu": median(cpu["after"]) / median(cpu["before"]),
        "max_gap": gap,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-steps", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    n = args.n_steps
    print(
        f"n_steps={n}, preview {COARSE_STEPS} nodes, {args.repeats} alternating repeats, "
        f"{torch.get_num_threads()} thread(s); medians"
    )
    for name, model, x, target in cases():
        r = measure(name, model, x, target, n, args.repeats)
        (wb, cb), (wa, ca) = r["before"], r["after"]
        print(name)
        print(f"  gradient evaluations  before {r['evals_before']}   after {r['evals_after']}")
        print(f"  before  {wb * 1e3:9.3f} ms wall {cb * 1e3:9.3f} ms CPU")
        print(f"  after   {wa * 1e3:9.3f} ms wall {ca * 1e3:9.3f} ms CPU")
        print(f"  after / before  {r['ratio_wall']:6.3f} wall  {r['ratio_cpu']:6.3f} CPU")
        print(f"  max |final after - final before| = {r['max_gap']:.2e}")


if __name__ == "__main__":
    main()
