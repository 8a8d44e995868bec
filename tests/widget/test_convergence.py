"""Delta against n_steps in the widget: the figure's numbers equal separate IG runs."""

from __future__ import annotations

import pytest
import torch

from ig_widget import IntegratedGradients
from ig_widget.explore.completeness import relative_error
from ig_widget.explore.convergence import N_MAX, figure_n_max, steps_enough

from .test_scrubber import until

TIMEOUT = 30


def test_figure_matches_separate_runs(make, mlp, row):
    w = make(mlp, row)
    w.wait(TIMEOUT)
    fig = w.convergence_curve()
    assert fig["n_max"] == N_MAX and fig["baseline"] == w.baseline
    assert fig["n_evals"] < fig["n_evals_separate"]
    ig = IntegratedGradients(mlp)
    x = row.unsqueeze(0)
    for method in ("gausslegendre", "riemann_trapezoid", "riemann_left"):
        points = dict(fig["curves"][method])
        for n in (2, 9) if method == "riemann_trapezoid" else (1, 8):
            _, delta = ig.attribute(
                x, target=w.target, n_steps=n, method=method, return_convergence_delta=True
            )
            with torch.no_grad():
                out = float(mlp(x)[0, w.target])
                base = float(mlp(x * 0)[0, w.target])
            want = relative_error(float(delta[0]), out, base)
            assert points[n] == pytest.approx(want, rel=1e-6, abs=1e-12), (method, n)


def test_button_message_and_reruns(make, text_model, ids):
    w = make(text_model, ids)
    w.wait(TIMEOUT)
    w._handle_custom_msg({"type": "convergence"}, [])  # queued on the worker
    until(lambda: bool(w.convergence), TIMEOUT)
    first = w.convergence
    assert set(first["curves"]) == {
        "riemann_left",
        "riemann_right",
        "riemann_middle",
        "riemann_trapezoid",
        "gausslegendre",
    }
    w._handle_custom_msg({"type": "convergence"}, [])
    until(lambda: w.convergence["run"] == first["run"] + 1, TIMEOUT)  # every rerun shows


def test_n_max_and_steps_enough():
    assert figure_n_max(50) == 64 and figure_n_max(100) == 128 and figure_n_max(5000) == 1024
    pts = [[1, 0.5], [2, 0.005], [4, 0.02], [8, 0.004], [16, 0.001]]
    assert steps_enough(pts, 0.01) == 8
    assert steps_enough(pts, 1e-4) is None
