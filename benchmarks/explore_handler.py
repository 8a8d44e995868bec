"""How long the kernel's message handler holds the kernel for a scrubber point and for
the convergence figure, now that the widget's worker computes them.

A model whose every forward pass sleeps ``--delay`` seconds stands in for a big model.
For each request the script times the handler call (what blocks the kernel now), the
time until the answer reaches the widget's trait, and the direct function the handler
used to run itself (``scrub_point`` / ``convergence_figure``: what blocked the kernel
before). Medians over ``--repeats``.

    PYTHONPATH=$PWD python -m benchmarks.explore_handler [--delay 0.05] [--repeats 5]
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch
from torch import nn

from ig_widget import IGWidget
from ig_widget.explore.convergence import convergence_figure
from ig_widget.explore.scrubber import scrub_point


class SlowMLP(nn.Module):
    def __init__(self, delay: float) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.net = nn.Sequential(nn.Linear(20, 64), nn.Tanh(), nn.Linear(64, 3))
        self.delay = delay

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        time.sleep(self.delay)
        return self.net(x)


def _landed(w: IGWidget, check, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError("the answer did not arrive")
        time.sleep(0.001)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--delay", type=float, default=0.05, help="seconds per forward pass")
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    model = SlowMLP(args.delay).eval()
    x = torch.randn(20, generator=torch.Generator().manual_seed(1))
    w = IGWidget(model, x, n_steps=16)
    try:
        w.wait(120)
        ex = w._runner.explainer
        rows = []
        for kind in ("scrub", "convergence"):
            handler, answer, direct = [], [], []
            for i in range(args.repeats):
                if kind == "scrub":
                    alpha = round(0.1 + 0.8 * i / max(1, args.repeats - 1), 3)
                    msg = {"type": "scrub", "alpha": alpha}

                    def done(a=alpha):
                        return w.scrub_point.get("alpha") == a

                    def run(a=alpha):
                        return scrub_point(ex, w.baseline, w.target, a)
                else:
                    msg = {"type": "convergence"}
                    run_before = int(w.convergence.get("run", 0))

                    def done(r=run_before):
                        return int(w.convergence.get("run", 0)) == r + 1

                    def run():
                        return convergence_figure(ex, w.baseline, w.target, w.n_steps)

                t0 = time.perf_counter()
                w._handle_custom_msg(msg, [])
                t1 = time.perf_counter()
                _landed(w, done)
                t2 = time.perf_counter()
                run()
                t3 = time.perf_counter()
                handler.append(t1 - t0)
                answer.append(t2 - t0)
                direct.append(t3 - t2)
            rows.append((kind, *map(statistics.median, (handler, answer, direct))))
    finally:
        w.close()
    print(f"torch {torch.__version__}; model forward pass sleeps {args.delay * 1e3:.0f} ms")
    print(f"{'request':<12} {'handler ms':>11} {'answer ms':>10} {'in handler before ms':>21}")
    for kind, h, a, d in rows:
        print(f"{kind:<12} {h * 1e3:>11.2f} {a * 1e3:>10.1f} {d * 1e3:>21.1f}")


if __name__ == "__main__":
    main()
