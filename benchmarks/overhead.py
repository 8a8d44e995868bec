"""Per-call overhead of ``IntegratedGradients.attribute`` on a small model.

On the 100-feature tabular MLP the model itself is cheap, so what the engine spends
around the model (validation, the path, weighting, the delta, the checks) shows. This
prints ``ours / proxy`` (the proxy is one forward and one backward pass over the same
n_steps path rows, see ``benchmarks/contenders.py``) from alternating, many-repeat
timings. ``--profile`` prints the cProfile listing of the engine's own Python calls and
``--ops`` torch.profiler's table of aten operators, per call, for ours and for the proxy
(both after a warm-up, so imports and first-call caches do not show). ``--floor`` adds
a third contender: the bare arithmetic of the same call (the path points and the two
end rows in one forward pass, the backward seeded at the output, the weighted sum, the
delta and one host read of it) with no argument checks and no engine code around it,
which says how much of the gap to the proxy is arithmetic and how much is the rest.

    PYTHONPATH=$PWD python -m benchmarks.overhead [--repeats 400] [--profile] [--ops]
        [--floor]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
from collections.abc import Callable

import torch

from benchmarks import contenders, models
from benchmarks.cases import make_case
from benchmarks.timing import alternate, alternate_cpu, median


def mlp_case(n_steps: int = 50):
    mlp, x_test, _ = models.train_tabular()
    return make_case("tabular MLP 100 feat", mlp, x_test[:1], n_steps, 1, 1024)


def floor_fn(case) -> Callable[[], object]:
    """The call's arithmetic alone, for one example and a shared int target."""
    import numpy as np

    x, b, model, t, n = case.x, case.baseline, case.forward, case.target, case.n_steps
    nodes, weights = np.polynomial.legendre.leggauss(n)
    alphas = torch.as_tensor(0.5 * (nodes + 1.0), dtype=x.dtype).view(-1, 1)
    w = torch.as_tensor(0.5 * weights, dtype=x.dtype).view(1, -1)
    with torch.no_grad():
        out = model(torch.cat([x] * (n + 2)))
    seed = torch.zeros_like(out)
    seed[:n, t] = 1

    def floor():
        diff = x - b
        rows = torch.cat([torch.addcmul(b, alphas, diff), x, b]).requires_grad_()
        with torch.enable_grad():
            out = model(rows)
            (g,) = torch.autograd.grad(out, rows, seed)
        ends = out.detach()[n:, t]
        attr = torch.mm(w, g[:n]) * diff
        gap = attr.sum(1) - (ends[:1] - ends[1:])
        torch.cat([gap, ends]).tolist()  # the engine reads the delta and F once
        return attr, gap

    return floor


def warm_contenders(n_steps: int, floor: bool = False) -> tuple:
    """(the MLP case, {"ours", "proxy"[, "floor"]: zero-argument callables}), each
    called 50 times first (imports, caches, the allocator)."""
    from ig_widget import IntegratedGradients

    case = mlp_case(n_steps)
    ig = IntegratedGradients(case.forward)
    fns = {
        "ours": lambda: contenders.attribute(ig, case, case.n_steps),
        "proxy": contenders.proxy_fn(case, case.n_steps),
    }
    if floor:
        fns["floor"] = floor_fn(case)
    for _ in range(50):
        for fn in fns.values():
            fn()
    return case, fns


def ratios(fns: dict[str, Callable[[], object]], repeats: int, device) -> dict[str, tuple]:
    """name -> (median wall s, median CPU s), from alternating rounds."""
    wall = alternate(fns, repeats, warmup=20, device=device)
    cpu = alternate_cpu(fns, repeats, warmup=5)
    return {name: (median(wall[name]), median(cpu[name])) for name in fns}


def print_ops(fns: dict[str, Callable[[], object]], repeats: int) -> None:
    """torch.profiler's aten operators per call (count and self CPU time) for each fn."""
    from torch.profiler import ProfilerActivity, profile

    for name, fn in fns.items():
        with profile(activities=[ProfilerActivity.CPU]) as prof:
            for _ in range(repeats):
                fn()
        rows = [e for e in prof.key_averages() if e.key.startswith("aten::")]
        calls = sum(e.count for e in rows) / repeats
        print(f"== {name}: {calls:.0f} aten operator calls per call (nested ones included)")
        print(f"{'operator':34s}{'calls':>7s}{'self us':>10s}")
        for e in sorted(rows, key=lambda e: -e.self_cpu_time_total)[:25]:
            per_call = e.self_cpu_time_total / repeats
            print(f"{e.key:34s}{e.count / repeats:7.1f}{per_call:10.1f}")


def measure(repeats: int = 400, n_steps: int = 50, threads: int = 1, floor: bool = False) -> dict:
    """The target's figure: ours and the proxy on the MLP, alternating, on ``threads``
    intra-op threads (restored after); with ``floor`` the bare arithmetic too. Returns
    {"ours": (wall s, CPU s), "proxy": ..., ["floor": ...,] "ratio_wall", "ratio_cpu",
    "repeats", "threads"}."""
    before = torch.get_num_threads()
    torch.set_num_threads(threads)
    try:
        case, fns = warm_contenders(n_steps, floor)
        res = ratios(fns, repeats, case.x.device)
    finally:
        torch.set_num_threads(before)
    (w_o, c_o), (w_p, c_p) = res["ours"], res["proxy"]
    return {
        **res,
        "ratio_wall": w_o / w_p,
        "ratio_cpu": c_o / c_p,
        "repeats": repeats,
        "threads": threads,
        "n_steps": n_steps,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=400)
    parser.add_argument("--n-steps", type=int, default=50)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--profile", action="store_true", help="cProfile of ours")
    parser.add_argument("--ops", action="store_true", help="aten operators of ours and the proxy")
    parser.add_argument("--floor", action="store_true", help="also the bare arithmetic")
    args = parser.parse_args()
    if args.profile or args.ops:
        profile(args)
        return
    res = measure(args.repeats, args.n_steps, args.threads, args.floor)
    print(
        f"MLP 100 features, n_steps={args.n_steps}, {args.repeats} alternating repeats, "
        f"{args.threads} thread(s); medians"
    )
    print(f"{'':14s}{'wall ms':>10s}{'CPU ms':>10s}")
    names = ("ours", "proxy", "floor") if args.floor else ("ours", "proxy")
    for name in names:
        wall, cpu = res[name]
        print(f"{name:14s}{wall * 1e3:10.3f}{cpu * 1e3:10.3f}")
    print(f"{'ours / proxy':14s}{res['ratio_wall']:10.3f}{res['ratio_cpu']:10.3f}   (goal <= 1.20)")
    if args.floor:
        (w_f, c_f), (w_p, c_p) = res["floor"], res["proxy"]
        print(f"{'floor / proxy':14s}{w_f / w_p:10.3f}{c_f / c_p:10.3f}")


def profile(args: argparse.Namespace) -> None:
    """``--ops`` / ``--profile``: where ours spends its time, per call."""
    torch.set_num_threads(args.threads)
    _, fns = warm_contenders(args.n_steps)
    if args.ops:
        print_ops(fns, args.repeats)
        return
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(args.repeats):
        fns["ours"]()
    prof.disable()
    pstats.Stats(prof).sort_stats("tottime").print_stats(30)


if __name__ == "__main__":
    main()
