"""The alpha scrubber: F, the gradient times (x - x') and the interpolated input at one
point of the straight path, checked against the model and against IG itself."""

from __future__ import annotations

import time

import numpy as np
import pytest
import torch

from ig_widget._serialize import decode_array

TIMEOUT = 20


def until(condition, timeout: float = TIMEOUT) -> None:
    """Wait for a worker's answer to reach the traits (a message only queues work)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the worker's answer never arrived"
        time.sleep(0.01)


def test_ends_of_the_path_give_f_of_baseline_and_input(make, mlp, row):
    w = make(mlp, row)
    res = w.wait(TIMEOUT)
    assert w.scrub(1.0)["output"] == pytest.approx(res.output, rel=1e-9)
    assert w.scrub(0.0)["output"] == pytest.approx(res.baseline_output, rel=1e-9)
    values = decode_array(w.scrub(0.25)["values"])
    np.testing.assert_allclose(values, 0.25 * row.numpy())  # baseline "zeros"
    assert w.scrub_point["alpha"] == 0.25


def test_integrand_averaged_over_the_path_is_the_attribution(make, mlp, row):
    # IG is the mean of the integrand over alpha: the midpoint rule over scrub points
    w = make(mlp, row, n_steps=200)
    res = w.wait(TIMEOUT)
    n = 200
    mean = sum(decode_array(w.scrub((k + 0.5) / n)["grad"]).astype(np.float64) for k in range(n))
    np.testing.assert_allclose(mean / n, res.attributions.numpy(), rtol=1e-3, atol=1e-5)


def test_image_and_text_points(make, cnn, image, text_model, ids):
    w = make(cnn, image)
    w.wait(TIMEOUT)
    half = w.scrub(0.5)
    rgba = decode_array(half["image"])
    assert rgba.shape == (12, 12, 4) and rgba.dtype == np.uint8
    # zero baseline, inputs in [0, 1]: the blended image is half the input's brightness
    full = decode_array(w.scrub(1.0)["image"]).astype(float)
    np.testing.assert_allclose(rgba[..., :3], full[..., :3] / 2, atol=1)
    assert decode_array(half["grad"]).shape == (144,)
    t = make(text_model, ids)
    t.wait(TIMEOUT)
    mix = decode_array(t.scrub(0.3)["mix"])
    np.testing.assert_allclose(mix, 0.3, atol=1e-9)  # straight line: every token 30% moved


def test_bad_alpha_and_messages(make, mlp, row):
    w = make(mlp, row)
    w.wait(TIMEOUT)
    with pytest.raises(ValueError, match=r"outside \[0, 1\]"):
        w.scrub(1.5)
    with pytest.raises(TypeError, match="must be a number"):
        w.scrub("half")
    w._handle_custom_msg({"type": "scrub", "alpha": 0.5}, [])
    until(lambda: w.scrub_point.get("alpha") == 0.5)
    w._handle_custom_msg({"type": "scrub", "alpha": -1}, [])  # from the page: a message
    assert "outside [0, 1]" in w.error
    assert w.scrub_point["alpha"] == 0.5  # the last good point stays


def test_scrub_leaves_no_grad_on_the_model(make, mlp, row):
    w = make(mlp, row)
    w.wait(TIMEOUT)
    w.scrub(0.5)
    assert all(p.grad is None for p in mlp.parameters())
    assert torch.is_grad_enabled()
