"""IGBrowser on 10,000 examples: how long the prediction pass, a page change, a sort and
a page of attribution thumbnails take, and how many bytes one page sends.

    python -m benchmarks.browser_gallery            # about 10 s on a 2-core CPU

Prints one line per figure (median of 5 for the page operations).
"""

from __future__ import annotations

import statistics
import time

import torch
from torch import nn

from ig_widget import IGBrowser


def _model() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(8 * 64, 10),
    ).eval()


def _median_ms(fn, repeats: int = 5) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return 1e3 * statistics.median(times)


def main() -> None:
    n = 10_000
    g = torch.Generator().manual_seed(1)
    x = torch.rand(n, 1, 16, 16, generator=g)
    y = torch.randint(0, 10, (n,), generator=g)
    t0 = time.perf_counter()
    b = IGBrowser(_model(), x, labels=y)
    b.wait(300)
    print(f"prediction pass, {n:,} 16x16 images:  {time.perf_counter() - t0:.2f} s")
    gal = b.gallery
    t0 = time.perf_counter()
    gal.thumbs.wait_idle(300)
    print(f"attribution thumbnails, one page of 48 (16 steps): {time.perf_counter() - t0:.2f} s")
    pages = iter(range(1, 100))
    ms = _median_ms(lambda: setattr(gal, "page", next(pages)))
    print(f"page change (48 cards):             {ms:.1f} ms")
    keys = iter(["loss", "margin", "confidence", "index", "loss", "margin"])
    ms = _median_ms(lambda: setattr(gal, "sort_by", next(keys)))
    print(f"sort change over {n:,}:            {ms:.1f} ms")
    sent = sum(len(c["thumb"]["data"]) for c in gal._items)
    print(f"bytes of thumbnails in one page:    {sent:,} (the set would be {n * 16 * 16 * 4:,})")
    b.close()


if __name__ == "__main__":
    main()
