"""One command: ig_widget vs captum, side by side in one process, as tables and JSON.

    python -m benchmarks.run --quick            # < 1 minute on a 2-core CPU
    python -m benchmarks.run --full             # meant for a GPU; minutes on CPU
    python -m benchmarks.run --full --device cuda --out /tmp/ig.json

Table 1 (speed): median wall time of ours and captum at the same rule and n_steps for
one example, their ratio, and ours over the proxy (one forward + backward over the
n_steps path rows: the floor any IG pays); peak memory; completeness error of both; how
far ours is from captum (max |a - a_captum| / max |a_captum|).
Table 2 (accuracy per pass): gradient evaluations to reach completeness error tol, ours
with n_steps="auto" against the best fixed Gauss-Legendre n found with hindsight, and
ours' forward-only evaluations in count and time.
Table 3 (targets): each target, the measured figure, met or missed: the accuracy
targets from table 2, and the speed targets (``benchmarks/speed_targets.py``: per-call
overhead, a batch of 64, the widget's preview reuse, and with --full the compiled path).
Memory run (--full only): ours on ResNet-18 at n_steps=1000, internal_batch_size=None.
--write-readme replaces README.md's block between the bench markers with this run's tables.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import torch

from benchmarks import accuracy, contenders, report, speed_targets
from benchmarks import cases as cases_mod
from benchmarks.timing import alternate, median, memory_method, peak_memory_mb, sync

DEFAULT_OUT = Path(__file__).parent / "results" / "latest.json"
README = Path(__file__).resolve().parent.parent / "README.md"
README_START, README_END = "<!-- bench:start -->", "<!-- bench:end -->"
MODES = {
    # repeats: least timed rounds per case; more are run while a round fits in
    # budget_s seconds per case, up to max_repeats (cheap cases get many, so one stall
    # of a shared machine cannot move their median). warmup: untimed rounds after the
    # first (result-keeping) round. max_n: largest n in the captum scan.
    "quick": {
        "repeats": 3,
        "budget_s": 1.5,
        "max_repeats": 30,
        "warmup": 0,
        "max_n": 1024,
        "accuracy_skip": ("tokens 512", "ResNet"),
    },
    "full": {
        "repeats": 7,
        "budget_s": 15.0,
        "max_repeats": 100,
        "warmup": 1,
        "max_n": 1024,
        "accuracy_skip": (),
    },
}


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--quick", dest="mode", action="store_const", const="quick")
    mode.add_argument("--full", dest="mode", action="store_const", const="full")
    p.add_argument(
        "--device",
        choices=("cpu", "cuda"),
        default=None,
        help="default: cuda when available, else cpu",
    )
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help="JSON results file")
    p.add_argument(
        "--repeats",
        type=int,
        default=None,
        help="exactly this many timed rounds per case (default: as many as fit "
        "the mode's time budget per case, at least 3 quick / 7 full)",
    )
    p.add_argument("--tol", type=float, default=0.01, help="accuracy-per-pass target")
    p.add_argument("--no-accuracy", action="store_true", help="skip table 2 and its targets")
    p.add_argument(
        "--no-speed-targets",
        action="store_true",
        help="skip the speed targets of table 3 (benchmarks/speed_targets.py; "
        "--only skips them too: they time models of their own)",
    )
    p.add_argument(
        "--only",
        default=None,
        help="comma-separated name prefixes: run only the cases whose name starts with one",
    )
    p.add_argument(
        "--write-readme",
        action="store_true",
        help=f"write this run's tables into README.md between {README_START} and {README_END}",
    )
    p.add_argument(
        "--memory-steps",
        type=int,
        default=1000,
        help="n_steps of the --full memory run (default 1000)",
    )
    p.set_defaults(mode="quick")
    return p.parse_args(argv)


def pick_device(name: str | None) -> torch.device:
    if name == "cuda" and not torch.cuda.is_available():
        sys.exit("--device cuda: torch.cuda.is_available() is False on this machine.")
    if name is None:
        name = "cuda" if torch.cuda.is_available() else "cpu"
    return torch.device(name)


def header(device: torch.device, mode: str, ours_error: str) -> dict:
    import captum

    h = {
        "torch": torch.__version__,
        "captum": captum.__version__,
        "python": platform.python_version(),
        "device": str(device),
        "device_name": (
            torch.cuda.get_device_name(device)
            if device.type == "cuda"
            else platform.processor() or platform.machine()
        ),
        "cpu_count": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "mode": mode,
        "memory_measure": memory_method(device),
        "ig_widget": "ok" if not ours_error else f"not importable ({ours_error})",
        "load_avg_1min_at_start": os.getloadavg()[0],
    }
    if not ours_error:
        import ig_widget

        h["ig_widget_version"] = getattr(ig_widget, "__version__", "")
    return h


def time_case(case, ours_cls, captum_cls, cfg: dict, device) -> dict:
    fns = contenders.contenders(case, ours_cls, captum_cls)
    f_x, f_b = case.outputs()
    first, round_s = {}, time.perf_counter()
    for name, fn in fns.items():  # first round: warm-up, results kept for the errors
        first[name] = fn()
    sync(device)
    round_s = time.perf_counter() - round_s
    repeats = max(case.repeats, min(cfg["max_repeats"], int(cfg["budget_s"] / round_s)))
    times = alternate(fns, repeats, cfg["warmup"], device)
    row = {
        "model": case.name,
        "n_steps": case.n_steps,
        "repeats": repeats,
        "note": case.note,
        "info": case.info,
        "f_x": f_x.tolist(),
        "f_baseline": f_b.tolist(),
        "target": torch.as_tensor(case.target).tolist(),
        "times_s": times,
        "median_s": {k: median(v) for k, v in times.items()},
    }
    row["peak_mib"] = {name: peak_memory_mb(fn, device) for name, fn in fns.items()}
    errs = {}
    for name in ("ours", "captum"):
        if name in first:
            attr, delta = first[name]
            errs[name] = accuracy.completeness_error(attr, case, f_x, f_b)
            row[f"{name}_reported_delta"] = float(torch.as_tensor(delta).abs().max())
    row["completeness_error"] = errs
    if "ours" in first:
        a, c = first["ours"][0], first["captum"][0]
        row["max_abs_diff_vs_captum"] = float((a - c).abs().max() / c.abs().max())
    m = row["median_s"]
    if "ours" in m:
        row["ours_over_captum"] = m["ours"] / m["captum"]
        row["ours_over_proxy"] = m["ours"] / m["proxy"]
    row["captum_over_proxy"] = m["captum"] / m["proxy"]
    return row


def memory_run(device: torch.device, n_steps: int) -> dict:
    """Starts memory_run.py in its own process (its own ru_maxrss; no OOM here)."""
    cmd = [
        sys.executable,
        "-m",
        "benchmarks.memory_run",
        "--device",
        device.type,
        "--n-steps",
        str(n_steps),
    ]
    root = Path(__file__).resolve().parent.parent
    proc = subprocess.run(cmd, check=False, cwd=root, capture_output=True, text=True)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        return {"status": f"failed: exit code {proc.returncode}: {' | '.join(tail)}"}
    return json.loads(lines[-1])


def main(argv=None) -> None:
    start = time.perf_counter()
    args = parse_args(argv)
    cfg = dict(MODES[args.mode])
    repeats = args.repeats or cfg["repeats"]
    if args.repeats:
        cfg["max_repeats"] = args.repeats
    device = pick_device(args.device)
    ours_cls, ours_error = contenders.load_ours()
    captum_cls = contenders.load_captum()
    head = header(device, args.mode, ours_error)
    print(report.header_line(head), flush=True)
    if device.type == "cpu" and head["load_avg_1min_at_start"] > 0.5 * (os.cpu_count() or 1):
        print(
            f"warning: load average {head['load_avg_1min_at_start']:.1f} on "
            f"{os.cpu_count()} CPUs: other processes share this machine, CPU timings "
            "will be noisy and slow",
            flush=True,
        )

    t0 = time.perf_counter()
    cases = cases_mod.build_cases(args.mode, device, repeats)
    if args.only:
        prefixes = tuple(p.strip() for p in args.only.split(","))
        cases = [c for c in cases if c.name.startswith(prefixes)]
    setup_s = time.perf_counter() - t0
    print(f"models built and trained in {setup_s:.1f} s", flush=True)

    rows = [time_case(c, ours_cls, captum_cls, cfg, device) for c in cases]
    print(report.speed_table(rows, head), flush=True)

    acc_rows, goals = [], []
    if not args.no_accuracy:
        scan_cls = ours_cls or captum_cls
        for c in cases:
            if any(c.name.startswith(s) for s in cfg["accuracy_skip"]):
                acc_rows.append(
                    {"model": c.name, "kind": c.kind, "skipped": f"skipped in {args.mode} mode"}
                )
                continue
            row = {
                "model": c.name,
                "kind": c.kind,
                "oracle": accuracy.scan_fixed(c, scan_cls, args.tol, cfg["max_n"]),
                "ours": accuracy.auto_ours(c, ours_cls, args.tol),
            }
            if row["oracle"]["met"]:
                row["oracle_s"] = accuracy.time_fixed(c, scan_cls, row["oracle"]["n_evals"])
            if c.batch == 1 and row["ours"].get("status") == "ok":
                row["attr_dev"] = accuracy.attribution_deviation(
                    c,
                    scan_cls,
                    {
                        "ours": row["ours"].pop("attributions"),
                        "oracle": row["oracle"].pop("attributions"),
                    },
                )
            row["ours"].pop("attributions", None)
            row["oracle"].pop("attributions", None)
            if c.kind == "hard":
                row["fixed"] = accuracy.fixed_errors(c, scan_cls, (16, 64, 256))
                row["fixed_captum"] = accuracy.fixed_errors(c, captum_cls, (16, 64, 256))
            acc_rows.append(row)
        print(report.accuracy_table(acc_rows, args.tol), flush=True)
        goals = report.targets(acc_rows, args.tol)
    speed = None
    if not args.no_speed_targets and not args.only:  # their own models: a whole run only
        speed = speed_targets.measure(args.mode)
        goals += speed_targets.targets(speed)
    if goals:
        print(report.targets_table(goals), flush=True)

    mem = None
    if args.mode == "full":
        mem = memory_run(device, args.memory_steps)
        print(report.memory_line(mem), flush=True)

    total = time.perf_counter() - start
    args.out.parent.mkdir(parents=True, exist_ok=True)
    head["load_avg_1min_at_end"] = os.getloadavg()[0]
    result = {
        "header": head,
        "setup_s": setup_s,
        "speed": rows,
        "accuracy": acc_rows,
        "targets": goals,
        "speed_targets": speed,
        "memory_run": mem,
        "total_s": total,
    }
    args.out.write_text(json.dumps(result, indent=1, default=str))
    print(f"\nwrote {args.out}  (total {total:.1f} s)")
    if args.write_readme:
        tables = [report.header_line(head), report.speed_table(rows, head)]
        if acc_rows:
            tables.append(report.accuracy_table(acc_rows, args.tol))
        if goals:
            tables.append(report.targets_table(goals))
        write_readme(README, args, head, "\n".join(tables))
        print(f"wrote the benchmark block of {README}")


def write_readme(path: Path, args: argparse.Namespace, head: dict, tables: str) -> None:
    """Replace the text between the bench markers with this run's command and tables."""
    text = path.read_text()
    if README_START not in text or README_END not in text:
        sys.exit(f"--write-readme: {path} has no {README_START} ... {README_END} block.")
    before, rest = text.split(README_START, 1)
    _, after = rest.split(README_END, 1)
    cmd = (
        "python -m benchmarks.run --" + args.mode + (f" --only '{args.only}'" if args.only else "")
    )
    start, end = head["load_avg_1min_at_start"], head["load_avg_1min_at_end"]
    load = f"{start:.1f} at the start, {end:.1f} at the end"
    block = (
        f"{README_START}\n"
        f"Written by `{cmd} --write-readme` on {time.strftime('%Y-%m-%d', time.gmtime())} "
        f"({head['device']}, {head['cpu_count']} CPUs, 1-minute load average {load}). "
        "The machine was shared with other jobs during the run, so the timing columns "
        "(ms, ratios) are noisy; the counts of evaluations and the errors are not.\n\n"
        f"```\n{tables.strip()}\n```\n"
        f"{README_END}"
    )
    path.write_text(before + block + after)


if __name__ == "__main__":
    main()
