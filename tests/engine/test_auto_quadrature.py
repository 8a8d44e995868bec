"""n_steps="auto" planned from forward probes: few gradient evaluations where uniform rules
fail (saturation, a scale-invariant stem), no more than the best fixed rule on smooth
models, and a completeness error within tol measured here, not taken from the engine."""

import math

import numpy as np
import pytest
import torch
from torch import nn

from ig_widget import IntegratedGradients
from ig_widget.engine import probe

D = torch.float64


def completeness_error(res) -> torch.Tensor:
    """|sum(attr) - (F(x) - F(x'))| / |F(x) - F(x')| per example, recomputed here."""
    total = sum(a.reshape(a.shape[0], -1).sum(1) for a in res.attributions)
    gap = res.output - res.baseline_output
    return (total - gap).abs() / gap.abs()


def oracle_n(ig, x, tol, most=256, **kw) -> int:
    """The fewest nodes of a fixed Gauss-Legendre rule that meets tol (with hindsight)."""
    for n in range(1, most + 1):
        res = ig.attribute_detailed(x, n_steps=n, **kw)
        if float(completeness_error(res).max()) <= tol:
            return n
    return most + 1


class ScaleInvariant(nn.Module):
    """Bias-free conv stem + GroupNorm over all channels: F(alpha x) is constant for alpha
    well above sqrt(eps) / std(stem output) (about 2e-5 for inputs on a 0-255 scale), so
    all of F(x) - F(0) sits in a sliver next to alpha = 0."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 16, 4, 4, bias=False)
        self.norm = nn.GroupNorm(1, 16, eps=1e-6)
        self.head = nn.Sequential(
            nn.Conv2d(16, 16, 3, padding=1), nn.GELU(), nn.Flatten(), nn.Linear(16 * 16, 5)
        )

    def forward(self, x):
        return self.head(self.norm(self.stem(x)))


def reference_ig(model, x, target, edges, nodes_per_panel=12):
    """Composite Gauss-Legendre on the given panel edges, by plain autograd (float64)."""
    t, w = np.polynomial.legendre.leggauss(nodes_per_panel)
    total = torch.zeros_like(x)
    for a, b in zip(edges[:-1], edges[1:], strict=True):
        al = torch.tensor(a + (b - a) * (t + 1) / 2, dtype=D)
        wt = torch.tensor((b - a) * w / 2, dtype=D)
        pts = (al.view(-1, 1, 1, 1) * x).requires_grad_()
        (g,) = torch.autograd.grad(model(pts)[:, target].sum(), pts)
        total += (wt.view(-1, 1, 1, 1) * g).sum(0, keepdim=True) * x
    return total


def test_scale_invariant_stem_reaches_one_percent_within_64_gradient_evaluations():
    torch.manual_seed(0)
    model = ScaleInvariant().double().eval()
    x = torch.rand(1, 3, 16, 16, dtype=D) * 255  # raw pixel values
    ig = IntegratedGradients(model)
    for n in (16, 64):  # uniform rules miss the sliver next to alpha = 0
        assert float(completeness_error(ig.attribute_detailed(x, target=0, n_steps=n))) > 0.5
    res = ig.attribute_detailed(x, target=0, n_steps="auto", tol=0.01)
    assert res.n_evals <= 64, res.n_evals
    assert float(completeness_error(res)) <= 0.01
    assert not res.warnings
    # each feature, not only the sum, against a fine composite rule graded toward 0
    ref = reference_ig(model, x, 0, [0.0] + list(np.geomspace(1e-8, 1.0, 60)))
    assert float(completeness_error(ig.attribute_detailed(x, target=0, n_steps=8))) > 0.5
    err = float((res.attributions[0] - ref).abs().max() / ref.abs().max())
    assert err < 0.1, err


@pytest.mark.parametrize("steep, centre", [(500.0, 0.3), (2000.0, 0.55)])
def test_saturating_step_matches_closed_form_with_far_fewer_evaluations(steep, centre):
    # F(x) = tanh(steep * (w.x - centre)): IG_i = w_i x_i / (w.x) * (F(x) - F(0)) exactly
    w = torch.tensor([0.7, 0.2, 0.1], dtype=D)
    x = torch.tensor([[1.0, 1.0, 1.0]], dtype=D)

    def f(v):
        return torch.tanh(steep * (v @ w - centre))

    ig = IntegratedGradients(f)
    res = ig.attribute_detailed(x, n_steps="auto", tol=0.01)
    exact = w * x[0] / float(w @ x[0]) * float(f(x) - f(torch.zeros_like(x)))
    assert torch.allclose(res.attributions[0][0], exact, rtol=0.01, atol=1e-3 * exact.abs().max())
    assert float(completeness_error(res)) <= 0.01
    need = oracle_n(ig, x, 0.01)
    assert res.n_evals * 4 <= need, (res.n_evals, need)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_smooth_models_need_no_more_than_the_best_fixed_rule(seed):
    torch.manual_seed(seed)
    net = nn.Sequential(nn.Linear(8, 32), nn.Tanh(), nn.Linear(32, 32), nn.Tanh(), nn.Linear(32, 3))
    net = net.double().eval()
    x = torch.randn(1, 8, dtype=D) * 2
    ig = IntegratedGradients(net)
    res = ig.attribute_detailed(x, target=1, n_steps="auto", tol=0.01)
    assert float(completeness_error(res)) <= 0.01
    assert res.n_evals <= oracle_n(ig, x, 0.01, target=1)


def test_batch_shares_nodes_and_every_example_meets_tol():
    torch.manual_seed(3)
    net = nn.Sequential(nn.Linear(5, 16), nn.ReLU(), nn.Linear(16, 16), nn.Sigmoid())
    net = nn.Sequential(net, nn.Linear(16, 2)).double().eval()
    x = torch.randn(6, 5, dtype=D) * 3
    res = IntegratedGradients(net).attribute_detailed(x, target=0, n_steps="auto", tol=1e-3)
    assert bool((completeness_error(res) <= 1e-3).all())
    ref = IntegratedGradients(net).attribute(x, target=0, n_steps=4000, method="riemann_middle")
    assert (res.attributions[0] - ref).abs().max() < 1e-2 * ref.abs().max()


def test_float32_model_meets_tol_measured_in_float64():
    torch.manual_seed(4)
    net = nn.Sequential(nn.Linear(10, 32), nn.Tanh(), nn.Linear(32, 2)).eval()
    x = torch.randn(2, 10) * 3
    res = IntegratedGradients(net).attribute_detailed(x, target=1, n_steps="auto", tol=0.01)
    with torch.no_grad():
        gap = (net(x.double().to(torch.float32))[:, 1] - net(torch.zeros_like(x))[:, 1]).double()
    total = res.attributions[0].double().sum(1)
    assert bool(((total - gap).abs() <= 0.011 * gap.abs()).all())


# -- the planner alone, on plain callables ------------------------------------------------


def sliver(alpha: torch.Tensor) -> torch.Tensor:
    """F(alpha) = t / sqrt(1 + t^2), t = alpha / 1e-4: the shape of a normalised stem."""
    t = alpha / 1e-4
    return (t / torch.sqrt(1 + t * t)).unsqueeze(1)


def sliver_slope(alpha: torch.Tensor) -> torch.Tensor:
    t = alpha / 1e-4
    return ((1 + t * t) ** -1.5 / 1e-4).unsqueeze(1)


def test_planner_on_plain_callables_counts_and_weights():
    calls = []

    def slopes(a):
        calls.append(len(a))
        return sliver_slope(a)

    f_b, f_x = sliver(torch.zeros(1, dtype=D))[0], sliver(torch.ones(1, dtype=D))[0]
    plan = probe.integrate(sliver, slopes, f_b, f_x, tol=1e-3, max_steps=200, dtype=D)
    assert plan.error <= 1e-3
    assert plan.n_grad == sum(calls) == len(plan.node_weights)
    assert plan.n_values >= len(probe.probe_alphas())
    # every panel's rule is exact for constants, or (in log(alpha)) for 1 / alpha
    for p in plan.panels:
        if p.a > 0 and p.b >= probe.WARP_RATIO * p.a:
            assert math.isclose(float((p.weights / p.alphas).sum()), math.log(p.b / p.a))
        else:
            assert math.isclose(float(p.weights.sum()), p.b - p.a, rel_tol=1e-12)
    used = torch.cat([p.weights for p in plan.panels])
    assert torch.equal(plan.node_weights[plan.node_weights != 0].sort().values, used.sort().values)
    edges = [p.a for p in plan.panels] + [plan.panels[-1].b]
    assert edges[0] == 0.0 and edges[-1] == 1.0 and edges == sorted(edges)
    assert plan.panels[0].b < 1e-2  # graded toward the sliver at alpha = 0
    assert plan.n_grad <= 40, plan.n_grad


def test_planner_meets_tol_on_a_smooth_integrand_with_one_rule():
    def f(a):
        return torch.exp(a).unsqueeze(1)

    f_b, f_x = f(torch.zeros(1, dtype=D))[0], f(torch.ones(1, dtype=D))[0]
    plan = probe.integrate(f, f, f_b, f_x, tol=1e-6, max_steps=64, dtype=D)
    assert plan.error <= 1e-6
    # Gauss-Legendre with 4 nodes integrates exp on [0, 1] to 1e-9: no more are needed
    assert plan.n_grad <= 4 and len(plan.panels) == 1


@pytest.mark.parametrize("fn", ["sliver", "step"])
def test_planner_never_asks_twice_for_f_at_the_same_point(fn):
    asked: list[float] = []
    if fn == "sliver":
        base, slope = sliver, sliver_slope
    else:

        def base(a):
            return torch.tanh(40 * (a - 0.3)).unsqueeze(1)

        def slope(a):
            return (40 / torch.cosh(40 * (a - 0.3)) ** 2).unsqueeze(1)

    def values(a):
        asked.extend(a.tolist())
        return base(a)

    f_b, f_x = base(torch.zeros(1, dtype=D))[0], base(torch.ones(1, dtype=D))[0]
    plan = probe.integrate(values, slope, f_b, f_x, tol=1e-3, max_steps=200, dtype=D)
    assert plan.error <= 1e-3
    assert len(asked) == len(set(asked)) == plan.n_values
    assert 0.0 not in asked and 1.0 not in asked  # F(x') and F(x) are given
    # the per-stage counts cover every forward-only point, the first scan included
    assert sum(plan.probes.values()) == plan.n_values
    assert plan.probes["probe"] == len(probe.probe_alphas())


def test_forward_points_stay_bounded_on_an_integrand_rough_all_along_the_path():
    """400 kinks at random places (ReLU units switching all along the path): no shadow
    candidate meets tol cheaply, and the forward points spent looking for one stay
    bounded (unbounded, each panel stage spent 700-800 of them here); the real
    refinement still meets tol."""
    g = torch.Generator().manual_seed(0)
    kinks = torch.rand(400, generator=g, dtype=D)
    signs = torch.randn(400, generator=g, dtype=D)

    def values(a):
        bends = (signs * (a.unsqueeze(1) - kinks).abs()).sum(1)
        return (0.05 * a + 1e-3 * bends).unsqueeze(1)

    def slopes(a):
        return (0.05 + 1e-3 * (signs * torch.sign(a.unsqueeze(1) - kinks)).sum(1)).unsqueeze(1)

    f_b, f_x = values(torch.zeros(1, dtype=D))[0], values(torch.ones(1, dtype=D))[0]
    plan = probe.integrate(values, slopes, f_b, f_x, tol=5e-3, max_steps=1024, dtype=D)
    assert plan.error <= 5e-3
    for order in probe.PANEL_ORDERS:
        assert plan.probes[f"panels of {order}"] <= 3 * probe.SHADOW_MAX_NODES, plan.probes
