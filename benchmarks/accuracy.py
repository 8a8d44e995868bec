"""Accuracy per pass: gradient evaluations needed for a completeness error of tol.

The completeness error max over examples of |sum(attr) - (F(x) - F(x'))| / |F(x) - F(x')|
is computed here from the returned attributions and our own F(x), F(x'), not taken from
the engine's delta, so an engine that misreports its delta cannot look better than it is.

The oracle: a fixed Gauss-Legendre rule (uniform in alpha, captum's default; ours with
the same nodes and weights, which the speed table shows equal to captum within 1e-7),
scanned over n = 1, 2, ..., 16, 20, 24, ... up to max_n; the first n that meets tol is the
best fixed n found with hindsight. A user who does not know it pays for the scan
(``scan_evals``). Ours is asked once with ``n_steps="auto", tol=tol`` and reports its own
count of gradient evaluations (``attribute_detailed(...).n_evals``); its forward-only
evaluations (no backward) are ``n_forward - n_evals`` per example, and their wall time is
measured by timing every call of the model made while gradients are off.
"""

from __future__ import annotations

import time

import torch

from benchmarks.cases import Case
from benchmarks.contenders import attribute
from benchmarks.timing import sync


def schedule(max_n: int) -> list[int]:
    """1..16, then steps of a quarter of the last power of two, up to max_n."""
    out, n = list(range(1, min(16, max_n) + 1)), 16
    while n < max_n:
        n += max(4, 2 ** (n.bit_length() - 1) // 4)
        out.append(min(n, max_n))
    return out


def completeness_error(attributions, case: Case, f_x, f_b) -> float:
    """Worst example's |sum(attr) - (F(x) - F(x'))| / |F(x) - F(x')|."""
    attr = attributions[0] if isinstance(attributions, (tuple, list)) else attributions
    f_x, f_b = torch.as_tensor(f_x, dtype=torch.float64), torch.as_tensor(f_b, dtype=torch.float64)
    total = attr.detach().double().cpu().reshape(attr.shape[0], -1).sum(1)
    gap = (f_x - f_b).reshape(-1)
    if bool((gap == 0).any()):
        return float("inf")
    return float(((total - gap).abs() / gap.abs()).max())


def scan_fixed(case: Case, ig_cls: type, tol: float, max_n: int) -> dict:
    """The first n of the schedule whose fixed Gauss-Legendre rule meets tol."""
    f_x, f_b = case.outputs()
    ig = ig_cls(case.forward)
    tried = []
    for n in schedule(max_n):
        attr, _ = attribute(ig, case, n, internal_batch_size=min(n, case.chunk) * case.batch)
        err = completeness_error(attr, case, f_x, f_b)
        tried.append({"n": n, "error": err})
        if err <= tol:
            break
    last = attr
    met = tried[-1]["error"] <= tol
    return {
        "n_evals": tried[-1]["n"] if met else None,
        "met": met,
        "error": tried[-1]["error"],
        "tried": tried,
        "scan_evals": sum(t["n"] for t in tried),
        "max_n": max_n,
        "attributions": last,
    }


def fixed_errors(case: Case, ig_cls: type, ns: tuple[int, ...]) -> dict[int, float]:
    """Completeness error of fixed Gauss-Legendre rules at each n of ``ns``."""
    f_x, f_b = case.outputs()
    ig = ig_cls(case.forward)
    out = {}
    for n in ns:
        attr, _ = attribute(ig, case, n, internal_batch_size=min(n, case.chunk) * case.batch)
        out[n] = completeness_error(attr, case, f_x, f_b)
    return out


class TimedForward:
    """Wraps the model: wall time and rows of every call made with gradients off (the
    engine's forward-only evaluations)."""

    def __init__(self, forward, device: torch.device) -> None:
        self.forward, self.device = forward, device
        self.seconds, self.rows = 0.0, 0

    def __call__(self, x, *args):
        if torch.is_grad_enabled():
            return self.forward(x, *args)
        sync(self.device)
        t0 = time.perf_counter()
        out = self.forward(x, *args)
        sync(self.device)
        self.seconds += time.perf_counter() - t0
        self.rows += x.shape[0]
        return out


class TimedModule(torch.nn.Module):
    """``TimedForward`` for a model that is an ``nn.Module``: the engine then treats it
    as the model itself (per-example ``auto`` on a batch needs a forward that sees rows
    on their own, such as a module, and the train/eval flags are read from it), so the
    timing wrapper does not change what is measured."""

    def __init__(self, model: torch.nn.Module, device: torch.device) -> None:
        super().__init__()
        self.model = model
        self.training = model.training  # this wrapper's own flag, as the model's
        self.timer = TimedForward(model, device)

    def forward(self, x, *args):
        return self.timer(x, *args)

    @property
    def seconds(self) -> float:
        return self.timer.seconds

    @property
    def rows(self) -> int:
        return self.timer.rows


def auto_ours(case: Case, ours_cls: type | None, tol: float) -> dict:
    """Ours with n_steps="auto"; {"status": "n/a ..."} when the engine lacks it."""
    if ours_cls is None:
        return {"status": "n/a (not importable)"}
    f_x, f_b = case.outputs()
    if isinstance(case.forward, torch.nn.Module):
        timed = TimedModule(case.forward, case.x.device)
    else:
        timed = TimedForward(case.forward, case.x.device)
    ig = ours_cls(timed)
    kwargs = {"baselines": case.baseline, "target": case.target, "n_steps": "auto", "tol": tol}
    try:
        sync(case.x.device)
        t0 = time.perf_counter()
        rec = ig.attribute_detailed(case.x, **kwargs)
        sync(case.x.device)
        seconds = time.perf_counter() - t0
    except (TypeError, ValueError, NotImplementedError) as exc:
        return {"status": "n/a (not implemented)", "reason": f"{type(exc).__name__}: {exc}"}
    err = completeness_error(rec.attributions, case, f_x, f_b)
    gap = (f_x - f_b).abs().max()
    reported = float(rec.delta.detach().double().cpu().abs().max() / gap)
    return {
        "status": "ok",
        "n_evals": rec.n_evals,
        "n_forward_only": rec.n_forward - rec.n_evals,
        "forward_only_s": timed.seconds,
        "forward_only_rows": timed.rows,
        "seconds": seconds,
        "met": err <= tol,
        "error": err,
        "reported_error": reported,
        "warnings": list(rec.warnings),
        "attributions": rec.attributions[0],
    }


def time_fixed(case: Case, ig_cls: type, n: int) -> float:
    """Wall time of one fixed Gauss-Legendre call at n (after one untimed call)."""
    ig = ig_cls(case.forward)
    attribute(ig, case, n)
    sync(case.x.device)
    t0 = time.perf_counter()
    attribute(ig, case, n)
    sync(case.x.device)
    return time.perf_counter() - t0


def attribution_deviation(case: Case, ig_cls: type, attrs: dict) -> dict:
    """How far each attribution is from a reference, per feature:
    max |a - a_ref| / max |a_ref| (the completeness error alone cannot see errors of
    opposite sign that cancel). The reference is the fixed Gauss-Legendre rule at
    n = 1024 when its completeness error is below 1e-5, else ours with
    n_steps="auto", tol=1e-5 (named in ``reference``)."""
    ig = ig_cls(case.forward)
    f_x, f_b = case.outputs()
    ref, _ = attribute(ig, case, 1024, internal_batch_size=case.chunk * case.batch)
    name = "fixed n=1024"
    if completeness_error(ref, case, f_x, f_b) > 1e-5:
        rec = ig.attribute_detailed(
            case.x,
            baselines=case.baseline,
            target=case.target,
            n_steps="auto",
            tol=1e-5,
            max_steps=4096,
        )
        ref, name = rec.attributions[0], "ours auto tol=1e-5"
    ref = ref.detach().double().cpu()
    scale = float(ref.abs().max())
    out = {"reference": name}
    for key, a in attrs.items():
        a = (a[0] if isinstance(a, (tuple, list)) else a).detach().double().cpu()
        out[key] = float((a - ref).abs().max()) / scale
    return out
