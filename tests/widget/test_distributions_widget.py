"""Expected Gradients and SmoothGrad on IG in the widget: numbers against direct engine
calls, the spread map, the readout, cache keys, bad input and saved settings."""

from __future__ import annotations

import json

import pytest
import torch
from traitlets import TraitError

from ig_widget import IGWidget
from ig_widget._serialize import decode_array
from ig_widget.engine import Cancelled
from ig_widget.engine.distributions import expected_gradients, smooth_ig
from ig_widget.engine.layer import embedding_forward
from ig_widget.modality import Settings
from ig_widget.modality.distribution import SEED, noise_sigma

from .conftest import MLP
from .test_hf_multi_input import ImageAndFeatures, _inputs

TIMEOUT = 60


@pytest.fixture
def background() -> torch.Tensor:
    return torch.randn(10, 5, dtype=torch.float64, generator=torch.Generator().manual_seed(4))


def test_options_follow_the_background(make, mlp, row, background):
    assert make(mlp, row).distribution_options == ["none", "smoothgrad"]
    w = make(mlp, row, background=background)
    assert w.distribution_options == ["none", "smoothgrad", "expected_gradients"]
    # one row is no distribution
    assert (
        "expected_gradients" not in make(mlp, row, background=background[:1]).distribution_options
    )


def test_expected_gradients_equals_the_engine(make, mlp, row, background):
    w = make(mlp, row, background=background, n_steps=24)
    w.wait(TIMEOUT)
    w.samples = 6
    w.distribution = "expected_gradients"
    res = w.wait(TIMEOUT)
    ref = expected_gradients(
        mlp, row[None], background, k=6, n_steps=24, target=w.target, seed=SEED
    )
    torch.testing.assert_close(res.attributions, ref.mean[0], rtol=0, atol=0)
    # tabular: one display value per feature, so the spread is the engine's std
    torch.testing.assert_close(res.spread, ref.std[0], rtol=0, atol=0)
    assert res.delta == float(ref.delta[0])
    # completeness for EG: the sum is F(x) - mean F(drawn baselines), up to delta
    fx = float(mlp(row[None]).detach()[0, w.target])
    drawn = background[ref.indices[:, 0]]
    mean_fb = float(mlp(drawn).detach()[:, w.target].mean())
    r = w._payload["readout"]
    assert r["output"] == pytest.approx(fx, abs=1e-12)
    assert r["baseline_output"] == pytest.approx(mean_fb, abs=1e-10)
    assert r["sum"] - (r["output"] - r["baseline_output"]) == pytest.approx(r["delta"], abs=1e-12)
    assert r["spread_detail"] == "expected gradients: 6 baselines drawn from 10 background rows"
    assert "mean F(background)" in r["delta_note"] and r["baseline"] == "background"
    spread = decode_array(w._payload["spread"])
    assert spread.shape == (5,) and spread == pytest.approx(ref.std[0].numpy(), rel=1e-6)


def test_expected_gradients_uses_every_row_when_samples_reach_the_background(
    make, mlp, row, background
):
    w = make(mlp, row, background=background, n_steps=16, distribution="expected_gradients")
    w.samples = 10
    res = w.wait(TIMEOUT)
    ref = expected_gradients(mlp, row[None], background, k=None, n_steps=16, target=w.target)
    torch.testing.assert_close(res.attributions, ref.mean[0], rtol=0, atol=0)
    assert (
        w._payload["readout"]["spread_detail"] == "expected gradients over all 10 background rows"
    )
    # on this smooth model, all rows: the sum is F(x) - mean F(background) to 1e-6
    fx = float(mlp(row[None]).detach()[0, w.target])
    mean_fb = float(mlp(background).detach()[:, w.target].mean())
    assert float(res.attributions.sum()) == pytest.approx(fx - mean_fb, abs=1e-6)


