"""What ``IntegratedGradients(model, compile=True)`` costs and gains on this machine.

Per model: the first call's time (compilation included) and the median of alternating
eager and compiled calls afterwards (wall and this thread's CPU time), with the
largest difference between the two attributions.

    PYTHONPATH=$PWD python -m benchmarks.compile [--repeats 30] [--threads 1]
"""

from __future__ import annotations

import argparse
import time

import torch

from benchmarks import models
from benchmarks.overhead import mlp_case
from benchmarks.timing import alternate, alternate_cpu, median


def cases():
    mlp = mlp_case()
    yield "tabular MLP 100 feat, n=50", mlp.forward, mlp.x, mlp.target
    yield ("CNN 3x64x64, n=50", *models.cnn_example())


def measure(name: str, model, x, target, repeats: int = 30) -> dict:
    """First compiled call (compilation included), then alternating eager and compiled
    calls: medians of wall and CPU time, and the largest relative difference."""
    from ig_widget import IntegratedGradients

    eager = IntegratedGradients(model)
    comp = IntegratedGradients(model, compile=True)

    def run(ig):
        return ig.attribute(x, target=target, n_steps=50)

    start = time.perf_counter()
    got = run(comp)
    first = time.perf_counter() - start
    ref = run(eager)
    gap = float((got - ref).abs().max() / ref.abs().max())
    fns = {"eager": lambda: run(eager), "compiled": lambda: run(comp)}
    wall = alternate(fns, repeats, warmup=3, device=x.device)
    cpu = alternate_cpu(fns, repeats, warmup=0)
    we, wc = median(wall["eager"]), median(wall["compiled"])
    ce, cc = median(cpu["eager"]), median(cpu["compiled"])
    return {
        "model": name,
        "compile_s": first,
        "eager": (we, ce),
        "compiled": (wc, cc),
        "speedup_wall": we / wc,
        "speedup_cpu": ce / cc,
        "max_rel_gap": gap,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    print(f"{torch.get_num_threads()} thread(s), {args.repeats} alternating repeats; medians")
    for name, model, x, target in cases():
        r = measure(name, model, x, target, args.repeats)
        (we, ce), (wc, cc) = r["eager"], r["compiled"]
        print(f"{name}")
        print(f"  first compiled call (compilation) {r['compile_s']:8.1f} s")
        print(f"  eager     {we * 1e3:9.3f} ms wall {ce * 1e3:9.3f} ms CPU")
        print(f"  compiled  {wc * 1e3:9.3f} ms wall {cc * 1e3:9.3f} ms CPU")
        print(f"  speed-up  {r['speedup_wall']:9.3f} x wall  {r['speedup_cpu']:9.3f} x CPU")
        print(f"  max |compiled - eager| / max |eager| = {r['max_rel_gap']:.2e}")


if __name__ == "__main__":
    main()
