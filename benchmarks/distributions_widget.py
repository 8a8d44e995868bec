"""The widget's averaged results (SmoothGrad, Expected Gradients) against one plain IG
result and against the same samples computed one engine call at a time.

    python -m benchmarks.distributions_widget [--samples 16] [--repeats 5]

On the quick-start digits CNN (16 x 16 images) and breast-cancer MLP (30 features) it
prints the median wall time of: plain IG in the widget (cache cleared, so computed); the
distribution in the widget (one batched engine call, plus the 8-step preview the worker
publishes first); and a loop of ``samples`` single-sample engine calls for the same IG
maps (what averaging by hand costs). Timings alternate (``timing.alternate``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import torch

from ig_widget import IGWidget, IntegratedGradients
from ig_widget.modality.distribution import noise_sigma

from .timing import alternate, median

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "example_notebooks"))
from quickstart_models import image_model, tabular_model  # noqa: E402


def _widget(w: IGWidget, distribution: str):
    """One computation of ``distribution`` in the widget, from an empty cache."""

    def run() -> None:
        w._runner.clear_cache()
        if w.distribution == distribution:
            w.refresh()
        else:
            w.distribution = distribution
        w.wait(600)

    return run


def _loop(model, x: torch.Tensor, baselines: torch.Tensor, target: int, steps: int):
    ig = IntegratedGradients(model)

    def run() -> None:
        for xi, bi in zip(x, baselines, strict=True):
            ig.attribute(xi[None], bi[None], target=target, n_steps=steps)

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=16)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    k, steps = args.samples, 50
    digits, cancer = image_model(), tabular_model()
    cases = [
        ("image SmoothGrad", digits.model, digits.image, None, "smoothgrad"),
        ("tabular SmoothGrad", cancer.model, cancer.row, cancer.background, "smoothgrad"),
        ("tabular expected gradients", cancer.model, cancer.row, cancer.background,
         "expected_gradients"),
    ]  # fmt: skip
    print(f"{k} samples x {steps} steps; median of {args.repeats} (wall seconds)")
    print(f"{'case':<28} {'plain IG':>9} {'widget avg':>11} {'loop of k':>10} {'avg/plain':>10}")
    for name, model, x, background, dist in cases:
        w = IGWidget(model, x, background=background, samples=k, n_steps=steps)
        w.wait(600)
        try:
            x1 = w._explainer.inputs
            if dist == "smoothgrad":
                gen = torch.Generator().manual_seed(0)
                noise = torch.randn((k, *x1.shape[1:]), generator=gen, dtype=x1.dtype)
                xs = x1 + noise_sigma(x1, 0.1) * noise
                bs = w._explainer.baseline(w.baseline).expand_as(xs)
            else:
                bg = w._explainer.background_rows
                xs = x1.expand(k, *x1.shape[1:])
                bs = bg[torch.randint(bg.shape[0], (k,), generator=torch.Generator())]
            times = alternate(
                {
                    "plain": _widget(w, "none"),
                    "avg": _widget(w, dist),
                    "loop": _loop(model, xs, bs, int(w.target), steps),
                },
                repeats=args.repeats,
                warmup=1,
            )
        finally:
            w.close()
        p, a, lp = (median(times[n]) for n in ("plain", "avg", "loop"))
        print(f"{name:<28} {p:>9.3f} {a:>11.3f} {lp:>10.3f} {a / p:>9.1f}x")


if __name__ == "__main__":
    main()
