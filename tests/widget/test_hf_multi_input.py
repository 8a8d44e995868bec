"""Several inputs: a tuple for ``model(image, features)``, a dict for a model called with
keywords; one panel per input, shares of the total, per-input baselines."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from ig_widget import IntegratedGradients


class ImageAndFeatures(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.conv = nn.Conv2d(3, 4, 3)
        self.lin = nn.Linear(5, 4)
        self.out = nn.Linear(8, 3)

    def forward(self, image: torch.Tensor, features: torch.Tensor) -> torch.Tensor:
        a = torch.tanh(self.conv(image)).mean((2, 3))
        b = torch.tanh(self.lin(features))
        return self.out(torch.cat([a, b], 1))


class Keywords(ImageAndFeatures):
    def forward(self, pixel_values=None, features=None, mask=None):  # noqa: D102
        out = super().forward(pixel_values, features)
        return out if mask is None else out * mask[:, :1]


def _inputs():
    torch.manual_seed(1)
    return torch.rand(3, 8, 8), torch.randn(5)


def test_tuple_of_inputs_matches_the_engine(make):
    model = ImageAndFeatures().eval()
    img, feats = _inputs()
    w = make(model, (img, feats))
    r = w.wait(60)
    assert w.modality == "multi" and w.baseline_options == ["zeros"]
    ref = IntegratedGradients(model).attribute_detailed(
        (img[None], feats[None]),
        baselines=(torch.zeros(1, 3, 8, 8), torch.zeros(1, 5)),
        target=w.target,
        n_steps=50,
    )
    for got, want in zip(r.input_attributions, ref.attributions, strict=True):
        torch.testing.assert_close(got, want[0])
    assert abs(r.delta) <= 0.01 * abs(r.output - r.baseline_output)
    panels = w._payload["panels"]
    want = [("image", "input 0"), ("tabular", "input 1")]
    assert [(p["kind"], p["name"]) for p in panels] == want
    assert sum(p["share"] for p in panels) == pytest.approx(1.0)
    img_abs = float(r.input_attributions[0].sum(0).abs().sum())
    feat_abs = float(r.input_attributions[1].abs().sum())
    assert panels[1]["share"] == pytest.approx(feat_abs / (img_abs + feat_abs), rel=1e-4)
    assert w._payload["readout"]["sum"] == pytest.approx(float(r.attributions.double().sum()))


def test_dict_of_named_inputs_goes_by_keyword_with_a_fixed_mask(make):
    model = Keywords().eval()
    img, feats = _inputs()
    x = {"pixel_values": img, "features": feats, "mask": torch.tensor([1, 1])}
    w = make(
        model,
        x,
        baselines={"grey": {"pixel_values": 0.5, "features": torch.zeros(5)}},
        feature_names={"features": list("abcde")},
    )
    r = w.wait(60)
    assert [p["name"] for p in w._payload["panels"]] == ["pixel_values", "features"]
    assert w._payload["panels"][1]["names"] == list("abcde")
    assert w.baseline == "grey"
    b = w._explainer.baseline("grey")
    assert torch.equal(b[0], torch.full((1, 3, 8, 8), 0.5))
    assert abs(r.delta) <= 0.01 * abs(r.output - r.baseline_output)


def test_bad_per_input_baselines_name_the_input(make):
    model = Keywords().eval()
    img, feats = _inputs()
    with pytest.raises(ValueError, match="no entry for input.*features"):
        make(model, {"pixel_values": img, "features": feats}, baselines={"b": {"pixel_values": 0}})
    with pytest.raises(ValueError, match="one entry per attributed input"):
        make(ImageAndFeatures().eval(), (img, feats), baselines={"b": (img,)})