def test_smoothgrad_equals_the_engine_and_says_what_it_did(make, mlp, row):
    w = make(mlp, row, n_steps=20)
    w.wait(TIMEOUT)
    with w.hold_trait_notifications():
        w.distribution = "smoothgrad"
        w.samples = 5
        w.noise = 0.2
    res = w.wait(TIMEOUT)
    sigma = 0.2 * float(row.max() - row.min())
    assert noise_sigma(row, 0.2) == pytest.approx(sigma)
    ref = smooth_ig(
        mlp, row[None], baselines=None, stdevs=sigma, nt_samples=5, n_steps=20,
        target=w.target, seed=SEED,
    )  # fmt: skip
    torch.testing.assert_close(res.attributions, ref.mean[0], rtol=0, atol=0)
    torch.testing.assert_close(res.spread, ref.std[0], rtol=0, atol=0)
    assert res.delta == float(ref.delta[0])
    # the delta is the mean of the per-sample deltas
    assert res.delta == pytest.approx(float(ref.sample_deltas.mean()), abs=1e-15)
    r = w._payload["readout"]
    assert r["baseline_output"] == pytest.approx(
        float(mlp(torch.zeros(1, 5).double()).detach()[0, w.target])
    )
    assert r["sum"] - (r["output"] - r["baseline_output"]) == pytest.approx(r["delta"], abs=1e-12)
    assert r["spread_detail"] == (
        f"SmoothGrad: 5 samples, noise 0.2 of the input's range (σ = {sigma:.3g})"
    )
    assert "mean of the 5 per-sample deltas" in r["delta_note"]
    fx = float(mlp(row[None]).detach()[0, w.target])
    assert res.input_output == pytest.approx(fx, abs=1e-12)
    assert f"(at x itself: {fx:.4g})" in r["delta_note"]
    assert res.settings["distribution"] == "smoothgrad" and res.settings["noise"] == 0.2


def test_image_spread_is_over_channel_sums(make, cnn, image):
    w = make(cnn, image, n_steps=8, distribution="smoothgrad", samples=4)
    res = w.wait(TIMEOUT)
    sigma = noise_sigma(image, 0.1)
    ref = smooth_ig(
        cnn, image[None], stdevs=sigma, nt_samples=4, n_steps=8, target=w.target,
        seed=SEED, keep_samples=True,
    )  # fmt: skip
    torch.testing.assert_close(res.attributions, ref.mean[0], rtol=0, atol=0)
    per_pixel = ref.samples[:, 0].sum(1).double()  # (k, H, W): each sample's heatmap
    spread = decode_array(w._payload["spread"])
    assert spread.shape == (12, 12)
    assert spread == pytest.approx(per_pixel.std(0).numpy(), rel=1e-5, abs=1e-7)


def test_image_expected_gradients_from_background_images(make, cnn, image):
    bg = torch.rand(5, 3, 12, 12, generator=torch.Generator().manual_seed(9))
    w = make(cnn, image, n_steps=8, background=bg)
    assert "expected_gradients" in w.distribution_options
    w.distribution = "expected_gradients"
    w.samples = 3
    res = w.wait(TIMEOUT)
    ref = expected_gradients(cnn, image[None], bg, k=3, n_steps=8, target=w.target, seed=SEED)
    torch.testing.assert_close(res.attributions, ref.mean[0], rtol=0, atol=0)
    with pytest.raises(ValueError, match=r"background has shape \(5, 3, 11, 11\)"):
        IGWidget(cnn, image, background=bg[..., :11, :11])


def test_text_smoothgrad_at_the_embeddings(make, text_model, ids):
    w = make(text_model, ids, n_steps=10, distribution="smoothgrad", samples=3)
    res = w.wait(TIMEOUT)
    emb, fwd = embedding_forward(text_model, text_model.emb, ids[None])
    base = w._explainer.baseline(w.baseline)
    ref = smooth_ig(
        fwd, emb, baselines=base, stdevs=noise_sigma(emb, 0.1), nt_samples=3, n_steps=10,
        target=w.target, seed=SEED, keep_samples=True,
    )  # fmt: skip
    torch.testing.assert_close(res.attributions, ref.mean[0], rtol=1e-12, atol=1e-12)
    per_token = ref.samples[:, 0].sum(-1)
    spread = decode_array(w._payload["spread"])
    assert spread == pytest.approx(per_token.std(0).numpy(), rel=1e-5, abs=1e-7)
    assert res.token_attributions is not None and res.token_attributions.shape == (5,)


