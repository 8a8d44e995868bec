"""Guided IG and Blur IG as path choices of an image widget."""

from __future__ import annotations

import pytest

from ig_widget import IntegratedGradients
from ig_widget.explore.image_paths import GUIDED_STEPS
from ig_widget.paths import BlurPath

TIMEOUT = 60


def test_image_widget_offers_guided_and_blur(make, cnn, image):
    w = make(cnn, image)
    assert w.path_options == ["straight", "guided", "blur"]
    assert w.forward_only_paths == ["guided"]  # Guided IG has its own steps


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
