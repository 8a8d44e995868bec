"""The warning line's note when completeness fails badly.

IG's attributions should add up to F(x) - F(x'); the readout shows the error, but a
large one is easy to miss and the fix is not obvious. Above ``LIMIT`` (10%) of
|F(x) - F(x')| (or of max(|F(x)|, |F(x')|, 1) when the two are nearly equal, the
front end's basis too) the widget's ``warning`` says so and what to try.
"""

from __future__ import annotations

import math

#: relative completeness error above which the warning line speaks
LIMIT = 0.10


def relative_error(delta: float, output: float, baseline_output: float) -> float:
    """|delta| against |F(x) - F(x')|, or against max(|F(x)|, |F(x')|, 1) when the
    change is negligible (the front end's ``deltaQuality`` uses the same basis)."""
    if not all(math.isfinite(v) for v in (delta, output, baseline_output)):
        return math.inf
    change = abs(output - baseline_output)
    size = max(abs(output), abs(baseline_output), 1.0)
    scale = size if change <= 1e-9 * size else change
    return abs(delta) / scale


def completeness_note(
    delta: float,
    output: float,
    baseline_output: float,
    *,
    n_steps: int | None,
    uses_gradients: bool,
) -> str:
    """The note for the warning line, or "" when the error is within ``LIMIT``."""
    rel = relative_error(delta, output, baseline_output)
    if rel <= LIMIT:
        return ""
    share = "not finite" if math.isinf(rel) else f"{rel:.0%} of F(x) − F(x′)"
    if not uses_gradients:
        return (
            f"Completeness error {share}: this path's estimate is sampled; try the "
            "exact path or another baseline."
        )
    steps = f" at {n_steps} steps" if n_steps else ""
    return (
        f"Completeness error {share}{steps} (over 10%): the attributions do not add up "
        "to the change in output. Try more steps or steps: auto; if the error stays, the "
        "model is hard to integrate from this baseline (e.g. LayerNorm at an all-zero "
        "input): pick another baseline."
    )
