"""'steps: auto' in the widget: the engine's adaptive rule with the user's tolerance."""

from __future__ import annotations

from ig_widget.explore.completeness import relative_error

TIMEOUT = 30


def test_auto_meets_the_tolerance_and_says_how_many_steps(make, cnn, image):
    w = make(cnn, image, n_steps=400)
    w.steps_auto = True
    w.auto_tol = 0.001
    res = w.wait(TIMEOUT)
    assert res.settings["tol"] == 0.001
    readout = w._payload["readout"]
    assert readout["auto_tol"] == 0.001 and readout["auto_steps"] == res.n_evals
    assert res.n_evals <= 400
    if res.n_evals < 400:  # stopped because the check passed, not the budget
        assert relative_error(res.delta, res.output, res.baseline_output) <= 0.001 + 1e-9
    w.steps_auto = False
    fixed = w.wait(TIMEOUT)
    assert "tol" not in fixed.settings and "auto_tol" not in w._payload["readout"]


def test_auto_is_ignored_for_forward_only_paths(make, mlp, row):
    w = make(mlp, row, steps_auto=True, path="extremal")
    res = w.wait(TIMEOUT)
    assert "tol" not in res.settings and w.error == ""
