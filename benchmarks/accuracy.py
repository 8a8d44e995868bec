"""Accuracy per pass: how many gradient evaluations reach a completeness error of tol.

The completeness error |sum(attr) - (F(x) - F(x'))| / |F(x) - F(x')| is computed here
from the returned attributions and our own F(x), F(x'), not taken from the engine's
delta, so an engine that misreports its delta cannot look better than it is.

captum's default rule (Gauss-Legendre, uniform in alpha) is scanned over n = 1, 2, 3, 4,
6, 8, 12, ... and the first n that meets tol is reported with the error at every n
tried. That n is an oracle's choice: a user who does not know it pays for the scan
(``scan_evals``, the sum of every n tried). Ours is asked once with
``n_steps="auto", tol=tol`` and reports its own count of gradient evaluations
(``attribute_detailed(...).n_evals``).
"""

from __future__ import annotations

import torch

from benchmarks.cases import Case
from benchmarks.contenders import attribute


def schedule(max_n: int) -> list[int]:
    """1, 2, 3, 4, 6, 8, 12, 16, 24, ... (powers of two and 1.5 times them) up to max_n."""
    out, p = [1], 1
    while True:
        for n in (2 * p, 3 * p):
            if n > max_n:
                return out
            out.append(n)
        p *= 2


def completeness_error(attributions, case: Case, f_x: float, f_b: float) -> float:
    attr = attributions[0] if isinstance(attributions, (tuple, list)) else attributions
    total = float(attr.detach().double().sum())
    gap = f_x - f_b
    return abs(total - gap) / abs(gap) if gap != 0 else float("inf")


def scan_captum(case: Case, captum_cls: type, tol: float, max_n: int) -> dict:
    f_x, f_b = case.outputs()
    ig = captum_cls(case.forward)
    tried = []
    for n in schedule(max_n):
        attr, _ = attribute(ig, case, n, internal_batch_size=min(n, case.chunk))
        err = completeness_error(attr, case, f_x, f_b)
        tried.append({"n": n, "error": err})
        if err <= tol:
            break
    met = tried[-1]["error"] <= tol
    return {
        "n_evals": tried[-1]["n"] if met else None,
        "met": met,
        "error": tried[-1]["error"],
        "tried": tried,
        "scan_evals": sum(t["n"] for t in tried),
    }


def auto_ours(case: Case, ours_cls: type | None, tol: float) -> dict:
    """Ours with n_steps="auto"; {"status": "n/a ..."} when the engine lacks it."""
    if ours_cls is None:
        return {"status": "n/a (not importable)"}
    f_x, f_b = case.outputs()
    ig = ours_cls(case.forward)
    kwargs = {"baselines": case.baseline, "target": case.target, "n_steps": "auto", "tol": tol}
    try:
        if hasattr(ig, "attribute_detailed"):
            rec = ig.attribute_detailed(case.x, **kwargs)
            attr, n_evals = rec.attributions, getattr(rec, "n_evals", None)
            reported = rec.delta
        else:
            attr, reported = ig.attribute(case.x, return_convergence_delta=True, **kwargs)
            n_evals = None
    except (TypeError, ValueError, NotImplementedError) as exc:
        return {"status": "n/a (not implemented)", "reason": f"{type(exc).__name__}: {exc}"}
    err = completeness_error(attr, case, f_x, f_b)
    reported = float(torch.as_tensor(reported).abs().max()) / abs(f_x - f_b)
    return {
        "status": "ok",
        "n_evals": n_evals,
        "met": err <= tol,
        "error": err,
        "reported_error": reported,
        "method": "auto",
    }
