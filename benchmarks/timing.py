"""Wall time and peak memory of one call, measured the same way for every contender.

Timings alternate between contenders (ours, captum, proxy, ours, captum, proxy, ...) so
that a slow drift of the machine (thermal state, another process, the allocator's cache)
lands on all of them alike; the median of the repeats is reported.

Peak memory:
- CUDA: ``torch.cuda.max_memory_allocated`` above the memory allocated before the call.
- CPU: the kernel's peak resident set size of this process (``VmHWM`` in
  ``/proc/self/status``, reset before the call by writing 5 to ``/proc/self/clear_refs``)
  above the RSS just before the call, after ``malloc_trim(0)`` hands freed heap back to
  the OS. Where the reset is not allowed, a thread samples the RSS every 0.5 ms instead.
  ``getrusage``'s ``ru_maxrss`` is not used: it is a high-water mark that cannot be reset,
  so in a process that runs several contenders only a call that beats every earlier
  peak would show a delta, and a child process inherits its parent's peak through
  fork and exec (a fresh ``memory_run`` child reported the parent's 2.1 GiB).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import os
import statistics
import threading
import time
from collections.abc import Callable

import torch

_PAGE = os.sysconf("SC_PAGE_SIZE")


def sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def time_once(fn: Callable[[], object], device: torch.device) -> float:
    sync(device)
    start = time.perf_counter()
    fn()
    sync(device)
    return time.perf_counter() - start


def cpu_time_once(fn: Callable[[], object]) -> float:
    """This thread's CPU time for one call: on a machine shared with other jobs, wall
    time also counts the time the scheduler gave to them."""
    start = time.thread_time()
    fn()
    return time.thread_time() - start


def process_time_once(fn: Callable[[], object]) -> float:
    """The process's CPU time for one call, every thread counted: ``cpu_time_once`` for
    runs on several intra-op threads, whose work the calling thread's clock misses."""
    start = time.process_time()
    fn()
    return time.process_time() - start


def alternate(
    fns: dict[str, Callable[[], object]],
    repeats: int,
    warmup: int,
    device: torch.device | None = None,
    timer: Callable[[Callable[[], object]], float] | None = None,
) -> dict[str, list[float]]:
    """Run every fn ``warmup`` times untimed, then ``repeats`` timed rounds in turn.

    ``timer(fn) -> seconds`` defaults to wall time synchronised on ``device``."""
    if timer is None:
        timer = functools.partial(time_once, device=device or torch.device("cpu"))
    for _ in range(warmup):
        for fn in fns.values():
            fn()
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            times[name].append(timer(fn))
    return times


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def _rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * _PAGE


def _malloc_trim() -> None:
    name = ctypes.util.find_library("c")
    if name:
        try:
            ctypes.CDLL(name).malloc_trim(0)
        except (OSError, AttributeError):
            pass


def _status_kib(key: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise KeyError(key)


def _reset_peak_rss() -> bool:
    """Reset VmHWM to the current RSS (Linux 4.0+); False where that is not possible."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        return False
    return True


def peak_rss_mib() -> float:
    """VmHWM: the kernel's peak RSS of this process since start or the last reset."""
    return _status_kib("VmHWM") / 1024


def memory_method(device: torch.device) -> str:
    if device.type == "cuda":
        return "torch.cuda.max_memory_allocated above the allocation before the call"
    if _reset_peak_rss():
        return "peak RSS (VmHWM, reset before the call) above RSS before the call"
    return "peak RSS above RSS before the call (/proc/self/statm sampled every 0.5 ms)"


def peak_memory_mb(fn: Callable[[], object], device: torch.device) -> float:
    """Peak extra memory (MiB) one call of ``fn`` needs; see the module docstring."""
    if device.type == "cuda":
        sync(device)
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats(device)
        before = torch.cuda.memory_allocated(device)
        fn()
        sync(device)
        return (torch.cuda.max_memory_allocated(device) - before) / 2**20
    _malloc_trim()
    before = _rss_bytes()
    if _reset_peak_rss():
        fn()
        return peak_rss_mib() - before / 2**20
    return _sampled_peak(fn, before)


def _sampled_peak(fn: Callable[[], object], before: int) -> float:
    peak = before
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _rss_bytes())
            time.sleep(0.0005)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        fn()
    finally:
        done.set()
        sampler.join()
    peak = max(peak, _rss_bytes())
    return (peak - before) / 2**20


def alternate_cpu(fns: dict[str, Callable[[], object]], repeats: int, warmup: int) -> dict:
    """``alternate`` in this thread's CPU time."""
    return alternate(fns, repeats, warmup, timer=cpu_time_once)
