"""Delta against n_steps for the widget: how many steps are enough, per method.

``engine.convergence_curve`` evaluates the union of the nested quadrature nodes once
(Riemann rules and the trapezoid share a dyadic grid; Gauss-Legendre is counted per
n), so the whole figure costs little more than its largest n. This module runs it for
the widget's current baseline and target and packs the result for the ``convergence``
trait: relative errors |delta| / |F(x) - F(x')| the front end plots on log axes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..engine import IntegratedGradients, convergence_curve
from .completeness import relative_error

#: the largest n of the figure unless the widget's steps are larger (then the next power of 2)
N_MAX = 64
#: the most steps the figure goes to (the gradient evaluations grow with it)
N_MAX_LIMIT = 1024


def figure_n_max(n_steps: int) -> int:
    """The figure's largest n: at least ``N_MAX``, else the power of 2 at or above the
    current steps, capped at ``N_MAX_LIMIT``."""
    n = N_MAX
    while n < n_steps and n < N_MAX_LIMIT:
        n *= 2
    return n


def convergence_figure(
    explainer: Any,
    baseline: str,
    target: int,
    n_steps: int,
    check: Callable[[], None] | None = None,
) -> dict:
    """The ``convergence`` trait's value: per method, [[n, |delta| / |F(x) - F(x')|], ...].

    ``check()`` runs before each forward pass of the model; it stops the figure by
    raising (the widget's worker raises ``Cancelled`` once the settings changed)."""
    n_max = figure_n_max(int(n_steps))
    forward = explainer.forward
    if check is not None:
        model_forward = forward

        def forward(*args: Any) -> Any:
            check()
            return model_forward(*args)

    curve = convergence_curve(
        IntegratedGradients(forward),
        explainer.inputs,
        baselines=explainer.baseline(baseline),
        target=explainer.engine_target(target),
        n_max=n_max,
        additional_forward_args=explainer.args or None,
    )
    out, base = float(curve.output[0]), float(curve.baseline_output[0])
    return {
        "baseline": baseline,
        "target": int(target),
        "n_max": n_max,
        "n_evals": int(curve.n_evals),
        "n_evals_separate": int(curve.n_evals_separate),
        "output": out,
        "baseline_output": base,
        "curves": {
            method: [[int(n), relative_error(float(d[0]), out, base)] for n, d in levels]
            for method, levels in curve.curves.items()
        },
    }


def steps_enough(points: list[list[float]], tol: float) -> int | None:
    """The smallest n from which every later point of one method's curve is within
    ``tol`` (relative error), or None when the curve never settles there."""
    enough = None
    for n, rel in reversed(points):
        if rel > tol:
            break
        enough = int(n)
    return enough
