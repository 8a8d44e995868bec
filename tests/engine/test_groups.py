"""Feature groups: patches and label maps as players of the extremal and Shapley paths,
and per-group sums for display."""

import pytest
import torch

from ig_widget import IntegratedGradients
from ig_widget.engine.groups import feature_groups, paint_groups, patch_segments, sum_by_group
from ig_widget.paths import AllOrderings, Extremal

F64 = torch.float64


def _conv(c=1):
    torch.manual_seed(0)
    return (
        torch.nn.Sequential(
            torch.nn.Conv2d(c, 2, 2), torch.nn.Tanh(), torch.nn.Flatten(), torch.nn.Linear(2 * 9, 2)
        )
        .double()
        .eval()
    )


def test_patch_segments_number_patches_row_by_row():
    seg = patch_segments(4, 5, 2)
    assert seg.tolist() == [[0, 0, 1, 1, 2], [0, 0, 1, 1, 2], [3, 3, 4, 4, 5], [3, 3, 4, 4, 5]]
    assert patch_segments(3, 3, 1).flatten().tolist() == list(range(9))
    assert patch_segments(4, 4, (4, 2)).tolist() == [[0, 0, 1, 1]] * 4


def test_one_by_one_patches_equal_the_ungrouped_paths():
    net = _conv()
    torch.manual_seed(1)
    x, b = torch.rand(2, 1, 4, 4, dtype=F64), torch.zeros(2, 1, 4, 4, dtype=F64)
    ig = IntegratedGradients(net)
    seg = patch_segments(4, 4, 1)
    order = torch.randperm(16, generator=torch.Generator().manual_seed(3))
    for plain, grouped in [
        (Extremal(order), Extremal(order, groups=seg)),
        (AllOrderings(samples=5, seed=2), AllOrderings(samples=5, seed=2, groups=seg)),
    ]:
        a = ig.attribute(x, b, target=1, path=plain)
        g = ig.attribute(x, b, target=1, path=grouped)
        torch.testing.assert_close(g, a, rtol=0, atol=1e-15)


def test_group_sums_of_ig_equal_the_per_pixel_sums():
    net = _conv(c=3)
    torch.manual_seed(2)
    x = torch.rand(2, 3, 4, 4, dtype=F64)
    attr, delta = IntegratedGradients(net).attribute(
        x, target=0, n_steps=32, return_convergence_delta=True
    )
    seg = torch.tensor([[7, 7, 3, 3], [7, 7, 3, 3], [9, 9, 9, 3], [9, 9, 9, 3]])
    sums = sum_by_group(attr, seg)
    assert sums.shape == (2, 3)  # labels 3, 7, 9 -> groups 0, 1, 2
    for g, label in enumerate([3, 7, 9]):
        mask = (seg == label).expand(3, 4, 4)
        torch.testing.assert_close(sums[:, g], attr[:, mask].sum(1), rtol=1e-14, atol=1e-15)
    torch.testing.assert_close(sums.sum(1), attr.flatten(1).sum(1), rtol=1e-13, atol=1e-14)
    painted = paint_groups(sums, seg)
    assert painted.shape == (2, 4, 4)
    assert float(painted[0, 0, 0]) == float(sums[0, 1]) and float(painted[1, 3, 3]) == float(
        sums[1, 0]
    )


def test_all_orderings_over_four_groups_of_an_additive_model_give_each_groups_effect():
    # F(x) = sum over 2x2 patches g of f_g(x_g), nonlinear within each patch
    seg = patch_segments(4, 4, 2)
    weights = torch.tensor([0.5, -1.0, 2.0, 1.5], dtype=F64)

    def per_group(z):
        sums = sum_by_group(z, seg)  # (N, 4)
        return torch.tanh(sums) * weights + sums**2 * 0.1

    def model(z):
        return per_group(z).sum(1, keepdim=True)

    torch.manual_seed(3)
    x, b = torch.rand(3, 1, 4, 4, dtype=F64), torch.rand(3, 1, 4, 4, dtype=F64) * 0.2
    effect = per_group(x) - per_group(b)  # (N, 4): each group's own effect
    ig = IntegratedGradients(model)
    for path in (
        AllOrderings(groups=seg),
        AllOrderings(samples=3, groups=seg),
        Extremal([2, 0, 3, 1], groups=seg),
    ):
        attr, delta = ig.attribute(x, b, target=0, path=path, return_convergence_delta=True)
        torch.testing.assert_close(sum_by_group(attr, seg), effect, rtol=1e-12, atol=1e-13)
        assert float(delta.abs().max()) < 1e-12
        # the group's value is shared evenly among its pixels
        torch.testing.assert_close(attr[:, 0, 0, 0], effect[:, 0] / 4, rtol=1e-12, atol=1e-13)


def test_exact_shapley_on_groups_is_not_limited_by_the_pixel_count():
    net = _conv()
    x = torch.rand(1, 1, 4, 4, dtype=F64)
    with pytest.raises(ValueError, match="2\\^16|2\\^16"):
        IntegratedGradients(net).attribute(x, target=0, path=AllOrderings(max_exact_features=8))
    attr, delta = IntegratedGradients(net).attribute(
        x,
        target=0,
        path=AllOrderings(groups=patch_segments(4, 4, 2)),
        return_convergence_delta=True,
    )
    assert float(delta.abs().max()) < 1e-12


def test_bad_segments_are_refused():
    net = _conv()
    x = torch.rand(1, 1, 4, 4, dtype=F64)
    with pytest.raises(ValueError, match="trailing"):
        IntegratedGradients(net).attribute(
            x, target=0, path=Extremal(groups=patch_segments(3, 4, 1))
        )
    with pytest.raises(TypeError, match="integer"):
        feature_groups(torch.rand(4, 4), [(1, 4, 4)])
    with pytest.raises(ValueError, match="order"):
        IntegratedGradients(net).attribute(
            x, target=0, path=Extremal([0, 1, 2], groups=patch_segments(4, 4, 2))
        )
