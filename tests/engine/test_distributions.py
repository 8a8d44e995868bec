"""Expected Gradients and SmoothGrad on IG: means and spreads of IG over many draws."""

import pytest
import torch

from ig_widget import IntegratedGradients
from ig_widget.engine.distributions import expected_gradients, smooth_ig

F64 = torch.float64


def _mlp():
    torch.manual_seed(0)
    return (
        torch.nn.Sequential(torch.nn.Linear(6, 16), torch.nn.Tanh(), torch.nn.Linear(16, 3))
        .double()
        .eval()
    )


def _data(n=3, b=20):
    torch.manual_seed(1)
    return torch.randn(n, 6, dtype=F64), torch.randn(b, 6, dtype=F64)


def test_identical_baselines_give_plain_ig_and_no_spread():
    net = _mlp()
    x, bg = _data()
    one = bg[:1].expand(4, 6)  # a background of one row, four times
    res = expected_gradients(net, x, one, k=5, n_steps=32, target=1)
    plain = IntegratedGradients(net).attribute(x, bg[:1].expand_as(x), target=1, n_steps=32)
    torch.testing.assert_close(res.mean, plain, rtol=1e-12, atol=1e-13)
    assert float(res.std.abs().max()) < 1e-13 and res.n_samples == 5


def test_linear_model_mean_over_the_background_is_w_times_x_minus_its_mean():
    torch.manual_seed(2)
    lin = torch.nn.Linear(6, 2).double().eval()
    x, bg = _data()
    res = expected_gradients(lin, x, bg, k=None, n_steps=4, target=0)
    w = lin.weight[0].detach()
    torch.testing.assert_close(res.mean, w * (x - bg.mean(0)), rtol=0, atol=1e-13)
    assert float(res.delta.abs().max()) < 1e-13
    per_row = w * (x.unsqueeze(0) - bg.unsqueeze(1))  # (B, N, d)
    torch.testing.assert_close(res.std, per_row.std(0), rtol=1e-10, atol=1e-13)


def test_drawn_baselines_are_seeded_and_match_separate_runs():
    net = _mlp()
    x, bg = _data()
    ig = IntegratedGradients(net)
    res = expected_gradients(net, x, bg, k=6, n_steps=24, target=2, seed=7, keep_samples=True)
    again = expected_gradients(ig, x, bg, k=6, n_steps=24, target=2, seed=7)
    other = expected_gradients(net, x, bg, k=6, n_steps=24, target=2, seed=8)
    torch.testing.assert_close(res.mean, again.mean, rtol=0, atol=0)
    assert not torch.equal(res.indices, other.indices)
    for s in range(6):
        sep = ig.attribute(x, bg[res.indices[s]], target=2, n_steps=24)
        torch.testing.assert_close(res.samples[s], sep, rtol=1e-12, atol=1e-13)
    torch.testing.assert_close(res.mean, res.samples.mean(0), rtol=0, atol=0)


def test_expected_gradients_complete_on_average():
    net = _mlp()
    x, bg = _data()
    res = expected_gradients(net, x, bg, k=8, n_steps=64, target=0, seed=3, keep_samples=True)
    with torch.no_grad():
        fx = net(x)[:, 0]
        fb = torch.stack([net(bg[res.indices[s]])[:, 0] for s in range(8)]).mean(0)
    gap = fx - fb
    assert float(gap.abs().min()) > 1e-3
    torch.testing.assert_close(res.mean.sum(1), gap, rtol=1e-8, atol=1e-10)
    assert float(res.delta.abs().max()) < 1e-8 * float(gap.abs().max())


def test_per_example_targets_follow_their_example():
    net = _mlp()
    x, bg = _data()
    t = torch.tensor([0, 2, 1])
    res = expected_gradients(net, x, bg, k=3, n_steps=16, target=t, seed=1, keep_samples=True)
    ig = IntegratedGradients(net)
    for s in range(3):
        sep = ig.attribute(x, bg[res.indices[s]], target=t, n_steps=16)
        torch.testing.assert_close(res.samples[s], sep, rtol=1e-12, atol=1e-13)
    listed = expected_gradients(net, x, bg, k=3, n_steps=16, target=[0, 2, 1], seed=1)
    torch.testing.assert_close(listed.mean, res.mean, rtol=0, atol=0)


def test_smooth_ig_without_noise_is_ig():
    net = _mlp()
    x, bg = _data()
    res = smooth_ig(net, x, bg[:3], stdevs=0.0, nt_samples=4, n_steps=32, target=1)
    plain = IntegratedGradients(net).attribute(x, bg[:3], target=1, n_steps=32)
    torch.testing.assert_close(res.mean, plain, rtol=1e-12, atol=1e-13)
    assert float(res.std.abs().max()) < 1e-13


def test_smooth_ig_is_the_mean_of_ig_at_the_noisy_inputs():
    net = _mlp()
    x, _ = _data()
    res = smooth_ig(
        net, x, 0.0, stdevs=0.3, nt_samples=5, n_steps=32, target=0, seed=4, keep_samples=True
    )
    noise = torch.randn((5, *x.shape), generator=torch.Generator().manual_seed(4), dtype=F64)
    ig = IntegratedGradients(net)
    for s in range(5):
        sep = ig.attribute(x + 0.3 * noise[s], target=0, n_steps=32)
        torch.testing.assert_close(res.samples[s], sep, rtol=1e-12, atol=1e-13)
    assert float(res.std.min()) > 0  # noise makes the attribution vary
    again = smooth_ig(net, x, 0.0, stdevs=0.3, nt_samples=5, n_steps=32, target=0, seed=4)
    torch.testing.assert_close(again.mean, res.mean, rtol=0, atol=0)
    assert float(res.delta.abs().max()) < 1e-8  # complete on average


def test_bad_arguments_are_refused():
    net = _mlp()
    x, bg = _data()
    with pytest.raises(ValueError, match="background rows"):
        expected_gradients(net, x, bg[:, :4])
    with pytest.raises(ValueError, match="k="):
        expected_gradients(net, x, bg, k=0)
    with pytest.raises(TypeError, match="background"):
        expected_gradients(net, x, [[0.0] * 6])
    with pytest.raises(ValueError, match="stdevs"):
        smooth_ig(net, x, stdevs=-1)
    with pytest.raises(ValueError, match="nt_samples"):
        smooth_ig(net, x, nt_samples=0)
