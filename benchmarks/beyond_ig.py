"""Completeness and cost of the paths and averages beyond straight-line IG, on a trained CNN.

    python -m benchmarks.beyond_ig [--examples 4]

The small digits CNN of ``models.py`` (ReLU, max-pooling: kinks everywhere) is trained for
a couple of seconds and run in float64, so the figures are the methods' own errors, not
rounding; a smooth tanh CNN shows Blur IG's ``power`` where kinks do not dominate. For
each method it prints the relative completeness error |sum(attr) - (F(x) - F(x'))| /
|F(x) - F(x')| (median and max over the examples), the gradient evaluations per example
and the wall time.
"""

from __future__ import annotations

import argparse
import time

import torch
from torch import nn

from ig_widget import IntegratedGradients
from ig_widget.engine.convergence import convergence_curve
from ig_widget.engine.distributions import expected_gradients, smooth_ig
from ig_widget.paths import BlurPath, GuidedPath

from .models import train_cnn


def _rel(delta: torch.Tensor, gap: torch.Tensor) -> tuple[float, float]:
    r = (delta.abs() / gap.abs()).double()
    return float(r.median()), float(r.max())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=4)
    args = parser.parse_args()
    model, x_test, acc = train_cnn()
    model = model.double()
    x = x_test[: args.examples].double()
    background = x_test[100:164].double()
    with torch.no_grad():
        target = model(x).argmax(1)
    ig = IntegratedGradients(model)
    print(f"digits CNN, test accuracy {acc:.2f}, {len(x)} examples 3x64x64, float64")
    print(f"{'method':<44} {'rel. delta median':>17} {'max':>9} {'evals':>6} {'s':>6}")

    def row(name: str, fn) -> None:
        t0 = time.perf_counter()
        delta, gap, evals = fn()
        med, mx = _rel(delta, gap)
        print(f"{name:<44} {med:>17.2e} {mx:>9.2e} {evals:>6} {time.perf_counter() - t0:>6.1f}")

    def path_row(path, **kw):
        def fn():
            res = ig.attribute_detailed(x, target=target, path=path, **kw)
            return res.delta, res.output - res.baseline_output, res.n_evals

        return fn

    row("IG straight line, zero baseline, GL 50", path_row(None, n_steps=50))
    row(
        "Blur IG, riemann_left 100 (saliency default)",
        path_row(BlurPath(), n_steps=100, method="riemann_left"),
    )
    row("Blur IG, gausslegendre 100", path_row(BlurPath(), n_steps=100))
    row("Blur IG, gausslegendre 64", path_row(BlurPath(), n_steps=64))
    row("Blur IG, power=2, gausslegendre 64", path_row(BlurPath(power=2), n_steps=64))
    row("Blur IG, n_steps='auto', tol=0.01", path_row(BlurPath(), n_steps="auto", tol=0.01))
    row("Guided IG, 200 steps, 0.25, 0.02 (defaults)", path_row(GuidedPath()))
    row("Guided IG, 800 steps", path_row(GuidedPath(steps=800)))

    def eg():
        r = expected_gradients(model, x, background, k=16, n_steps=50, target=target, seed=0)
        with torch.no_grad():
            fb = torch.stack([model(background[r.indices[s]]) for s in range(16)])
        fb = fb.gather(2, target.view(1, -1, 1).expand(16, -1, 1)).squeeze(2).mean(0)
        with torch.no_grad():
            fx = model(x).gather(1, target.view(-1, 1)).squeeze(1)
        return r.delta, fx - fb, 16 * 50

    row("Expected Gradients, k=16, GL 50", eg)

    def sg():
        r = smooth_ig(model, x, stdevs=0.1, nt_samples=10, n_steps=50, target=target, seed=0)
        with torch.no_grad():
            fx = model(x).gather(1, target.view(-1, 1)).squeeze(1)
            fb = model(torch.zeros_like(x)).gather(1, target.view(-1, 1)).squeeze(1)
        return r.delta, fx - fb, 10 * 50

    row("SmoothGrad on IG, stdevs=0.1, 10 samples, GL 50", sg)

    torch.manual_seed(0)
    smooth = (
        nn.Sequential(nn.Conv2d(3, 4, 3), nn.Tanh(), nn.Flatten(), nn.Linear(4 * 30 * 30, 3))
        .double()
        .eval()
    )
    xs = torch.rand(4, 3, 32, 32, dtype=torch.float64)
    smooth_ig_ = IntegratedGradients(smooth)
    print("\nsmooth tanh CNN (random weights), 4 examples 3x32x32, target 0")
    for power in (1, 2):
        res = smooth_ig_.attribute_detailed(xs, target=0, n_steps=64, path=BlurPath(power=power))
        med, mx = _rel(res.delta, res.output - res.baseline_output)
        name = f"Blur IG, power={power}, gausslegendre 64"
        print(f"{name:<44} {med:>17.2e} {mx:>9.2e} {64:>6}")

    t0 = time.perf_counter()
    curve = convergence_curve(ig, x, target=target, n_max=64)
    print(
        f"\nconvergence_curve(n_max=64, all 5 methods): {curve.n_evals} gradient evaluations "
        f"per example instead of {curve.n_evals_separate} ({time.perf_counter() - t0:.1f} s)"
    )
    gap = (curve.output - curve.baseline_output).abs()
    for method, points in curve.curves.items():
        cells = " ".join(f"{n}:{float((d.abs() / gap).median()):.1e}" for n, d in points)
        print(f"  {method:<18} {cells}")


if __name__ == "__main__":
    main()
