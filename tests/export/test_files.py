"""``save`` by suffix, ``load`` back without the model, ``from_attributions``."""

from __future__ import annotations

import base64
import json
import re

import numpy as np
import pytest
import torch

from ig_widget import IGWidget
from ig_widget._serialize import decode_array


@pytest.mark.parametrize("kind", ["image", "text", "tabular"])
def test_figure_formats(live, tmp_path, kind):
    w = live(kind)
    w.note = "what I saw"
    magic = {"png": b"\x89PNG", "svg": b"<?xml", "pdf": b"%PDF"}
    for suffix, head in magic.items():
        (path,) = w.save(tmp_path / f"fig.{suffix}")
        assert path.read_bytes().startswith(head), suffix
    assert "what I saw" in (tmp_path / "fig.svg").read_text()
    fig = w.to_figure()
    assert any("Note: what I saw" in t.get_text() for t in fig.texts)


def test_unknown_suffix_and_no_result(live, tmp_path):
    w = live("tabular")
    with pytest.raises(ValueError, match=r"\.png, \.svg, \.pdf, \.html, \.json"):
        w.save(tmp_path / "fig.gif")


@pytest.mark.parametrize("kind", ["image", "text", "tabular"])
def test_json_round_trip(live, static, tmp_path, kind):
    w = live(kind)
    w.note = "bright corner <script>"
    w.colormap = "viridis"
    json_path, npz_path = w.save(tmp_path / "result.json")
    doc = json.loads(json_path.read_text())
    r = w.result
    assert doc["format"] == "ig_widget.result" and doc["arrays"] == "result.npz"
    assert doc["delta"] == pytest.approx(r.delta) and doc["output"] == pytest.approx(r.output)
    assert doc["settings"]["n_steps"] == w.n_steps and doc["target"] == w.target
    assert doc["model"] in ("CNN", "TextModel", "MLP")
    assert {"ig_widget", "torch", "numpy", "python"} <= set(doc["versions"])
    assert re.match(r"\d{4}-\d\d-\d\dT", doc["saved_at"])
    with np.load(npz_path, allow_pickle=False) as data:
        np.testing.assert_allclose(data["attributions"], r.attributions.numpy())

    back = IGWidget.load(json_path)
    static.append(back)
    assert back.computable is False and back.modality == w.modality
    assert back.note == "bright corner <script>" and back.colormap == "viridis"
    np.testing.assert_allclose(
        decode_array(back._payload["attr"]), decode_array(w._payload["attr"]), rtol=1e-6
    )
    for key in ("output", "baseline_output", "target", "target_label", "n_steps", "method"):
        assert back._payload["readout"][key] == pytest.approx(w._payload["readout"][key])
    assert back._payload["readout"]["delta"] == pytest.approx(r.delta)
    assert "finished" in repr(back)
    # there is no model: compute settings are refused with the reason, from Python and
    # from the controls
    with pytest.raises(Exception, match="without its model"):
        back.n_steps = 7
    back.set_state({"n_steps": 7})
    assert back.n_steps == w.n_steps and back.status == "error"
    assert "without its model" in back.error
    with pytest.raises(RuntimeError, match="without its model"):
        back.refresh()


def test_html_page_is_standalone(live, tmp_path):
    w = live("text")
    w.note = "<img src=x onerror=alert(1)>"
    (page,) = w.save(tmp_path / "view.html")
    html = page.read_text()
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert not re.search(r"""(src|href)=["']?https?:""", html)
    assert "<img src=x" not in html  # the state travels base64 encoded
    state = re.search(r'id="igw-state">([^<]+)<', html).group(1)
    doc = json.loads(base64.b64decode(state))
    assert doc["note"] == "<img src=x onerror=alert(1)>"
    assert doc["_payload"]["tokens"][1] == "<b>plot</b>"
    assert base64.b64decode(doc["_png"]["__b64__"]).startswith(b"\x89PNG")


def test_from_attributions_each_modality(static):
    g = torch.Generator().manual_seed(0)
    img, a_img = torch.rand(3, 5, 4, generator=g), torch.randn(1, 3, 5, 4, generator=g)
    w = IGWidget.from_attributions(
        img,
        a_img,
        target=2,
        target_label="cat",
        output=0.9,
        baseline_output=0.1,
        method="riemann_trapezoid",
        n_steps=30,
        model_name="ResNet",
    )
    static.append(w)
    np.testing.assert_allclose(decode_array(w._payload["attr"]), a_img[0].sum(0), rtol=1e-6)
    r = w._payload["readout"]
    assert r["delta"] == pytest.approx(float(a_img.double().sum()) - 0.8)
    assert (r["target"], r["target_label"], r["n_steps"]) == (2, "cat", 30)
    assert w.method == "riemann_trapezoid" and w.computable is False
    assert w._model_name == "AnyModel"  # the widget protocol's own name stays untouched
    assert w.model_name == "ResNet"

    ids = torch.tensor([4, 1, 9])
    t = IGWidget.from_attributions(ids, torch.randn(3, 8, generator=g), tokens=["a", "b", "c"])
    static.append(t)
    assert t._payload["tokens"] == ["a", "b", "c"] and t._payload["readout"]["delta"] is None
    assert "F(x)=?" in repr(t)

    row = torch.randn(4, dtype=torch.float64, generator=g)
    a = np.array([0.5, -1.0, 0.0, 2.0])
    tab = IGWidget.from_attributions(row, a, feature_names=list("wxyz"), delta=1e-3)
    static.append(tab)
    assert tab._payload["names"] == list("wxyz")
    assert tab._payload["readout"]["delta"] == pytest.approx(1e-3)


@pytest.mark.parametrize(
    ("x", "attr", "message"),
    [
        (torch.rand(3, 4, 4), torch.rand(3, 4, 5), "shape"),
        (torch.rand(3, 4, 4), torch.full((3, 4, 4), float("nan")), "NaN"),
        (torch.tensor([1, 2, 3]), torch.rand(4), "4 values for 3 tokens"),
        (torch.rand(5), torch.rand(2, 5), "batch of 2"),
        (torch.rand(5), [1, 2, 3, 4, 5], "torch.Tensor or a numpy array"),
    ],
)
def test_from_attributions_refuses_bad_input(x, attr, message):
    with pytest.raises((TypeError, ValueError), match=message):
        IGWidget.from_attributions(x, attr)
