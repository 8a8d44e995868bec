"""Examples per second of ``attribute_dataset`` against the ways one could do without it.

    python -m benchmarks.dataset                 # about two minutes on a 2-core CPU
    python -m benchmarks.dataset --examples 128 --n-steps 50 --device cuda
    python -m benchmarks.dataset --threads 1 --no-scaling   # steadier on a busy CPU

For two workloads (the small image CNN on 3x64x64, and the tiny two-layer encoder on
64 token ids attributed at its embedding layer) it times, over the same N examples:

- ``attribute_dataset``: the whole run, shards written to disk, progress bar off;
- a plain loop: the engine called once per example (target from its own forward pass);
- the proxy: one forward and one backward pass over the same path rows
  (N x n_steps), in batches of the same size: the floor any IG implementation pays.

Rates are given from wall time and from this process's CPU time; the ratios use CPU
time, which time slices taken by other processes on a shared machine do not inflate
(memory bandwidth and caches they share still do).

Then the speed-up from one process to two (``torchrun``, gloo, one thread each) on the
CNN, against one process using all cores. The machine's load average is printed with the
figures: other work on a shared CPU moves them.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch

from benchmarks import models

ROOT = Path(__file__).resolve().parents[1]


class TokenModel(torch.nn.Module):
    """Token ids -> logits: the benchmark's embedding and encoder as one model."""

    def __init__(self) -> None:
        super().__init__()
        self.embed, self.rest = models.token_classifier(0)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        return self.rest(self.embed(ids))


def workload(name: str, n: int, device: torch.device):
    """(model, data tensor, layer name or None)."""
    g = torch.Generator().manual_seed(0)
    if name == "cnn":
        models.seeded(0)
        model = models.SmallCNN().eval().to(device)
        return model, torch.rand(n, 3, 64, 64, generator=g).to(device), None
    model = TokenModel().eval().to(device)
    return model, torch.randint(0, models.VOCAB, (n, 64), generator=g).to(device), "embed.emb"


def run_dataset(model, x, layer, n_steps, batch_size, out):
    from ig_widget import attribute_dataset

    return attribute_dataset(
        model,
        x,
        n_steps=n_steps,
        out=out,
        layer=layer,
        batch_size=batch_size,
        overwrite=True,
        progress=False,
        store_inputs=True,
    )


def run_loop(model, x, layer, n_steps):
    from ig_widget import IntegratedGradients
    from ig_widget.engine.layer import embedding_forward

    for i in range(len(x)):
        xi = x[i : i + 1]
        with torch.no_grad():
            target = int(model(xi).argmax(1))
        if layer is None:
            IntegratedGradients(model).attribute_detailed(xi, target=target, n_steps=n_steps)
        else:
            emb, f = embedding_forward(model, model.get_submodule(layer), xi)
            IntegratedGradients(f).attribute_detailed(emb, target=target, n_steps=n_steps)


def run_proxy(model, x, layer, n_steps, batch_size):
    """Forward + backward over n_steps rows per example, batch_size examples at a time."""
    for a in range(0, len(x), batch_size):
        xb = x[a : a + batch_size]
        if layer is None:
            rows = xb.repeat((n_steps,) + (1,) * (xb.dim() - 1)).requires_grad_(True)
            out = model(rows)
        else:
            emb = model.embed(xb).detach()
            rows = emb.repeat(n_steps, 1, 1).requires_grad_(True)
            out = model.rest(rows)
        torch.autograd.grad(out[:, 0].sum(), rows)


def timed(fn) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process). On a shared machine the CPU time is
    the steadier figure: time slices lost to other processes do not count in it."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def default_batch(model, x, layer, n_steps, device) -> int:
    """The batch size attribute_dataset picks by itself for this workload."""
    from ig_widget.dataset.run import cpu_batch_size
    from ig_widget.dataset.source import make_source

    if device.type != "cpu":
        return 32
    return cpu_batch_size(
        make_source(x), n_steps, model.get_submodule(layer) if layer else None, None
    )


def throughput(name, n, n_steps, batch_size, device, repeats):
    model, x, layer = workload(name, n, device)
    batch_size = batch_size or default_batch(model, x, layer, n_steps, device)
    best = {"attribute_dataset": [], "loop (engine per example)": [], "proxy (fwd+bwd)": []}
    with tempfile.TemporaryDirectory() as tmp:
        run_dataset(model, x[:batch_size], layer, n_steps, batch_size, tmp)  # warm-up
        for _ in range(repeats):
            best["attribute_dataset"].append(
                timed(lambda: run_dataset(model, x, layer, n_steps, batch_size, tmp))
            )
            best["loop (engine per example)"].append(
                timed(lambda: run_loop(model, x, layer, n_steps))
            )
            best["proxy (fwd+bwd)"].append(
                timed(lambda: run_proxy(model, x, layer, n_steps, batch_size))
            )
    rates = {k: (n / min(w for w, _ in v), n / min(c for _, c in v)) for k, v in best.items()}
    return rates, batch_size


