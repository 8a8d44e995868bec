"""The worked example of docs/extending-the-engine.md ("Adding a path"), run as written.

The straight line traversed as alpha**2 is the same curve with another speed, and a path
integral does not depend on how fast the curve is traversed: its attributions must equal
the straight line's within quadrature error, and satisfy completeness.
"""

import pytest
import torch

from ig_widget import IntegratedGradients
from ig_widget.paths import GradientPath, StraightLine


# --- the example, as in the document ----------------------------------------------
class SquaredStraightLine(GradientPath):
    """The straight line from the baseline to the input, traversed as x' + a**2 (x - x')."""

    def points(self, xs, bs, alphas):
        points, slopes = [], []
        for x, b in zip(xs, bs, strict=True):
            a = alphas.view((-1,) + (1,) * x.dim())  # (k, 1, ..., 1) against (N, ...)
            points.append(b + a**2 * (x - b))  # g(a)
            slopes.append(2 * a * (x - b))  # dg/da
        return tuple(points), tuple(slopes)


# -----------------------------------------------------------------------------------


def _net():
    torch.manual_seed(0)
    return (
        torch.nn.Sequential(torch.nn.Linear(4, 16), torch.nn.Tanh(), torch.nn.Linear(16, 3))
        .double()
        .eval()
    )


def test_squared_straight_line_is_complete_and_equals_the_straight_line():
    net = _net()
    x, b = torch.randn(3, 4, dtype=torch.float64), torch.randn(3, 4, dtype=torch.float64)
    ig = IntegratedGradients(net)
    attr, delta = ig.attribute(
        x, b, target=2, n_steps=64, path=SquaredStraightLine(), return_convergence_delta=True
    )
    assert float(delta.abs().max()) < 1e-10  # completeness
    straight = ig.attribute(x, b, target=2, n_steps=64, path=StraightLine())
    torch.testing.assert_close(attr, straight, rtol=1e-9, atol=1e-10)


def test_the_new_path_works_with_the_adaptive_rule_tuples_and_trace():
    model = _net()
    x1, x2 = torch.randn(2, 2, dtype=torch.float64), torch.randn(2, 2, dtype=torch.float64)

    def two(a, c):
        return model(torch.cat([a, c], dim=1))

    res = IntegratedGradients(two).attribute_detailed(
        (x1, x2), target=0, n_steps="auto", tol=1e-6, path=SquaredStraightLine(), trace=True
    )
    scale = float((res.output - res.baseline_output).abs().max())
    assert float(res.delta.abs().max()) <= 1e-6 * scale + 1e-15
    assert res.trace is not None and res.trace.integrand is not None
    ref = IntegratedGradients(two).attribute((x1, x2), target=0, n_steps=64)
    for a, r in zip(res.attributions, ref, strict=True):
        torch.testing.assert_close(a, r, rtol=1e-5, atol=1e-6 * scale)


def test_a_path_must_say_where_its_points_are():
    class Incomplete(GradientPath):
        pass

    with pytest.raises(TypeError, match="abstract"):
        Incomplete()
