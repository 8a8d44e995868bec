"""Memory run: ResNet-18 shape at 224x224, n_steps=1000, internal_batch_size=None, ours only.

Unchunked, 1000 path rows of ResNet-18 activations need tens of GiB; the engine is meant
to chunk by itself. This runs in its own process (``run.py --full`` starts it) so that
``ru_maxrss`` is this run's own high-water mark and a failure cannot take the main
benchmark down. Peak memory is the kernel's own peak RSS of this process (``VmHWM``,
reset just before the call; ``ru_maxrss`` would report the parent's peak, inherited
through fork and exec). On CPU the address space is capped at the machine's RAM, so running out
of memory raises an error here instead of waking the kernel's OOM killer.

    python -m benchmarks.memory_run --device cpu --n-steps 1000
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time

import torch


def _mem_total_bytes() -> int:
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) * 1024
    return 0


def _maxrss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--n-steps", type=int, default=1000)
    args = parser.parse_args()
    device = torch.device(args.device)
    if device.type == "cpu" and _mem_total_bytes():
        cap = _mem_total_bytes()
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    from benchmarks import models
    from benchmarks.accuracy import completeness_error
    from benchmarks.cases import make_case
    from benchmarks.contenders import attribute, load_ours
    from benchmarks.timing import memory_method, peak_memory_mb, peak_rss_mib, sync

    result = {
        "n_steps": args.n_steps,
        "internal_batch_size": None,
        "device": str(device),
        "memory_measure": memory_method(device),
    }
    ours_cls, why = load_ours()
    if ours_cls is None:
        result["status"] = f"n/a ({why})"
        print(json.dumps(result))
        return
    model = models.resnet18_shaped().to(device)
    x = torch.randn(1, 3, 224, 224, generator=torch.Generator().manual_seed(2)).to(device)
    case = make_case("ResNet-18 3x224x224", model, x, args.n_steps, 1, 32)
    f_x, f_b = case.outputs()
    ig = ours_cls(model)
    attribute(ig, case, 2)  # warm-up: lazy initialisation is not what we measure
    sync(device)
    result["maxrss_before_mib"] = _maxrss_mib()
    result["rss_peak_before_mib"] = peak_rss_mib()
    box = {}

    def run():
        start = time.perf_counter()
        box["attr"], _ = attribute(ig, case, args.n_steps, internal_batch_size=None)
        sync(device)
        box["seconds"] = time.perf_counter() - start

    try:
        result["peak_mib"] = peak_memory_mb(run, device)
    except (RuntimeError, MemoryError) as exc:
        result["status"] = f"failed: {type(exc).__name__}: {str(exc)[:200]}"
        result["maxrss_after_mib"] = _maxrss_mib()
        print(json.dumps(result))
        return
    result.update(
        status="ok",
        seconds=box["seconds"],
        maxrss_after_mib=_maxrss_mib(),
        rss_peak_of_call_mib=peak_rss_mib() if device.type == "cpu" else None,
        completeness_error=completeness_error(box["attr"], case, f_x, f_b),
        pid=os.getpid(),
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
