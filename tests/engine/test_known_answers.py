"""Closed-form answers the engine must reproduce (float64)."""

import math

import pytest
import torch

from ig_widget import IntegratedGradients
from ig_widget.paths import AllOrderings, Custom, Extremal, StraightLine

D = torch.float64


def t(*v):
    return torch.tensor([list(v)], dtype=D)


def relu_net(x):
    return torch.relu(torch.relu(x[:, 0]) - 1 - torch.relu(x[:, 1]))


def test_relu_network_from_the_paper():
    attr, delta = IntegratedGradients(relu_net).attribute(
        t(3.0, 1.0), n_steps=50, method="gausslegendre", return_convergence_delta=True
    )
    assert torch.allclose(attr, t(1.5, -0.5), atol=1e-3)
    assert abs(delta.item()) < 1e-3


def test_x_exp_y_gauss_legendre_20_steps_to_1e_9():
    f = lambda x: x[:, 0] * torch.exp(x[:, 1])  # noqa: E731
    attr, delta = IntegratedGradients(f).attribute(
        t(0.5, 0.5), baselines=t(-0.5, -0.25), n_steps=20, return_convergence_delta=True
    )
    ig_x = (math.exp(0.5) - math.exp(-0.25)) / 0.75
    total = 0.5 * math.exp(0.5) + 0.5 * math.exp(-0.25)
    assert abs(ig_x - 1.15989398) < 1e-8
    assert abs(attr[0, 0].item() - ig_x) < 1e-9
    assert abs(attr[0, 1].item() - (total - ig_x)) < 1e-9
    assert abs(attr.sum().item() - total) < 1e-9
    assert abs(total - 1.21376102) < 1e-8
    assert abs(delta.item()) < 1e-9


def saturating(x):
    return torch.clamp(x[:, 0] + x[:, 1], max=1.0)


def test_saturation_straight_line_converges_to_two_thirds_one_third():
    attr = IntegratedGradients(saturating).attribute(
        t(1.2, 0.6), n_steps=2000, method="riemann_middle"
    )
    assert torch.allclose(attr, t(2 / 3, 1 / 3), atol=2e-3)


@pytest.mark.parametrize("order, expected", [([0, 1], (1.0, 0.0)), ([1, 0], (0.4, 0.6))])
def test_saturation_extremal_paths_are_exact(order, expected):
    attr, delta = IntegratedGradients(saturating).attribute(
        t(1.2, 0.6), path=Extremal(order), return_convergence_delta=True
    )
    assert torch.allclose(attr, t(*expected), atol=1e-15, rtol=0)
    assert abs(delta.item()) < 1e-15


MIN_X, MIN_B = t(1.0, 0.0), t(0.0, 1.0)


def minimum(x):
    return torch.minimum(x[:, 0], x[:, 1])


@pytest.mark.parametrize(
    "path, expected",
    [
        (Extremal([0, 1]), (1.0, -1.0)),
        (Extremal([1, 0]), (0.0, 0.0)),
        (AllOrderings(), (0.5, -0.5)),
        (StraightLine(), (0.5, -0.5)),
    ],
)
def test_min_paths(path, expected):
    attr = IntegratedGradients(minimum).attribute(MIN_X, MIN_B, path=path, n_steps=50)
    assert torch.allclose(attr, t(*expected), atol=1e-12, rtol=0)


def test_custom_straight_line_equals_default_path():
    g = lambda a: MIN_B + a.view(-1, 1, 1) * (MIN_X - MIN_B)  # noqa: E731
    f = lambda x: x[:, 0] * torch.exp(x[:, 1])  # noqa: E731
    ours = IntegratedGradients(f).attribute(MIN_X, path=Custom(g), n_steps=20)
    ref = IntegratedGradients(f).attribute(MIN_X, MIN_B, n_steps=20)
    assert torch.allclose(ours, ref, atol=1e-14)


def test_custom_curved_path_satisfies_completeness_and_differs():
    x, b = t(0.5, 0.5), t(-0.5, -0.25)
    # quadratic in alpha for feature 0, linear for feature 1: same endpoints, other split
    g = lambda a: b + torch.stack([a**2, a], dim=1).unsqueeze(1) * (x - b)  # noqa: E731
    f = lambda v: v[:, 0] * torch.exp(v[:, 1])  # noqa: E731
    attr, delta = IntegratedGradients(f).attribute(
        x, path=Custom(g), n_steps=30, return_convergence_delta=True
    )
    assert abs(delta.item()) < 1e-12
    straight = IntegratedGradients(f).attribute(x, b, n_steps=30)
    assert (attr - straight).abs().max() > 1e-3
    # closed form: x(a) = -0.5 + a^2, y(a) = -0.25 + 0.75 a;
    # A_x = int_0^1 exp(y) * 2a da, A_y = int_0^1 x exp(y) * 0.75 da
    import numpy as np

    a = np.polynomial.legendre.leggauss(60)
    aa, ww = 0.5 * (a[0] + 1), 0.5 * a[1]
    ax = float(np.sum(ww * np.exp(-0.25 + 0.75 * aa) * 2 * aa))
    assert abs(attr[0, 0].item() - ax) < 1e-12


def test_custom_path_with_op_lacking_forward_mode_falls_back(monkeypatch):
    x, b = t(0.5, 0.5), t(-0.5, -0.25)
    f = lambda v: v[:, 0] * torch.exp(v[:, 1])  # noqa: E731

    def broken_jvp(*args, **kwargs):
        raise NotImplementedError("no forward-mode rule")

    monkeypatch.setattr(torch.func, "jvp", broken_jvp)
    g = lambda a: b + a.view(-1, 1, 1) ** 2 * (x - b)  # noqa: E731
    attr, delta = IntegratedGradients(f).attribute(
        x, path=Custom(g), n_steps=30, return_convergence_delta=True
    )
    assert abs(delta.item()) < 1e-12


def test_shapley_matches_brute_force_over_orders():
    import itertools

    torch.manual_seed(0)
    net = torch.nn.Sequential(
        torch.nn.Linear(4, 6), torch.nn.Tanh(), torch.nn.Linear(6, 1)
    ).double()
    x, b = torch.randn(2, 4, dtype=D), torch.randn(2, 4, dtype=D)
    ig = IntegratedGradients(net)
    orders = list(itertools.permutations(range(4)))
    brute = sum(ig.attribute(x, b, path=Extremal(list(o))) for o in orders) / len(orders)
    exact, delta = ig.attribute(x, b, path=AllOrderings(), return_convergence_delta=True)
    assert torch.allclose(exact, brute, atol=1e-13)
    assert delta.abs().max() < 1e-12
    sampled = ig.attribute(x, b, path=AllOrderings(samples=400, seed=1))
    assert (sampled - exact).abs().max() < 0.05 * exact.abs().max()


def test_linear_model_is_exact_for_every_rule():
    w = torch.tensor([0.3, -2.0, 1.5], dtype=D)
    f = lambda x: x @ w  # noqa: E731
    x = torch.tensor([[1.0, 2.0, -1.0]], dtype=D)
    for method in [
        "riemann_left",
        "riemann_right",
        "riemann_middle",
        "riemann_trapezoid",
        "gausslegendre",
    ]:
        attr = IntegratedGradients(f).attribute(x, n_steps=7, method=method)
        assert torch.allclose(attr, x * w, atol=1e-14), method
