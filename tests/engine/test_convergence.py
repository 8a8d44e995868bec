"""The convergence curve: deltas equal separate runs', for fewer gradient evaluations."""

import pytest
import torch

from ig_widget import IntegratedGradients
from ig_widget.engine.convergence import convergence_curve, step_counts
from ig_widget.engine.quadrature import METHODS

F64 = torch.float64


def _mlp():
    torch.manual_seed(0)
    return (
        torch.nn.Sequential(torch.nn.Linear(5, 12), torch.nn.Tanh(), torch.nn.Linear(12, 3))
        .double()
        .eval()
    )


def test_step_counts_are_nested():
    assert step_counts("riemann_left", 64) == [1, 2, 4, 8, 16, 32, 64]
    assert step_counts("gausslegendre", 50) == [1, 2, 4, 8, 16, 32]
    assert step_counts("riemann_trapezoid", 64) == [2, 3, 5, 9, 17, 33]


def test_deltas_equal_separate_runs_and_cost_less():
    net = _mlp()
    torch.manual_seed(1)
    x, b = torch.randn(3, 5, dtype=F64), torch.randn(3, 5, dtype=F64)
    ig = IntegratedGradients(net)
    res = convergence_curve(ig, x, b, target=1, n_max=64)
    assert set(res.curves) == set(METHODS)
    separate = 0
    for method, curve in res.curves.items():
        assert [n for n, _ in curve] == step_counts(method, 64)
        for n, d in curve:
            _, ref = ig.attribute(
                x, b, target=1, n_steps=n, method=method, return_convergence_delta=True
            )
            torch.testing.assert_close(d, ref, rtol=0, atol=1e-10)
            separate += n
    assert res.n_evals_separate == separate
    assert res.n_evals < separate
    # left, right and trapezoid share the 65 points of the grid j/64; the middle rule
    # adds the 64 odd multiples of 1/128; Gauss-Legendre 1..64 adds its own 127 nodes
    # (n = 1 is 1/2, already on the grid)
    assert res.n_evals == 65 + 64 + 126
    # the curve converges: the finest Gauss-Legendre delta is tiny
    assert float(res.curves["gausslegendre"][-1][1].abs().max()) < 1e-10
    attr = ig.attribute(x, b, target=1, n_steps=64, method=METHODS[0])
    torch.testing.assert_close(res.attributions[0], attr, rtol=1e-12, atol=1e-13)


def test_nested_rules_alone_cost_only_the_finest_level():
    net = _mlp()
    torch.manual_seed(2)
    x = torch.randn(2, 5, dtype=F64)
    res = convergence_curve(
        IntegratedGradients(net), x, target=0, methods=["riemann_left", "riemann_right"], n_max=32
    )
    assert res.n_evals == 33  # the grid j/32, j = 0..32
    assert res.n_evals_separate == 2 * (1 + 2 + 4 + 8 + 16 + 32)


def test_tuple_inputs_and_forward_arguments():
    net = _mlp()

    def two(a, c, scale):
        return net(torch.cat([a, c], dim=1) * scale)

    torch.manual_seed(3)
    a, c = torch.randn(2, 2, dtype=F64), torch.randn(2, 3, dtype=F64)
    ig = IntegratedGradients(two)
    res = convergence_curve(
        ig,
        (a, c),
        target=2,
        methods=["riemann_trapezoid"],
        n_max=16,
        additional_forward_args=(0.5,),
    )
    for n, d in res.curves["riemann_trapezoid"]:
        _, ref = ig.attribute(
            (a, c),
            target=2,
            n_steps=n,
            method="riemann_trapezoid",
            additional_forward_args=(0.5,),
            return_convergence_delta=True,
        )
        torch.testing.assert_close(d, ref, rtol=0, atol=1e-10)


def test_bad_arguments():
    ig = IntegratedGradients(_mlp())
    x = torch.randn(1, 5, dtype=F64)
    with pytest.raises(ValueError, match="n_max"):
        convergence_curve(ig, x, target=0, n_max=1)
    with pytest.raises(ValueError, match="method"):
        convergence_curve(ig, x, target=0, methods=["simpsons"])
    with pytest.raises(TypeError, match="IntegratedGradients"):
        convergence_curve(_mlp(), x, target=0)
