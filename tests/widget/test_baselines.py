"""The named baselines of ``ig_widget.engine.baselines``."""

from __future__ import annotations

import pytest
import torch

from ig_widget.engine import baselines as bl


def test_zero_and_mean_colour():
    x = torch.rand(1, 3, 5, 6, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    assert torch.equal(bl.zero(x), torch.zeros_like(x))
    m = bl.channel_mean(x)
    assert m.shape == x.shape
    torch.testing.assert_close(m[0, :, 2, 3], x[0].mean(dim=(1, 2)))
    assert torch.all(m == m[:, :, :1, :1])


def test_blur_keeps_constants_and_smooths():
    flat = torch.full((1, 3, 9, 9), 0.7, dtype=torch.float64)
    torch.testing.assert_close(bl.gaussian_blur(flat), flat)
    spike = torch.zeros(1, 1, 15, 15, dtype=torch.float64)
    spike[0, 0, 7, 7] = 1.0
    out = bl.gaussian_blur(spike, sigma=1.5)
    assert out.shape == spike.shape and out.dtype == spike.dtype
    assert out.sum() == pytest.approx(1.0, abs=1e-9)  # nothing reaches the edges
    assert out[0, 0, 7, 7] < 0.1 and out[0, 0, 7, 7] == out.max()
    torch.testing.assert_close(out[0, 0], out[0, 0].T)  # isotropic
    assert bl.blur_sigma(224, 224) == pytest.approx(22.4)
    assert bl.gaussian_blur(torch.rand(1, 3, 2, 40)).shape == (1, 3, 2, 40)  # tiny images
    with pytest.raises(ValueError, match="sigma"):
        bl.gaussian_blur(spike, sigma=0)
    with pytest.raises(ValueError, match="N, C, H, W"):
        bl.gaussian_blur(torch.rand(3, 4, 4))


def test_noise_in_range_and_seeded():
    x = torch.linspace(-2.0, 3.0, 48).reshape(1, 3, 4, 4)
    a, b = bl.uniform_noise(x), bl.uniform_noise(x)
    assert torch.equal(a, b)
    assert a.min() >= -2.0 and a.max() <= 3.0 and a.dtype == x.dtype
    assert not torch.equal(a, bl.uniform_noise(x, seed=1))


def test_tabular():
    x = torch.rand(1, 4, dtype=torch.float64)
    assert torch.equal(bl.zero(x), torch.zeros_like(x))
    bg = torch.arange(12, dtype=torch.float32).reshape(3, 4)
    out = bl.background_mean(x, bg)
    assert out.dtype == x.dtype
    torch.testing.assert_close(out[0], torch.tensor([4.0, 5, 6, 7], dtype=torch.float64))
    torch.testing.assert_close(bl.background_mean(x, bg[0]), bg[:1].double())
    with pytest.raises(ValueError, match="background has shape"):
        bl.background_mean(x, torch.zeros(3, 5))


def test_text(text_model, ids):
    emb = text_model.emb(ids[None]).detach()
    pad = bl.pad_embeddings(text_model, text_model.emb, ids[None], 0)
    torch.testing.assert_close(pad, text_model.emb(torch.zeros_like(ids)[None]).detach())
    assert torch.equal(bl.zero(emb), torch.zeros_like(emb))