def test_text_expected_gradients_from_token_rows(make, text_model, ids):
    rows = torch.tensor([[3, 3, 3, 3, 3], [7, 1, 12, 5, 3], [0, 0, 0, 0, 0]])
    w = make(text_model, ids, n_steps=10, background=rows)
    assert w.distribution_options == ["none", "smoothgrad", "expected_gradients"]
    w.distribution = "expected_gradients"
    w.samples = 3  # every row once
    res = w.wait(TIMEOUT)
    emb, fwd = embedding_forward(text_model, text_model.emb, ids[None])
    bg = torch.cat([text_model.emb(r[None]).detach() for r in rows])
    ref = expected_gradients(fwd, emb, bg, k=None, n_steps=10, target=w.target)
    torch.testing.assert_close(res.attributions, ref.mean[0], rtol=1e-12, atol=1e-12)
    assert w._payload["readout"]["spread_detail"] == "expected gradients over all 3 background rows"
    with pytest.raises(ValueError, match=r"token ids \(B, T\) or embeddings"):
        IGWidget(text_model, ids, background=torch.zeros(2, 4, dtype=torch.long))


def test_without_background_text_says_which_rows_enable_it(make, text_model, ids):
    w = make(text_model, ids)
    with pytest.raises(TraitError, match=r"\(B, T\) token-id rows of the input's length"):
        w.distribution = "expected_gradients"


def test_several_inputs_offer_no_distribution(make):
    w = make(ImageAndFeatures().eval(), _inputs())
    assert w.distribution_options == ["none"]
    with pytest.raises(TraitError, match="not offered for several inputs"):
        w.distribution = "smoothgrad"


def test_same_settings_same_result_and_cache_keys(make, mlp, row, background):
    w = make(mlp, row, background=background, n_steps=12, distribution="smoothgrad", samples=4)
    first = w.wait(TIMEOUT)
    w.noise = 0.3
    other = w.wait(TIMEOUT)
    assert not torch.equal(first.attributions, other.attributions)
    computed = w._runner.computations
    w.noise = 0.1  # back to settings seen before: the cache answers, bit for bit
    again = w.wait(TIMEOUT)
    assert w._runner.computations == computed and again is first
    # a fresh widget with the same settings draws the same samples
    w2 = make(mlp, row, background=background, n_steps=12, distribution="smoothgrad", samples=4)
    torch.testing.assert_close(w2.wait(TIMEOUT).attributions, first.attributions, rtol=0, atol=0)


def test_settings_keys():
    base = Settings(50, "gausslegendre", "zeros", "straight", 0)
    sg = Settings(50, "gausslegendre", "zeros", "straight", 0, distribution="smoothgrad",
                  samples=8, noise=0.1)  # fmt: skip
    eg = Settings(50, "gausslegendre", "zeros", "straight", 0,
                  distribution="expected_gradients", samples=8)  # fmt: skip
    keys = {s.key(True) for s in (base, sg, eg)}
    assert len(keys) == 3
    # noise is SmoothGrad's alone; samples and noise mean nothing without a distribution
    assert eg.key(True) == Settings(50, "gausslegendre", "zeros", "straight", 0,
                                    distribution="expected_gradients", samples=8,
                                    noise=0.4).key(True)  # fmt: skip
    assert base.key(True) == Settings(50, "gausslegendre", "zeros", "straight", 0,
                                      samples=9, noise=0.2).key(True)  # fmt: skip
    assert sg.as_dict()["samples"] == 8 and "distribution" not in base.as_dict()


def test_samples_and_noise_do_not_recompute_without_a_distribution(make, mlp, row):
    w = make(mlp, row, n_steps=12)
    w.wait(TIMEOUT)
    n = w._runner.computations
    w.samples = 30
    w.noise = 0.5
    w.wait(TIMEOUT)
    assert w._runner.computations == n


def test_expected_gradients_without_background_is_a_clear_error(make, mlp, row):
    w = make(mlp, row)
    good = w.wait(TIMEOUT)
    payload = w._payload
    with pytest.raises(TraitError, match=r"background=\.\.\."):
        w.distribution = "expected_gradients"
    # from the controls: the error line says how to enable it, the last result stays
    w.set_state({"distribution": "expected_gradients"})
    assert w.status == "error"
    assert "IGWidget(model, x, background=...)" in w.error and "(B, F) rows" in w.error
    assert w.distribution == "none" and w._payload is payload and w.result is good


