"""Guided IG (``GuidedPath``): it ends at the input, moves low-gradient features first,
reduces to the straight line's left Riemann sum with ``max_dist=0``, and is complete up to
its left-Riemann error.
"""

import pytest
import torch

from ig_widget import IntegratedGradients
from ig_widget.paths import GuidedPath

F64 = torch.float64


def _linear(d, w):
    lin = torch.nn.Linear(d, 1, bias=True).double().eval()
    with torch.no_grad():
        lin.weight.copy_(w.view(1, -1))
        lin.bias.fill_(0.3)
    return lin


def _mlp():
    torch.manual_seed(0)
    return (
        torch.nn.Sequential(torch.nn.Linear(20, 16), torch.nn.Tanh(), torch.nn.Linear(16, 3))
        .double()
        .eval()
    )


@pytest.mark.parametrize("fraction,max_dist", [(0.25, 0.02), (0.1, 1.0), (0.5, 0.0)])
def test_the_path_ends_exactly_at_the_input(fraction, max_dist):
    # on a linear model each feature's attribution is w_i times its total move, so
    # w * (x - x') to rounding means every feature ended at its input value
    torch.manual_seed(1)
    d = 12
    w = torch.randn(d, dtype=F64)
    x, b = torch.randn(3, d, dtype=F64), torch.randn(3, d, dtype=F64)
    attr, delta = IntegratedGradients(_linear(d, w)).attribute(
        x, b, target=0, path=GuidedPath(37, fraction, max_dist), return_convergence_delta=True
    )
    torch.testing.assert_close(attr, w * (x - b), rtol=0, atol=1e-12)
    assert float(delta.abs().max()) < 1e-12


def test_low_gradient_features_move_first():
    # linear model: the gradient is w everywhere, so with no distance limit the features
    # must start moving in the order of |w|, smallest first
    d, steps = 16, 40
    w = torch.linspace(0.1, 1.6, d, dtype=F64)[
        torch.randperm(d, generator=torch.Generator().manual_seed(2))
    ]
    x, b = torch.ones(1, d, dtype=F64), torch.zeros(1, d, dtype=F64)
    res = IntegratedGradients(_linear(d, w)).attribute_detailed(
        x, b, target=0, path=GuidedPath(steps, fraction=0.25, max_dist=1.0), trace=True
    )
    moves = res.trace.integrand[0][:, 0, :]  # (steps, d): w_i times the move of i in step j
    moved = moves != 0
    first = torch.where(moved.any(0), moved.float().argmax(0), torch.full((d,), steps))
    by_size = torch.argsort(w.abs())
    assert bool((first[by_size][1:] >= first[by_size][:-1]).all()), first[by_size]
    step0 = moved[0]
    assert bool(step0.any()) and not bool(step0.all())
    assert float(w.abs()[step0].max()) < float(w.abs()[~step0].min())


def test_max_dist_zero_is_the_straight_line_left_riemann_sum():
    net = _mlp()
    torch.manual_seed(3)
    x, b = torch.randn(2, 20, dtype=F64), torch.randn(2, 20, dtype=F64)
    ig = IntegratedGradients(net)
    guided = ig.attribute(x, b, target=2, path=GuidedPath(25, fraction=0.3, max_dist=0.0))
    left = ig.attribute(x, b, target=2, n_steps=25, method="riemann_left")
    torch.testing.assert_close(guided, left, rtol=1e-9, atol=1e-12)


def test_completeness_within_the_left_riemann_error():
    # stated tolerance: |delta| <= 1% of |F(x) - F(x')| with the default 200 steps, and
    # shrinking as steps grow (the rule is a left Riemann sum, error O(1/steps))
    net = _mlp()
    torch.manual_seed(4)
    x, b = torch.randn(4, 20, dtype=F64), torch.zeros(4, 20, dtype=F64)
    ig = IntegratedGradients(net)
    res = ig.attribute_detailed(x, b, target=1, path=GuidedPath())
    gap = (res.output - res.baseline_output).abs()
    assert float(gap.min()) > 0.02
    assert bool((res.delta.abs() <= 0.01 * gap).all()), (res.delta, gap)
    finer = ig.attribute_detailed(x, b, target=1, path=GuidedPath(steps=400))
    assert float(finer.delta.abs().sum()) < float(res.delta.abs().sum())


def test_images_tuples_and_the_trace():
    torch.manual_seed(5)
    conv = (
        torch.nn.Sequential(
            torch.nn.Conv2d(2, 3, 3),
            torch.nn.Softplus(),
            torch.nn.Flatten(),
            torch.nn.Linear(48, 2),
        )
        .double()
        .eval()
    )
    x = torch.rand(2, 2, 6, 6, dtype=F64)
    res = IntegratedGradients(conv).attribute_detailed(
        x, target=1, path=GuidedPath(steps=100), trace=True
    )
    assert res.attributions[0].shape == x.shape and res.n_evals == 100
    assert res.trace.outputs.shape == (100, 2) and res.trace.integrand[0].shape == (100, *x.shape)
    torch.testing.assert_close(res.trace.integrand[0].sum(0), res.attributions[0])
    torch.testing.assert_close(res.trace.outputs[0], res.baseline_output)

    def two(a, c):
        return conv(a + c)

    a1, a2 = IntegratedGradients(two).attribute((x, 0.5 * x), target=0, path=GuidedPath(50))
    assert a1.shape == a2.shape == x.shape


def test_bad_parameters_and_auto_are_refused():
    for kwargs, word in [
        ({"steps": 0}, "steps"),
        ({"fraction": 0}, "fraction"),
        ({"fraction": 1.5}, "fraction"),
        ({"max_dist": -0.1}, "max_dist"),
    ]:
        with pytest.raises(ValueError, match=word):
            GuidedPath(**kwargs)
    with pytest.raises(ValueError, match="auto"):
        IntegratedGradients(_mlp()).attribute(
            torch.randn(1, 20, dtype=F64), target=0, n_steps="auto", path=GuidedPath()
        )


def test_the_paths_have_names():
    net = _mlp()
    x = torch.randn(1, 20, dtype=F64)
    ig = IntegratedGradients(net)
    by_name = ig.attribute(x, target=0, path="guided")
    by_object = ig.attribute(x, target=0, path=GuidedPath())
    torch.testing.assert_close(by_name, by_object, rtol=0, atol=0)
