"""The patch-size control of the image grouped paths (extremal, all orderings)."""

from __future__ import annotations

import pytest
import torch
from traitlets import TraitError

from ig_widget import IntegratedGradients
from ig_widget.engine.groups import patch_segments
from ig_widget.explore.image_paths import EXACT_PATCHES, PATCH_SAMPLES, patch_grid, patch_sizes
from ig_widget.paths import AllOrderings, Extremal

TIMEOUT = 120


def test_sizes_offered():
    # the default 4 x 4 grid first, then from the largest patches to single pixels
    assert patch_sizes(12, 12) == [3, 6, 4, 2, 1]
    assert patch_sizes(224, 224) == [56, 112, 75, 38, 28, 19, 14]
    assert patch_grid(224, 224) == (56, 4, 4) and patch_grid(224, 224, 19) == (19, 12, 12)
    assert patch_grid(10, 30, 8) == (8, 2, 4)  # edge patches are smaller


def test_control_only_for_images(make, cnn, image, mlp, row):
    w = make(cnn, image)
    assert w.patch_size_options == [3, 6, 4, 2, 1] and w.patch_size == 3
    with pytest.raises(TraitError, match="patch_size=5 is not offered; use one of 3, 6, 4, 2, 1"):
        w.patch_size = 5
    t = make(mlp, row)
    assert t.patch_size_options == [] and t.patch_size == 0


@pytest.mark.parametrize("size", [6, 2])
def test_extremal_uses_the_chosen_patches(make, cnn, image, size):
    w = make(cnn, image, path="extremal")
    w.wait(TIMEOUT)
    w.patch_size = size
    res = w.wait(TIMEOUT)
    seg = patch_segments(12, 12, size)
    attr = IntegratedGradients(cnn).attribute(
        image.unsqueeze(0), target=w.target, path=Extremal(groups=seg)
    )
    torch.testing.assert_close(res.attributions, attr[0].detach(), rtol=1e-5, atol=1e-7)
    rows = -(-12 // size)
    assert w._payload["readout"]["path_detail"].startswith(f"{rows} × {rows} patches of {size} px")
    assert res.settings["patch"] == size


def test_all_orderings_exact_or_sampled_by_the_chosen_grid(make, cnn, image):
    w = make(cnn, image, path="all_orderings")
    w.patch_size = 6  # 2 x 2 = 4 patches: exact
    res = w.wait(TIMEOUT)
    assert w._payload["readout"]["path_detail"] == "exact over all orders of 2 × 2 patches of 6 px"
    attr = IntegratedGradients(cnn).attribute(
        image.unsqueeze(0), target=w.target, path=AllOrderings(groups=patch_segments(12, 12, 6))
    )
    torch.testing.assert_close(res.attributions, attr[0].detach(), rtol=1e-5, atol=1e-7)
    # exact patch values sum to F(x) - F(x')
    assert abs(res.delta) < 1e-5
    w.patch_size = 3  # 4 x 4 = 16 patches: more than EXACT_PATCHES, sampled
    w.wait(TIMEOUT)
    assert 16 > EXACT_PATCHES
    assert w._payload["readout"]["path_detail"] == (
        f"estimate from {PATCH_SAMPLES} sampled orders of 4 × 4 patches of 3 px"
    )


def test_patch_size_leaves_other_paths_alone(make, cnn, image):
    w = make(cnn, image, n_steps=8)
    first = w.wait(TIMEOUT)
    n = w._runner.computations
    w.patch_size = 2  # the straight line has no patches: nothing to compute
    assert w.wait(TIMEOUT) is first and w._runner.computations == n
    assert "patch" not in first.settings


def test_default_size_keeps_the_default_settings(make, cnn, image):
    w = make(cnn, image, path="extremal")
    res = w.wait(TIMEOUT)
    assert "patch" not in res.settings
    assert w._payload["readout"]["path_detail"].startswith("4 × 4 patches of 3 px")


def test_per_patch_display_is_display_only(make, cnn, image):
    w = make(cnn, image, n_steps=8)
    first = w.wait(TIMEOUT)
    n = w._runner.computations
    assert w.patch_display is False
    w.set_state({"patch_display": True})  # as the front end writes it
    assert w.patch_display is True and w.error == ""
    assert w.wait(TIMEOUT) is first and w._runner.computations == n