# ------------------------------------------------------------ one process vs two
def worker(args) -> None:
    """One process of the scaling run (under torchrun or alone)."""
    from ig_widget.dataset.distributed import init_from_environment

    created = init_from_environment("gloo")
    torch.set_num_threads(args.threads or 1)
    model, x, layer = workload("cnn", args.examples, torch.device("cpu"))
    if created:
        torch.distributed.barrier()
    start = time.perf_counter()
    run_dataset(model, x, layer, args.n_steps, args.batch_size, args.out)
    wall = time.perf_counter() - start
    if not created or torch.distributed.get_rank() == 0:
        print(json.dumps({"wall": wall}))
    if created:
        torch.distributed.destroy_process_group()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def scaling(n, n_steps, batch_size) -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), GLOO_SOCKET_IFNAME="lo")
    common = ["--examples", str(n), "--n-steps", str(n_steps), "--batch-size", str(batch_size)]
    result = {}
    with tempfile.TemporaryDirectory() as tmp:
        plans = {
            "1 process, 1 thread": ([sys.executable], 1),
            "1 process, 2 threads": ([sys.executable], 2),
            "2 processes, 1 thread each": (
                [
                    sys.executable,
                    "-m",
                    "torch.distributed.run",
                    "--nproc_per_node=2",
                    "--master_addr=127.0.0.1",
                    f"--master_port={free_port()}",
                ],
                1,
            ),
        }
        for label, (launcher, threads) in plans.items():
            cmd = [*launcher, "-m", "benchmarks.dataset", "--worker", "--threads", str(threads)]
            cmd += [*common, "--out", str(Path(tmp) / label.replace(" ", "_"))]
            done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
            if done.returncode:
                raise RuntimeError(f"{label} failed:\n{done.stderr[-2000:]}")
            wall = json.loads(done.stdout.strip().splitlines()[-1])["wall"]
            result[label] = n / wall
    return result


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--examples", type=int, default=64, help="examples per workload")
    p.add_argument("--n-steps", type=int, default=32)
    p.add_argument(
        "--batch-size", type=int, default=None, help="default: what attribute_dataset picks"
    )
    p.add_argument("--repeats", type=int, default=2)
    p.add_argument("--device", default="cpu")
    p.add_argument("--no-scaling", action="store_true")
    p.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--threads", type=int, default=None, help="torch threads (default: all)")
    p.add_argument("--out", default=None, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.worker:
        worker(args)
        return
    device = torch.device(args.device)
    if args.threads:
        torch.set_num_threads(args.threads)
    print(
        f"torch {torch.__version__}, device {device}, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f}, N={args.examples}, n_steps={args.n_steps}, "
        f"batch_size={args.batch_size or 'default'}, {torch.get_num_threads()} threads, "
        f"best of {args.repeats}"
    )
    print(
        f"\n{'workload':<14}{'contender':<28}{'ex/s wall':>10}{'ex/s CPU':>10}"
        f"{'vs loop':>9}{'vs proxy':>9}   (ratios from CPU time)"
    )
    for name in ("cnn", "encoder"):
        rates, bs = throughput(
            name, args.examples, args.n_steps, args.batch_size, device, args.repeats
        )
        name = f"{name} b={bs}"
        loop, proxy = rates["loop (engine per example)"][1], rates["proxy (fwd+bwd)"][1]
        for contender, (wall, cpu) in rates.items():
            print(
                f"{name:<14}{contender:<28}{wall:>10.1f}{cpu:>10.1f}"
                f"{cpu / loop:>9.2f}{cpu / proxy:>9.2f}"
            )
    if args.no_scaling or device.type != "cpu":
        return
    model, x, layer = workload("cnn", args.examples, device)
    rates = scaling(
        args.examples,
        args.n_steps,
        args.batch_size or default_batch(model, x, layer, args.n_steps, device),
    )
    one, both = rates["1 process, 1 thread"], rates["1 process, 2 threads"]
    print(
        f"\n{'CNN, attribute_dataset':<30}{'ex/s':>9}{'vs 1 proc 1 thr':>17}{'vs 1 proc 2 thr':>17}"
    )
    for label, rate in rates.items():
        print(f"{label:<30}{rate:>9.1f}{rate / one:>17.2f}{rate / both:>17.2f}")
    print(
        f"\nload average after: {os.getloadavg()[0]:.1f} (other work on this machine moves these)"
    )


if __name__ == "__main__":
    main()
