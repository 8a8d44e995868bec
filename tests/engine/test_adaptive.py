"""n_steps="auto": accuracy reached with few gradient evaluations, honestly reported."""

import math

import pytest
import torch

from ig_widget import IntegratedGradients
from ig_widget.paths import Custom

D = torch.float64


def saturating(x):
    return torch.clamp(x[:, 0] + x[:, 1], max=1.0)


def test_saturation_needs_far_fewer_evaluations_than_uniform_gauss_legendre():
    x = torch.tensor([[1.2, 0.6]], dtype=D)
    ig = IntegratedGradients(saturating)
    res = ig.attribute_detailed(x, n_steps="auto", tol=1e-2)
    assert abs(res.delta.item()) <= 1e-2 * abs(res.output - res.baseline_output).item()
    assert torch.allclose(res.attributions[0], torch.tensor([[2 / 3, 1 / 3]], dtype=D), atol=1e-2)
    # uniform Gauss-Legendre: the error of a rule across a kink oscillates with n, so
    # "needs n" means from n on every rule meets 1% (one lucky n is no setting to trust)
    errors = [
        abs(ig.attribute(x, n_steps=n, return_convergence_delta=True)[1].item())
        for n in range(1, 301)
    ]
    need = 1 + max(i for i, e in enumerate(errors) if e > 1e-2)
    assert res.n_evals * 3 <= need, (res.n_evals, need)


def test_smooth_function_converges_to_closed_form():
    f = lambda v: v[:, 0] * torch.exp(v[:, 1])  # noqa: E731
    x, b = torch.tensor([[0.5, 0.5]], dtype=D), torch.tensor([[-0.5, -0.25]], dtype=D)
    res = IntegratedGradients(f).attribute_detailed(x, b, n_steps="auto", tol=1e-8)
    ig_x = (math.exp(0.5) - math.exp(-0.25)) / 0.75
    assert abs(res.attributions[0][0, 0].item() - ig_x) < 1e-7
    assert res.n_evals < 100 and not res.warnings


def test_batch_relu_network_meets_tol_for_every_example():
    torch.manual_seed(0)
    net = torch.nn.Sequential(
        torch.nn.Linear(6, 32), torch.nn.ReLU(), torch.nn.Linear(32, 3)
    ).double()
    x = torch.randn(4, 6, dtype=D)
    res = IntegratedGradients(net).attribute_detailed(x, target=1, n_steps="auto", tol=1e-3)
    gap = (res.output - res.baseline_output).abs()
    assert bool((res.delta.abs() <= 1e-3 * gap + 1e-12).all())
    ref = IntegratedGradients(net).attribute(x, target=1, n_steps=2000, method="riemann_middle")
    assert (res.attributions[0] - ref).abs().max() < 5e-3 * ref.abs().max()


def test_budget_exhausted_is_reported():
    x = torch.tensor([[1.2, 0.6]], dtype=D)
    res = IntegratedGradients(saturating).attribute_detailed(
        x, n_steps="auto", tol=1e-9, max_steps=9
    )
    assert res.n_evals <= 9
    assert res.warnings and "max_steps=9" in res.warnings[0]


def test_auto_with_custom_path_and_trace():
    x, b = torch.tensor([[1.0, 0.0]], dtype=D), torch.tensor([[0.0, 1.0]], dtype=D)
    g = lambda a: b + a.view(-1, 1, 1) * (x - b)  # noqa: E731
    m = lambda v: torch.minimum(v[:, 0], v[:, 1])  # noqa: E731
    res = IntegratedGradients(m).attribute_detailed(
        x, path=Custom(g), n_steps="auto", tol=1e-6, trace=True
    )
    assert torch.allclose(res.attributions[0], torch.tensor([[0.5, -0.5]], dtype=D), atol=1e-6)
    tr = res.trace
    assert tr.alphas[0] == 0 and tr.alphas[-1] == 1 and bool((tr.alphas[1:] > tr.alphas[:-1]).all())
    torch.testing.assert_close(tr.integrand[0].sum(0), res.attributions[0])


@pytest.mark.parametrize(
    "kw, pattern",
    [
        (dict(tol=0), "tol=0"),
        (dict(tol=2.0), "between 0 and 1"),
        (dict(max_steps=1), "max_steps=1"),
    ],
)
def test_bad_auto_settings(kw, pattern):
    with pytest.raises(ValueError, match=pattern):
        IntegratedGradients(saturating).attribute(torch.ones(1, 2, dtype=D), n_steps="auto", **kw)


def test_unknown_string_for_n_steps():
    with pytest.raises(TypeError, match="int or 'auto'"):
        IntegratedGradients(saturating).attribute(torch.ones(1, 2, dtype=D), n_steps="fast")
