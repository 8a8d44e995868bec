"""The widget's preview pass evaluates nodes of the full rule, and the full pass reuses
them: the final result is what one full pass gives (to float64 rounding), for n_steps
gradient evaluations instead of n_steps + COARSE_STEPS. The widget does this with
``_runner.REUSE_PREVIEW_NODES`` (off by default, see there)."""

from __future__ import annotations

import pytest
import torch

from ig_widget import IntegratedGradients, _runner
from ig_widget._runner import COARSE_STEPS
from ig_widget.engine.core import NodePlan
from ig_widget.engine.quadrature import nested_subset, rule
from ig_widget.paths import Custom

TIMEOUT = 20


def _model() -> torch.nn.Module:
    torch.manual_seed(0)
    return torch.nn.Sequential(
        torch.nn.Linear(5, 16), torch.nn.Tanh(), torch.nn.Linear(16, 3)
    ).double()


def _x() -> torch.Tensor:
    return torch.randn(3, 5, generator=torch.Generator().manual_seed(4), dtype=torch.float64)


def _two_passes(ig, n, **kw):
    first = NodePlan(subset=COARSE_STEPS)
    preview = ig.attribute_detailed(_x(), n_steps=n, trace=True, _nodes=first, **kw)
    second = NodePlan(reuse=first.evaluations)
    final = ig.attribute_detailed(_x(), n_steps=n, trace=True, _nodes=second, **kw)
    return first, preview, second, final


@pytest.mark.parametrize("method", ["gausslegendre", "riemann_trapezoid", "riemann_left"])
@pytest.mark.parametrize("internal_batch_size", [None, 9])  # one chunk, several chunks
def test_preview_then_rest_equals_one_full_pass(method, internal_batch_size):
    ig = IntegratedGradients(_model())
    kw = dict(target=[0, 2, 1], method=method, internal_batch_size=internal_batch_size)
    full = ig.attribute_detailed(_x(), n_steps=40, trace=True, **kw)
    first, preview, second, final = _two_passes(ig, 40, **kw)
    assert (first.evaluated, second.evaluated) == (COARSE_STEPS, 40 - COARSE_STEPS)
    assert preview.n_evals == COARSE_STEPS and final.n_evals == 40
    # the same gradients, summed in another order: float64 rounding only
    tol = dict(rtol=0, atol=1e-12)
    torch.testing.assert_close(final.attributions[0], full.attributions[0], **tol)
    torch.testing.assert_close(final.delta, full.delta, **tol)
    torch.testing.assert_close(final.output, full.output, **tol)
    torch.testing.assert_close(final.trace.alphas, full.trace.alphas, rtol=0, atol=0)
    torch.testing.assert_close(final.trace.outputs, full.trace.outputs, **tol)
    torch.testing.assert_close(final.trace.integrand[0], full.trace.integrand[0], **tol)


def test_preview_uses_nodes_of_the_full_rule_with_exact_weights():
    ig = IntegratedGradients(_model())
    first, preview, _, _ = _two_passes(ig, 50, target=1)
    _, alphas = rule("gausslegendre", 50)
    index, weights = nested_subset(alphas, COARSE_STEPS)
    assert first.evaluations.index.tolist() == list(index)
    torch.testing.assert_close(
        preview.trace.alphas, torch.as_tensor(alphas[list(index)]), rtol=0, atol=0
    )
    # interpolatory weights: exact for polynomials of degree < 8 on [0, 1]
    nodes = alphas[list(index)]
    for p in range(COARSE_STEPS):
        assert abs(float((weights * nodes**p).sum()) - 1 / (p + 1)) < 1e-12
    # and the preview itself is an attribution of this model: small completeness gap
    gap = (preview.output - preview.baseline_output).abs()
    assert bool((preview.delta.abs() <= 1e-3 * gap).all())


def test_reuse_on_a_custom_gradient_path():
    def g(a):
        x = _x()
        return (a.view(-1, 1, 1) ** 2) * x  # baseline 0, a curved parametrisation

    ig = IntegratedGradients(_model())
    kw = dict(target=2, path=Custom(g), method="gausslegendre")
    full = ig.attribute_detailed(_x(), n_steps=24, trace=True, **kw)
    _, _, second, final = _two_passes(ig, 24, **kw)
    assert second.evaluated == 24 - COARSE_STEPS
    torch.testing.assert_close(final.attributions[0], full.attributions[0], rtol=0, atol=1e-12)


@pytest.fixture
def reuse(monkeypatch):
    monkeypatch.setattr(_runner, "REUSE_PREVIEW_NODES", True)


def test_widget_default_computes_preview_and_full_pass(make, mlp, row):
    w = make(mlp, row, n_steps=40)
    w.wait(TIMEOUT)
    assert w._runner.gradient_evaluations == 40 + COARSE_STEPS


def test_widget_full_pass_evaluates_only_the_remaining_nodes(reuse, make, mlp, row):
    w = make(mlp, row, n_steps=40)
    seen = []
    w.observe(
        lambda ch: seen.append((w._provisional, ch["new"]["readout"]["n_steps"])),
        names="_payload",
    )
    res = w.wait(TIMEOUT)
    runner = w._runner
    assert runner.gradient_evaluations == 40  # 8 in the preview + 32, not 8 + 40
    assert runner.computations == 2
    full = IntegratedGradients(mlp).attribute_detailed(
        row[None], target=res.settings["target"], n_steps=40
    )
    torch.testing.assert_close(res.attributions, full.attributions[0][0], rtol=0, atol=1e-12)
    assert abs(res.delta - float(full.delta[0])) < 1e-12
    if seen:  # the preview may have been published before the observer was attached
        assert seen[-1] == (False, 40)


def test_text_widget_two_passes(reuse, make, text_model, ids):
    w = make(text_model, ids, n_steps=20)
    res = w.wait(TIMEOUT)
    assert w._runner.gradient_evaluations == 20
    assert res.settings["n_steps"] == 20 and res.token_attributions is not None


def test_a_path_that_ignores_the_node_plan_is_served_once(reuse, make, mlp, row, monkeypatch):
    from ig_widget.engine.core import Core

    def plain(self, *args, **kwargs):  # integrate as if the plan were not there
        plan, self.nodes = self.nodes, None
        try:
            return original(self, *args, **kwargs)
        finally:
            self.nodes = plan

    original = Core.integrate
    monkeypatch.setattr(Core, "integrate", plain)
    w = make(mlp, row, n_steps=30)
    res = w.wait(TIMEOUT)
    assert w._runner.gradient_evaluations == 30 and w._runner.computations == 1
    assert res.settings["n_steps"] == 30 and w._payload["readout"]["n_steps"] == 30
    full = IntegratedGradients(mlp).attribute_detailed(
        row[None], target=res.settings["target"], n_steps=30
    )
    assert torch.equal(res.attributions, full.attributions[0][0])
