"""Blur IG (``BlurPath``): its endpoints, its monotone blur, its slope and completeness.

The blur is checked against scipy's ``gaussian_filter`` (zero padding, a kernel that
spans the image), the slope against a central difference of the points, and the
attribution against completeness: sum(attr) = F(x) - F(blur(x, max_sigma)).
"""

import numpy as np
import pytest
import torch
from scipy import ndimage

from ig_widget import IntegratedGradients
from ig_widget.paths import BlurPath

F64 = torch.float64


def _image(n=2, c=3, h=12, w=9):
    torch.manual_seed(0)
    return torch.rand(n, c, h, w, dtype=F64)


def _net(c=3, h=12, w=9):
    torch.manual_seed(1)
    return (
        torch.nn.Sequential(
            torch.nn.Conv2d(c, 4, 3),
            torch.nn.Tanh(),
            torch.nn.Flatten(),
            torch.nn.Linear(4 * (h - 2) * (w - 2), 3),
        )
        .double()
        .eval()
    )


def _scipy_blur(x, sigma):
    h, w = x.shape[-2:]
    return ndimage.gaussian_filter(
        x.numpy(), sigma=[0, 0, sigma, sigma], mode="constant", radius=[0, 0, h - 1, w - 1]
    )


def _points(path, x, alphas):
    a = torch.tensor(alphas, dtype=F64)
    pts, slopes = path.points((x,), (torch.zeros_like(x),), a)
    return pts[0], slopes[0]


def test_alpha_zero_is_the_image_blurred_with_max_sigma_and_alpha_one_the_image():
    x = _image()
    path = BlurPath(max_sigma=50)
    pts, _ = _points(path, x, [0.0, 1.0])
    np.testing.assert_allclose(pts[0].numpy(), _scipy_blur(x, 50.0), rtol=0, atol=1e-14)
    assert torch.equal(pts[1], x)  # the input itself, to the last bit
    _, base = path.endpoints((x,), (torch.zeros_like(x),))
    torch.testing.assert_close(base[0], pts[0], rtol=0, atol=1e-15)


def test_points_along_the_path_are_the_gaussian_blur_at_sigma_of_alpha():
    x = _image()
    path = BlurPath(max_sigma=8)
    alphas = [0.1, 0.5, 0.9, 0.99]
    pts, _ = _points(path, x, alphas)
    for j, a in enumerate(alphas):
        ref = _scipy_blur(x, 8 * (1 - a))
        np.testing.assert_allclose(pts[j].numpy(), ref, rtol=0, atol=1e-13)


def test_the_blur_decreases_monotonically_along_the_path():
    x = _image(h=16, w=16)
    path = BlurPath(max_sigma=50)
    alphas = torch.linspace(0, 1, 101, dtype=F64)
    sig = path.sigma(alphas)
    assert bool((sig[1:] < sig[:-1]).all()) and float(sig[0]) == 50.0 and float(sig[-1]) == 0
    pts = path.values_at((x,), (x,), alphas)[0]
    dist = (pts - x).flatten(1).norm(dim=1)  # distance of g(alpha) to the input
    assert bool((dist[1:] <= dist[:-1] + 1e-12).all())
    assert float(dist[-1]) == 0.0 and float(dist[0]) > 0.1


def test_the_slope_is_the_derivative_of_the_points():
    x = _image()
    path = BlurPath(max_sigma=6)
    h = 1e-6
    for a in (0.2, 0.7, 0.95):
        _, slope = _points(path, x, [a])
        up, _ = _points(path, x, [a + h])
        down, _ = _points(path, x, [a - h])
        torch.testing.assert_close(slope[0], (up[0] - down[0]) / (2 * h), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("method,n,rel_tol", [("gausslegendre", 200, 1e-5)])
def test_completeness_with_a_fine_rule(method, n, rel_tol):
    x, net = _image(), _net()
    res = IntegratedGradients(net).attribute_detailed(
        x, target=1, n_steps=n, method=method, path=BlurPath()
    )
    gap = (res.output - res.baseline_output).abs()
    assert float(gap.min()) > 1e-3  # the test means something
    assert bool((res.delta.abs() <= rel_tol * gap).all()), (res.delta, gap)
    blurred = torch.from_numpy(_scipy_blur(x, 50.0))
    with torch.no_grad():
        torch.testing.assert_close(res.baseline_output, net(blurred)[:, 1], rtol=0, atol=1e-14)


def test_auto_steps_reach_the_tolerance():
    x, net = _image(), _net()
    res = IntegratedGradients(net).attribute_detailed(
        x, target=0, n_steps="auto", tol=1e-4, path=BlurPath()
    )
    gap = (res.output - res.baseline_output).abs()
    assert bool((res.delta.abs() <= 1e-4 * gap + 1e-15).all())


def test_baselines_passed_in_are_ignored():
    x, net = _image(), _net()
    ig = IntegratedGradients(net)
    a = ig.attribute(x, target=2, n_steps=32, path=BlurPath(10))
    b = ig.attribute(x, torch.rand_like(x), target=2, n_steps=32, path=BlurPath(10))
    torch.testing.assert_close(a, b, rtol=0, atol=0)


def test_bad_inputs_are_refused_with_a_clear_error():
    with pytest.raises(ValueError, match="max_sigma"):
        BlurPath(max_sigma=0)
    net = torch.nn.Linear(5, 2).double()
    with pytest.raises(ValueError, match=r"\(N, C, H, W\)"):
        IntegratedGradients(net).attribute(torch.rand(3, 5, dtype=F64), target=0, path=BlurPath())


def test_power_traverses_the_same_curve_with_nodes_near_the_input():
    # sigma = max_sigma (1 - alpha)^2 is the same curve at another speed: same attribution
    # (to quadrature error), same endpoints, still decreasing blur; the slope is right
    x, net = _image(), _net()
    ig = IntegratedGradients(net)
    lin = ig.attribute_detailed(x, target=1, n_steps=256, path=BlurPath())
    sq = ig.attribute_detailed(x, target=1, n_steps=256, path=BlurPath(power=2))
    scale = float(lin.attributions[0].abs().max())
    torch.testing.assert_close(sq.attributions[0], lin.attributions[0], rtol=0, atol=1e-6 * scale)
    torch.testing.assert_close(sq.baseline_output, lin.baseline_output, rtol=0, atol=1e-14)
    path = BlurPath(max_sigma=6, power=2)
    alphas = torch.linspace(0, 1, 51, dtype=F64)
    sig = path.sigma(alphas)
    assert bool((sig[1:] < sig[:-1]).all()) and float(sig[0]) == 6.0 and float(sig[-1]) == 0
    h = 1e-6
    for a in (0.2, 0.9):
        _, slope = _points(path, x, [a])
        up, _ = _points(path, x, [a + h])
        down, _ = _points(path, x, [a - h])
        torch.testing.assert_close(slope[0], (up[0] - down[0]) / (2 * h), rtol=1e-6, atol=1e-7)
    with pytest.raises(ValueError, match="power"):
        BlurPath(power=0.5)
