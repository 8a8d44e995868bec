"""Guided IG and Blur IG as path choices of an image widget."""

from __future__ import annotations

import pytest

from ig_widget import IntegratedGradients
from ig_widget.explore.image_paths import GUIDED_STEPS
from ig_widget.paths import BlurPath

TIMEOUT = 60


def test_image_widget_offers_guided_and_blur(make, cnn, image):
    w = make(cnn, image)
    assert w.path_options == ["straight", "guided", "blur", "extremal", "all_orderings"]
    # Guided IG has its own steps; the patch paths are forward-only
    assert w.forward_only_paths == ["guided", "extremal", "all_orderings"]


def test_guided_path_result_and_settings_line(make, cnn, image):
    w = make(cnn, image, path="guided")
    res = w.wait(TIMEOUT)
    assert res.n_evals >= GUIDED_STEPS // 2
    assert w._payload["readout"]["path_detail"].startswith(f"{GUIDED_STEPS} gradient steps")
    # a path that ends at the input: completeness within the guided path's own error
    assert abs(res.delta) <= 0.2 * abs(res.output - res.baseline_output) + 1e-6


def test_blur_path_matches_the_engine(make, cnn, image):
    w = make(cnn, image, path="blur", n_steps=32)
    res = w.wait(TIMEOUT)
    attr, delta = IntegratedGradients(cnn).attribute(
        image.unsqueeze(0),
        target=w.target,
        n_steps=32,
        path=BlurPath(max_sigma=50.0),
        return_convergence_delta=True,
    )
    assert res.attributions.numpy() == pytest.approx(attr[0].detach().numpy(), rel=1e-4, abs=1e-6)
    assert res.delta == pytest.approx(float(delta[0]), rel=1e-4, abs=1e-6)
    assert w._payload["readout"]["path_detail"] == ""


def _patch_sums(attr, size):
    """Per-patch sums and the spread inside each patch of a (C, H, W) attribution."""
    per_pixel = attr.sum(0)
    h, w = per_pixel.shape
    blocks = per_pixel.reshape(h // size, size, w // size, size)
    return blocks.sum((1, 3)), blocks.amax((1, 3)) - blocks.amin((1, 3))


def test_patch_paths_move_a_grid_of_patches(make, cnn, image):
    # 12 x 12 image: a 4 x 4 grid of 3 px patches (16 > 12: sampled orders)
    w = make(cnn, image, path="extremal")
    res = w.wait(TIMEOUT)
    assert (
        w._payload["readout"]["path_detail"] == "4 × 4 patches of 3 px, one forward pass per patch"
    )
    # exact: the attributions add up to F(x) - F(x')
    assert abs(res.delta) < 1e-5 * max(1.0, abs(res.output))
    sums, spread = _patch_sums(res.attributions, 3)
    assert float(spread.abs().max()) < 1e-6  # shared evenly: the heatmap shows patches
    w.path = "all_orderings"
    res = w.wait(TIMEOUT)
    detail = w._payload["readout"]["path_detail"]
    assert detail == "estimate from 64 sampled orders of 4 × 4 patches of 3 px"
    assert abs(res.delta) < 1e-5 * max(1.0, abs(res.output))  # every order is complete
