"""Soak: 1,000 recomputations of a small model through the widget; memory and threads flat.

Run from the repository root (it is not a pytest module):

    .venv/bin/python -m tests.reliability.soak            # 1,000 recomputations
    .venv/bin/python tests/reliability/soak.py -n 300     # fewer

Every recomputation asks for settings not in the widget's result cache (it holds 32),
so each one runs the engine, builds a payload and publishes it. The resident set size
(RSS, after garbage collection and glibc's malloc_trim) is printed at the start (after
a warm-up that fills the cache), every 100
recomputations and at the end, with the thread count. The exit status is 1 when RSS grew
by more than ``--max-growth-mb`` (default 40 MB) or a thread was left behind. Each result
holds about 0.17 MB (a 3x96x96 image), so keeping every one would add about 170 MB.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import threading
import time

#: RSS growth allowed over the whole run, after warm-up
MAX_GROWTH_MB = 40.0
METHODS = ("gausslegendre", "riemann_left", "riemann_right", "riemann_middle", "riemann_trapezoid")


def settle() -> None:
    """Collect garbage and hand freed heap pages back to the system (glibc), so RSS shows
    what is still in use rather than the allocator's high-water mark."""
    gc.collect()
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


def rss_bytes() -> int:
    """This process's resident set size."""
    try:
        import psutil

        return int(psutil.Process().memory_info().rss)
    except ImportError:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def settings_sequence():
    """Endless distinct-enough settings: 7 step counts x 5 methods x 4 targets = 140
    combinations, cycled, so no request is ever still in a 32-entry cache."""
    i = 0
    while True:
        yield {"n_steps": 2 + i % 7, "method": METHODS[(i // 7) % 5], "target": (i // 35) % 4}
        i += 1


def make_widget(size: int = 96):
    import torch
    from torch import nn

    from ig_widget import IGWidget

    class Small(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            torch.manual_seed(0)
            self.conv = nn.Conv2d(3, 4, 3, padding=1)
            self.fc = nn.Linear(4, 4)

        def forward(self, x):
            return self.fc(torch.relu(self.conv(x)).mean(dim=(2, 3)))

    x = torch.rand(3, size, size, generator=torch.Generator().manual_seed(0))
    return IGWidget(Small().eval(), x, n_steps=2)


def recompute(w, settings: dict, timeout: float = 60.0):
    with w.hold_trait_notifications():
        for k, v in settings.items():
            setattr(w, k, v)
    return w.wait(timeout)


def run(n: int = 1000, warmup: int = 40, every: int = 100, size: int = 96, echo=print) -> dict:
    """Warm up, then ``n`` recomputations; returns the figures (bytes, counts)."""
    threads_before = threading.active_count()
    w = make_widget(size)
    w.wait(60)
    seq = settings_sequence()
    for _ in range(warmup):
        recompute(w, next(seq))
    settle()
    start = rss_bytes()
    computations = w._runner.computations
    echo(
        f"start: RSS {start / 2**20:.1f} MB, threads {threading.active_count()} "
        f"(before the widget: {threads_before})"
    )
    samples = [start]
    began = time.perf_counter()
    for i in range(1, n + 1):
        recompute(w, next(seq))
        if i % every == 0 or i == n:
            settle()
            samples.append(rss_bytes())
            echo(
                f"{i:5d} recomputations: RSS {samples[-1] / 2**20:.1f} MB "
                f"({(samples[-1] - start) / 2**20:+.1f} MB), threads {threading.active_count()}"
            )
    took = time.perf_counter() - began
    ran = w._runner.computations - computations
    cached = len(w._runner._cache)
    w.close()
    del w
    settle()
    end = rss_bytes()
    figures = {
        "start": start,
        "end": samples[-1],
        "after_close": end,
        "peak": max(samples),
        "growth": samples[-1] - start,
        "threads_before": threads_before,
        "threads_after": threading.active_count(),
        "computations": ran,
        "cached": cached,
        "seconds": took,
    }
    echo(
        f"end: RSS {samples[-1] / 2**20:.1f} MB, growth {figures['growth'] / 2**20:+.1f} MB "
        f"over {n} recomputations ({ran} engine runs, {took:.1f} s); after close "
        f"{end / 2**20:.1f} MB; threads {figures['threads_after']} (before {threads_before})"
    )
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=1000, help="recomputations (default 1000)")
    parser.add_argument("--max-growth-mb", type=float, default=MAX_GROWTH_MB)
    args = parser.parse_args(argv)
    f = run(args.n)
    ok = True
    if f["growth"] > args.max_growth_mb * 2**20:
        print(f"FAIL: RSS grew {f['growth'] / 2**20:.1f} MB > {args.max_growth_mb} MB")
        ok = False
    if f["threads_after"] > f["threads_before"]:
        print(f"FAIL: {f['threads_after'] - f['threads_before']} thread(s) left behind")
        ok = False
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
