"""The widget's results are the engine's numbers for the same settings."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from ig_widget import IntegratedGradients
from ig_widget._serialize import decode_array
from ig_widget.engine import baselines as bl
from ig_widget.engine.layer import embedding_forward
from ig_widget.paths import AllOrderings, Extremal

TIMEOUT = 20


def engine(model, x, **kw):
    return IntegratedGradients(model).attribute_detailed(x, **kw)


@pytest.mark.parametrize("method", ["gausslegendre", "riemann_trapezoid", "riemann_left"])
def test_tabular_straight_matches_engine(make, mlp, row, method):
    w = make(mlp, row, method=method, n_steps=20)
    res = w.wait(TIMEOUT)
    ref = engine(mlp, row[None], target=w.target, n_steps=20, method=method)
    assert torch.equal(res.attributions, ref.attributions[0][0])
    assert res.attributions.shape == row.shape
    assert res.delta == pytest.approx(float(ref.delta[0]), abs=1e-12)
    assert res.output == float(ref.output[0])
    assert res.baseline_output == float(ref.baseline_output[0])
    assert res.settings == {
        "n_steps": 20,
        "method": method,
        "baseline": "zeros",
        "path": "straight",
        "target": w.target,
    }
    p = w._payload
    assert p["kind"] == "tabular"
    np.testing.assert_allclose(decode_array(p["attr"]), res.attributions.numpy(), rtol=1e-6)
    np.testing.assert_array_equal(decode_array(p["values"]), row.numpy())
    assert p["readout"]["n_steps"] == 20 and p["readout"]["method"] == method
    assert p["readout"]["sum"] == pytest.approx(float(res.attributions.sum()))


def test_tabular_paths_and_background(make, mlp, row):
    background = torch.randn(40, 5, dtype=torch.float64, generator=torch.Generator().manual_seed(4))
    w = make(mlp, row, background=background, feature_names=list("abcde"))
    assert w.baseline_options == ["zeros", "background mean"]
    assert w.path_options == ["straight", "extremal", "all_orderings"]
    w.wait(TIMEOUT)
    base = background.mean(0, keepdim=True)
    for path, obj in [("extremal", Extremal()), ("all_orderings", AllOrderings())]:
        w.baseline, w.path = "background mean", path
        res = w.wait(TIMEOUT)
        ref = engine(mlp, row[None], baselines=base, target=w.target, path=obj)
        torch.testing.assert_close(res.attributions, ref.attributions[0][0], rtol=0, atol=1e-12)
        assert abs(res.delta) < 1e-9  # both paths are exact
        assert w._payload["readout"]["path"] == path


def test_all_orderings_samples_beyond_12_features(make):
    model = nn.Sequential(nn.Linear(13, 2)).double().eval()
    x = torch.linspace(-1, 1, 13, dtype=torch.float64)
    w = make(model, x, path="all_orderings")
    res = w.wait(TIMEOUT)
    ref = engine(model, x[None], target=w.target, path=AllOrderings(samples=64))
    torch.testing.assert_close(res.attributions, ref.attributions[0][0])


def test_image_baselines_match_engine(make, cnn, image):
    w = make(cnn, image)
    assert w.modality == "image"
    assert w.baseline_options == ["zero", "blur", "noise", "mean colour"]
    assert w.path_options == ["straight", "guided", "blur", "extremal", "all_orderings"]
    builders = {
        "zero": bl.zero,
        "blur": bl.gaussian_blur,
        "noise": bl.uniform_noise,
        "mean colour": bl.channel_mean,
    }
    for name, build in builders.items():
        w.baseline = name
        res = w.wait(TIMEOUT)
        xb = image[None]
        ref = engine(cnn, xb, baselines=build(xb), target=w.target, n_steps=50)
        assert torch.equal(res.attributions, ref.attributions[0][0]), name
        assert res.attributions.shape == image.shape
        attr = decode_array(w._payload["attr"])
        assert attr.shape == (12, 12) and attr.dtype == np.float32
        np.testing.assert_allclose(attr, res.attributions.sum(0).numpy(), rtol=1e-5, atol=1e-7)
    p = w._payload
    assert (p["height"], p["width"]) == (12, 12)
    rgba = decode_array(p["image"])
    assert rgba.shape == (12, 12, 4) and rgba.dtype == np.uint8
    np.testing.assert_array_equal(rgba[..., 0], np.round(image[0].numpy() * 255))


def test_image_with_batch_dim_and_grayscale(make):
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.Flatten(), nn.LazyLinear(3))
    x = torch.rand(1, 1, 8, 8)
    model(x)  # materialise the lazy layer
    model.eval()
    w = make(model, x)
    res = w.wait(TIMEOUT)
    assert res.attributions.shape == (1, 8, 8)
    rgba = decode_array(w._payload["image"])
    np.testing.assert_array_equal(rgba[..., 0], rgba[..., 2])


def test_text_matches_engine(make, text_model, ids):
    w = make(text_model, ids, pad_token_id=0)
    assert w.modality == "text"
    assert w.baseline_options == ["pad", "zero embedding"]
    res = w.wait(TIMEOUT)
    emb, fwd = embedding_forward(text_model, text_model.emb, ids[None])
    pad, _ = embedding_forward(text_model, text_model.emb, torch.zeros_like(ids)[None])
    ref = engine(fwd, emb, baselines=pad, target=w.target, n_steps=50)
    assert torch.equal(res.attributions, ref.attributions[0][0])
    assert res.attributions.shape == (5, 6)
    torch.testing.assert_close(res.token_attributions, res.attributions.sum(-1))
    assert w._payload["tokens"] == ["3", "7", "1", "12", "5"]
    np.testing.assert_allclose(
        decode_array(w._payload["attr"]), res.token_attributions.numpy(), rtol=1e-6
    )
    w.baseline = "zero embedding"
    res = w.wait(TIMEOUT)
    ref = engine(fwd, emb, baselines=torch.zeros_like(emb), target=w.target)
    assert torch.equal(res.attributions, ref.attributions[0][0])


def test_text_pad_from_tokenizer_and_tokens(make, text_model, ids):
    class Tok:
        pad_token_id = 2

        def convert_ids_to_tokens(self, ids):
            return [f"t{i}" for i in ids]

    w = make(text_model, ids[None], tokenizer=Tok())
    assert w.baseline_options == ["pad", "zero embedding"]
    assert w._explainer.pad_token_id == 2
    w.wait(TIMEOUT)
    assert w._payload["tokens"] == ["t3", "t7", "t1", "t12", "t5"]
    w2 = make(text_model, ids)
    assert w2.baseline_options == ["zero embedding"]  # no pad id known


def test_markup_token_is_kept_verbatim(make, text_model, ids):
    evil = "<img src=x onerror=alert(1)>"
    tokens = ["a", evil, "&amp;", "<b>", "c"]
    w = make(text_model, ids, tokens=tokens)
    w.wait(TIMEOUT)
    assert w._payload["tokens"] == tokens
    assert w._payload["tokens"][1] == evil
    names = [f["name"] for f in w._payload["path_trace"]["features"]]
    assert set(names) <= set(tokens)


def test_user_baselines_come_first(make, mlp, row):
    mine = torch.full((5,), 0.5, dtype=torch.float64)
    w = make(mlp, row, baselines={"halves": mine, "zeros": torch.ones(5, dtype=torch.float64)})
    assert w.baseline_options == ["halves", "zeros"]
    assert w.baseline == "halves"
    res = w.wait(TIMEOUT)
    ref = engine(mlp, row[None], baselines=mine[None], target=w.target)
    assert torch.equal(res.attributions, ref.attributions[0][0])
    w.baseline = "zeros"  # the user's "zeros" replaces the built-in one
    res = w.wait(TIMEOUT)
    with torch.no_grad():
        expected = float(mlp(torch.ones(1, 5, dtype=torch.float64))[0, w.target])
    assert res.baseline_output == pytest.approx(expected, abs=1e-12)
    w2 = make(mlp, row, baselines=mine)
    assert w2.baseline_options == ["custom", "zeros"]


def test_text_user_baseline_as_token_ids(make, text_model, ids):
    w = make(text_model, ids, baselines={"unk": torch.full_like(ids, 4)})
    res = w.wait(TIMEOUT)
    with torch.no_grad():
        emb4 = text_model.emb(torch.full_like(ids, 4))[None]
        ref_out = text_model(torch.full_like(ids, 4)[None])[0, w.target]
    assert res.baseline_output == pytest.approx(float(ref_out), abs=1e-12)
    assert w._explainer.baseline("unk").shape == emb4.shape


def test_targets_and_top_classes(make, mlp, row):
    w = make(mlp, row, class_names=["cat", "dog", "eel"])
    with torch.no_grad():
        probs = torch.softmax(mlp(row[None])[0], 0)
    order = torch.argsort(probs, descending=True)
    assert w.target == int(order[0])
    assert [c["index"] for c in w.top_classes] == order.tolist()
    assert w.top_classes[0]["label"] == ["cat", "dog", "eel"][int(order[0])]
    assert sum(c["prob"] for c in w.top_classes) == pytest.approx(1.0)
    w.wait(TIMEOUT)
    other = int(order[-1])
    w.target = other
    res = w.wait(TIMEOUT)
    ref = engine(mlp, row[None], target=other)
    assert torch.equal(res.attributions, ref.attributions[0][0])
    assert w._payload["readout"]["target_label"] == ["cat", "dog", "eel"][other]
    w2 = make(mlp, row, target=1)
    assert w2.target == 1 and w2.wait(TIMEOUT).settings["target"] == 1


@pytest.mark.parametrize("out_shape", ["(1,)", "(1, 1)"])
def test_single_output_model(make, row, out_shape):
    lin = nn.Linear(5, 1).double().eval()
    model = (lambda x: lin(x)[:, 0]) if out_shape == "(1,)" else lin
    w = make(model, row)
    assert w.target == 0
    # one output is a value (regression or one logit): shown as it is, not as softmax 1.0
    with torch.no_grad():
        value = float(lin(row[None]).reshape(-1)[0])
    assert len(w.top_classes) == 1 and w.top_classes[0]["prob"] == pytest.approx(value)
    assert w.top_classes[0]["activation"] == "none"
    res = w.wait(TIMEOUT)
    torch.testing.assert_close(res.attributions, (lin.weight[0] * row).detach())
    with pytest.raises(Exception, match="out of range"):
        w.target = 1


def test_additional_forward_args(make, row):
    class Scaled(nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = nn.Linear(5, 2).double()

        def forward(self, x, scale):
            return self.lin(x) * scale

    model = Scaled().eval()
    scale = torch.tensor([[2.0, 3.0]], dtype=torch.float64)
    w = make(model, row, additional_forward_args=(scale,))
    res = w.wait(TIMEOUT)
    ref = engine(model, row[None], target=w.target, additional_forward_args=(scale,))
    assert torch.equal(res.attributions, ref.attributions[0][0])


def test_path_trace_in_payload(make, mlp, row):
    w = make(mlp, row, n_steps=16)
    res = w.wait(TIMEOUT)
    tr = w._payload["path_trace"]
    alphas, outputs = decode_array(tr["alphas"]), decode_array(tr["outputs"])
    assert alphas[0] == 0.0 and alphas[-1] == 1.0 and alphas.shape == (18,)
    assert np.all(np.diff(alphas) > 0)
    assert outputs[0] == pytest.approx(res.baseline_output)
    assert outputs[-1] == pytest.approx(res.output)
    feats = tr["features"]
    assert len(feats) == 5
    attr = res.attributions.numpy()
    order = np.argsort(-np.abs(attr))
    assert [f["name"] for f in feats] == [f"x{i}" for i in order]
    for f, i in zip(feats, order, strict=True):
        cum = decode_array(f["cumulative"])
        assert cum.shape == alphas.shape and cum[0] == 0.0
        assert cum[-1] == pytest.approx(attr[i], abs=1e-9)


def test_image_trace_names_pixels(make, cnn, image):
    w = make(cnn, image, n_steps=8)
    res = w.wait(TIMEOUT)
    feats = w._payload["path_trace"]["features"]
    per_pixel = res.attributions.sum(0)
    y, x = divmod(int(per_pixel.abs().argmax()), 12)
    assert feats[0]["name"] == f"x {x}, y {y}"
    cum = decode_array(feats[0]["cumulative"])
    assert cum[-1] == pytest.approx(float(per_pixel[y, x]), rel=1e-4)
