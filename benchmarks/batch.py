"""Attributing a batch of examples at once, against the floor for the same rows.

64 digits images through the benchmark's small CNN (3x64x64), one target per example
(the predicted class), all-zero baselines. The proxy is one forward and one backward
pass over the same n_steps x 64 Gauss-Legendre path rows, built outside the timing;
``ours / proxy`` is what the engine spends beyond it (goal: <= 1.10). Timings
alternate and report medians of wall and of process CPU time. The line above the
table says how many chunks (forward and backward passes) the engine splits the rows
into: on the CPU it caps a chunk at ``batching.CPU_CHUNK_ELEMENTS`` input values unless
``--internal-batch-size`` says otherwise, and a single chunk takes the lean path
(``ig_widget.engine.lean``). ``--channels-last`` stores the images (and so the path
rows of both contenders) in channels-last order, which oneDNN convolutions on the CPU
run faster; the model is not changed.

    PYTHONPATH=$PWD python -m benchmarks.batch [--n-steps 8] [--repeats 7] [--threads 1]
        [--internal-batch-size ROWS] [--channels-last]
"""

from __future__ import annotations

import argparse

import numpy as np
import torch

from benchmarks import models
from benchmarks.timing import alternate, median, process_time_once


def proxy_fn(model, x, baseline, target, n_steps):
    nodes, _ = np.polynomial.legendre.leggauss(n_steps)
    alphas = torch.as_tensor(0.5 * (nodes + 1.0), dtype=x.dtype)
    rows = baseline.unsqueeze(0) + alphas.view(-1, 1, 1, 1, 1) * (x - baseline).unsqueeze(0)
    rows = rows.reshape((-1,) + tuple(x.shape[1:])).detach().requires_grad_(True)
    tiled = target.repeat(n_steps)

    def proxy():
        out = model(rows)
        return torch.autograd.grad(out.gather(1, tiled[:, None]).sum(), rows)

    return proxy


def chunks(x: torch.Tensor, n_steps: int, internal_batch_size: int | None) -> str:
    """How the engine's planner splits the path rows on the CPU (``batching.py``)."""
    from ig_widget.engine import batching

    planner = batching.ChunkPlanner(
        n_steps, x.shape[0], x[0].numel(), x.device, internal_batch_size
    )
    count = -(-n_steps // planner.steps)
    return f"{count} chunk(s) of up to {planner.steps} steps ({planner.steps * x.shape[0]} rows)"


def measure(
    n_steps: int = 8,
    batch: int = 64,
    repeats: int = 7,
    internal_batch_size: int | None = None,
    channels_last: bool = False,
) -> dict:
    """The target's figure: ours and the proxy on ``batch`` CNN images, alternating.
    Returns {"ours": (wall s, process CPU s), "proxy": ..., "ratio_wall", "ratio_cpu",
    "chunks", "rows", "threads"}."""
    from ig_widget import IntegratedGradients

    model, x_test, _ = models.train_cnn()
    x = x_test[:batch].contiguous()
    if channels_last:
        x = x.contiguous(memory_format=torch.channels_last)
    baseline = torch.zeros_like(x)  # same memory format as x
    with torch.no_grad():
        target = model(x).argmax(1)
    ig = IntegratedGradients(model)

    def ours():
        return ig.attribute(
            x,
            baselines=baseline,
            target=target,
            n_steps=n_steps,
            internal_batch_size=internal_batch_size,
            return_convergence_delta=True,
        )

    fns = {"ours": ours, "proxy": proxy_fn(model, x, baseline, target, n_steps)}
    wall = alternate(fns, repeats, warmup=1, device=x.device)
    cpu = alternate(fns, repeats, warmup=0, timer=process_time_once)
    res = {n: (median(wall[n]), median(cpu[n])) for n in fns}
    (w_o, c_o), (w_p, c_p) = res["ours"], res["proxy"]
    return {
        **res,
        "ratio_wall": w_o / w_p,
        "ratio_cpu": c_o / c_p,
        "chunks": chunks(x, n_steps, internal_batch_size),
        "rows": n_steps * batch,
        "threads": torch.get_num_threads(),
        "repeats": repeats,
        "n_steps": n_steps,
        "batch": batch,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-steps", type=int, default=8)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--internal-batch-size", type=int, default=None)
    parser.add_argument("--threads", type=int, default=0, help="0: torch's default")
    parser.add_argument("--channels-last", action="store_true", help="images in NHWC order")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    res = measure(
        args.n_steps, args.batch, args.repeats, args.internal_batch_size, args.channels_last
    )
    layout = "channels-last" if args.channels_last else "contiguous (NCHW)"
    print(
        f"CNN 3x64x64 {layout}, {args.batch} examples x n_steps={args.n_steps} = {res['rows']} "
        f"rows, {args.repeats} alternating repeats, {res['threads']} thread(s); medians"
    )
    print(f"ours: {res['chunks']}")
    print(f"{'':14s}{'wall s':>10s}{'CPU s':>10s}")
    for name in ("ours", "proxy"):
        w, c = res[name]
        print(f"{name:14s}{w:10.3f}{c:10.3f}")
    print(f"{'ours / proxy':14s}{res['ratio_wall']:10.3f}{res['ratio_cpu']:10.3f}   (goal <= 1.10)")


if __name__ == "__main__":
    main()