@pytest.mark.parametrize(
    "name, value, match",
    [
        ("samples", 1, "samples=1"),
        ("samples", 257, "samples=257"),
        ("noise", 1.5, "noise"),
        ("distribution", "bootstrap", "bootstrap"),
    ],
)
def test_bad_distribution_values_raise(make, mlp, row, name, value, match):
    w = make(mlp, row)
    with pytest.raises(TraitError, match=match):
        setattr(w, name, value)


def test_distribution_on_another_path_is_an_error_in_the_widget(make, cnn, image):
    w = make(cnn, image, n_steps=8)
    good = w.wait(TIMEOUT)
    w.path = "extremal"
    w.wait(TIMEOUT)
    w.distribution = "smoothgrad"
    with pytest.raises(RuntimeError, match="averages straight-line IG"):
        w.wait(TIMEOUT)
    assert w.status == "error" and "path='straight'" in w.error
    w.path = "straight"
    assert w.wait(TIMEOUT) is not good and w.status == "idle"


def test_pins_and_saved_records_carry_the_distribution(make, mlp, row, tmp_path):
    w = make(mlp, row, n_steps=12, distribution="smoothgrad", samples=3)
    w.wait(TIMEOUT)
    pin = w.pin()
    assert pin["readout"]["spread_detail"].startswith("SmoothGrad: 3 samples")
    w.save(tmp_path / "r.json")
    doc = json.loads((tmp_path / "r.json").read_text())
    assert doc["settings"]["distribution"] == "smoothgrad"
    assert doc["settings"]["samples"] == 3 and doc["settings"]["noise"] == 0.1
    # the record loads back (the mean attributions, without the model)
    loaded = IGWidget.load(tmp_path / "r.json")
    try:
        assert loaded.computable is False
        torch.testing.assert_close(
            torch.as_tensor(loaded.result.attributions).double(), w.result.attributions,
            rtol=1e-6, atol=1e-7,
        )  # fmt: skip
    finally:
        loaded.close()


def test_a_newer_request_cancels_the_engine_call(make, mlp, row):
    w = make(mlp, row, n_steps=12)
    w.wait(TIMEOUT)
    calls = []

    def progress(fraction: float) -> None:
        calls.append(fraction)
        raise Cancelled  # what the runner's callback does once a newer request exists

    s = Settings(12, "gausslegendre", "zeros", "straight", w.target, distribution="smoothgrad",
                 samples=4, noise=0.1)  # fmt: skip
    before = mlp.calls
    with pytest.raises(Cancelled):
        w._explainer.compute(s, progress)
    assert calls == [0.0] and mlp.calls == before  # stopped before the model ran


def test_a_stale_distribution_result_is_never_shown(make, mlp, row):
    w = make(mlp, row, n_steps=12)
    w.wait(TIMEOUT)
    mlp.delay = 0.3
    w.distribution = "smoothgrad"
    w.distribution = "none"  # supersedes it at once
    mlp.delay = 0.0
    res = w.wait(TIMEOUT)
    assert "distribution" not in res.settings and "spread" not in w._payload


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_on_cuda_equals_the_cpu_result(make, mlp, row, background):
    cpu = make(mlp, row, background=background, n_steps=12, distribution="expected_gradients")
    want = cpu.wait(TIMEOUT)
    gpu_model = MLP().cuda()
    w = make(gpu_model, row.cuda(), background=background, n_steps=12)  # background on the CPU
    w.distribution = "expected_gradients"
    res = w.wait(TIMEOUT)
    assert res.attributions.device.type == "cuda"
    torch.testing.assert_close(res.attributions.cpu(), want.attributions, rtol=1e-9, atol=1e-12)
    torch.testing.assert_close(res.spread.cpu(), want.spread, rtol=1e-9, atol=1e-12)
    w.distribution = "smoothgrad"
    assert w.wait(TIMEOUT).spread.device.type == "cuda"
