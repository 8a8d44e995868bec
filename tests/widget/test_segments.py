"""User-given segments (``IGWidget(..., segments=labels)``) as the feature groups of the
image extremal and all-orderings paths and of the per-group display."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from traitlets import TraitError

from ig_widget import IntegratedGradients
from ig_widget._serialize import decode_array
from ig_widget.engine.groups import patch_segments, sum_by_group
from ig_widget.explore.image_paths import MAX_SEGMENTS, PATCH_SAMPLES, SEGMENTS
from ig_widget.paths import AllOrderings, Extremal

TIMEOUT = 120


def labels_3x3() -> np.ndarray:
    """Nine uneven regions of a 12 x 12 image with non-contiguous labels (as a superpixel
    method or a hand-made mask might give)."""
    seg = np.zeros((12, 12), np.int64)
    rows = np.digitize(np.arange(12), [5, 9])  # row bands of 5, 4, 3 pixels
    cols = np.digitize(np.arange(12), [3, 7])  # column bands of 3, 4, 5 pixels
    seg[:] = (rows[:, None] * 3 + cols[None, :]) * 7 + 40
    return seg


def relabelled(seg: np.ndarray) -> torch.Tensor:
    return torch.as_tensor(np.unique(seg, return_inverse=True)[1].reshape(seg.shape))


def engine(cnn, image, target, path):
    return IntegratedGradients(cnn).attribute(image.unsqueeze(0), target=target, path=path)[0]


def test_segments_offered_first_and_the_grid_sizes_kept(make, cnn, image):
    w = make(cnn, image, segments=labels_3x3())
    assert w.patch_size_options == [SEGMENTS, 3, 6, 4, 2, 1] and w.patch_size == SEGMENTS
    w.patch_size = 6  # the grid stays available
    assert w.patch_size == 6


def test_extremal_over_segments_equals_the_engine(make, cnn, image):
    seg = labels_3x3()
    w = make(cnn, image, path="extremal", segments=seg)
    res = w.wait(TIMEOUT)
    attr = engine(cnn, image, w.target, Extremal(groups=relabelled(seg)))
    assert torch.equal(res.attributions, attr.detach())
    # extremal values are exact: they sum to F(x) - F(x')
    assert abs(res.delta) < 1e-5
    assert w._payload["readout"]["path_detail"] == "9 given segments, one forward pass per segment"
    assert res.settings["patch"] == SEGMENTS


def test_exact_all_orderings_over_segments_equals_the_engine(make, cnn, image):
    seg = labels_3x3()
    w = make(cnn, image, path="all_orderings", segments=torch.as_tensor(seg))
    res = w.wait(TIMEOUT)
    attr = engine(cnn, image, w.target, AllOrderings(groups=relabelled(seg)))
    assert torch.equal(res.attributions, attr.detach())
    assert abs(res.delta) < 1e-5
    assert w._payload["readout"]["path_detail"] == "exact over all orders of 9 given segments"


def test_many_segments_are_sampled(make, cnn, image):
    seg = patch_segments(12, 12, 3).numpy() * 3  # 16 groups, labels 0, 3, ..., 45
    w = make(cnn, image, path="all_orderings", segments=seg)
    res = w.wait(TIMEOUT)
    attr = engine(cnn, image, w.target, AllOrderings(samples=PATCH_SAMPLES, groups=relabelled(seg)))
    assert torch.equal(res.attributions, attr.detach())
    detail = w._payload["readout"]["path_detail"]
    assert detail == f"estimate from {PATCH_SAMPLES} sampled orders of 16 given segments"


@pytest.mark.parametrize("path", ["extremal", "all_orderings"])
def test_grid_shaped_segments_match_the_patch_grid(make, cnn, image, path):
    grid = make(cnn, image, path=path)
    grid.patch_size = 6
    by_grid = grid.wait(TIMEOUT)
    seg = patch_segments(12, 12, 6).numpy() + 100
    by_segments = make(cnn, image, path=path, segments=seg).wait(TIMEOUT)
    assert torch.equal(by_grid.attributions, by_segments.attributions)


def test_display_sums_match_sum_by_group(make, cnn, image):
    seg = labels_3x3()
    w = make(cnn, image, path="straight", segments=seg)
    res = w.wait(TIMEOUT)
    view = w._payload
    sums = torch.tensor(view["segment_sums"], dtype=torch.float64)
    expect = sum_by_group(res.attributions.double().unsqueeze(0), relabelled(seg))[0]
    torch.testing.assert_close(sums, expect, rtol=1e-5, atol=1e-7)
    assert torch.equal(
        torch.from_numpy(np.array(decode_array(view["segments"]))).long(), relabelled(seg)
    )
    # the per-group sums add up to the whole attribution
    assert float(sums.sum()) == pytest.approx(float(res.attributions.double().sum()), abs=1e-6)


def test_grouping_is_part_of_the_cache_key_and_the_record(make, cnn, image):
    seg = patch_segments(12, 12, 6).numpy()  # the same groups as the 6 px grid
    w = make(cnn, image, path="extremal", segments=seg)
    first = w.wait(TIMEOUT)
    w.patch_size = 3
    grid = w.wait(TIMEOUT)
    assert grid.settings["patch"] == 3 and first.settings["patch"] == SEGMENTS
    assert not torch.equal(first.attributions, grid.attributions)
    w.patch_size = SEGMENTS
    again = w.wait(TIMEOUT)
    assert again.settings == first.settings
    assert torch.equal(again.attributions, first.attributions)
    assert w._payload["readout"]["patch"] == SEGMENTS


def test_wrong_shape(make, cnn, image):
    with pytest.raises(
        ValueError, match=r"segments= has shape \(12, 10\) but the image is 12 x 12"
    ):
        make(cnn, image, segments=np.zeros((12, 10), np.int64))


@pytest.mark.parametrize("bad", [np.zeros((12, 12)), np.zeros((12, 12), bool)])
def test_non_integer_labels(make, cnn, image, bad):
    with pytest.raises(TypeError, match="segments= holds .* not integer labels"):
        make(cnn, image, segments=bad)


def test_not_an_array(make, cnn, image):
    with pytest.raises(TypeError, match="segments= must be a numpy array or tensor"):
        make(cnn, image, segments="slic")


def test_too_many_groups(make, cnn):
    x = torch.rand(3, 17, 17, generator=torch.Generator().manual_seed(0))
    many = np.arange(17 * 17).reshape(17, 17)
    with pytest.raises(ValueError, match=f"segments= has 289 groups, more than {MAX_SEGMENTS}"):
        make(cnn, x, segments=many)


def test_only_for_images(make, mlp, row):
    with pytest.raises(ValueError, match="segments= applies to image inputs"):
        make(mlp, row, segments=np.zeros(row.shape[-1], np.int64))


def test_without_segments_the_value_is_refused(make, cnn, image):
    w = make(cnn, image)
    with pytest.raises(TraitError, match="patch_size=-1 is not offered"):
        w.patch_size = SEGMENTS


def test_pins_and_the_compare_model_keep_the_segments(make, cnn, image):
    seg = labels_3x3()
    other = type(cnn)()
    torch.manual_seed(5)
    with torch.no_grad():
        other.fc.weight.normal_()
    w = make(cnn, image, path="extremal", segments=seg, compare_model=("other", other))
    w.wait(TIMEOUT)
    pin = w.pin()
    assert pin["readout"]["patch"] == SEGMENTS
    assert pin["readout"]["path_detail"].startswith("9 given segments")
    w.model_choice = "compare"
    res = w.wait(TIMEOUT)
    attr = engine(other, image, w.target, Extremal(groups=relabelled(seg)))
    assert torch.equal(res.attributions, attr.detach())
