"""``attribution_figure`` picks the view from an engine record's shape and captions it
with the record's own numbers."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from ig_widget import IntegratedGradients
from ig_widget.engine.layer import embedding_forward
from ig_widget.figure import attribution_figure, record_readout


def _heat_panels(fig):
    return [ax for ax in fig.axes if ax.images]


def _bars(fig):
    ax = next(a for a in fig.axes if a.patches)
    return ax, [p.get_width() for p in ax.patches]


@pytest.fixture
def cnn():
    torch.manual_seed(0)
    return (
        nn.Sequential(
            nn.Conv2d(3, 2, 3, padding=1), nn.Tanh(), nn.Flatten(), nn.Linear(2 * 8 * 8, 4)
        )
        .double()
        .eval()
    )


@pytest.fixture
def mlp():
    torch.manual_seed(1)
    return nn.Sequential(nn.Linear(6, 5), nn.Tanh(), nn.Linear(5, 2)).double().eval()


def test_image_record_draws_its_heatmap_beside_the_input(cnn):
    x = torch.rand(2, 3, 8, 8, dtype=torch.float64, generator=torch.Generator().manual_seed(2))
    rec = IntegratedGradients(cnn).attribute_detailed(x, target=1, n_steps=16)
    fig = attribution_figure(rec, inputs=x, example=1)
    panels = _heat_panels(fig)
    assert len(panels) == 3
    np.testing.assert_allclose(panels[1].images[0].get_array(), rec.attributions[0][1].sum(0))
    alone = _heat_panels(attribution_figure(rec))  # no input known: the heatmap alone
    assert len(alone) == 1
    np.testing.assert_allclose(alone[0].images[0].get_array(), rec.attributions[0][0].sum(0))


def test_caption_carries_the_records_delta_and_outputs(cnn):
    x = torch.rand(1, 3, 8, 8, dtype=torch.float64, generator=torch.Generator().manual_seed(3))
    rec = IntegratedGradients(cnn).attribute_detailed(x, target=0, n_steps=4)
    r = record_readout(rec, settings={"target": 0})
    assert r["delta"] == pytest.approx(float(rec.delta[0]))
    assert r["output"] == pytest.approx(float(rec.output[0]))
    assert r["baseline_output"] == pytest.approx(float(rec.baseline_output[0]))
    assert r["sum"] == pytest.approx(float(rec.attributions[0].sum()))
    # completeness, the quantity the caption reports, holds between these numbers
    assert r["sum"] - (r["output"] - r["baseline_output"]) == pytest.approx(r["delta"], abs=1e-9)
    caption = "\n".join(t.get_text() for t in attribution_figure(rec).texts)
    assert f"delta = {float(rec.delta[0]):+.3g}" in caption
    assert "completeness error" in caption and "4 gradient evaluations" in caption


def test_feature_record_draws_signed_bars_with_values(mlp):
    x = torch.randn(1, 6, dtype=torch.float64, generator=torch.Generator().manual_seed(4))
    rec = IntegratedGradients(mlp).attribute_detailed(x, target=1)
    fig = attribution_figure(rec, inputs=x, names=list("abcdef"), top_k=4)
    ax, widths = _bars(fig)
    a = rec.attributions[0][0].numpy()
    expected = a[np.argsort(-np.abs(a))[:4]]
    np.testing.assert_allclose(sorted(widths), sorted(expected))
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert all(" = " in s for s in labels)  # the input's values are shown


def test_embedding_record_draws_tokens_or_position_bars():
    torch.manual_seed(5)
    emb = nn.Embedding(10, 4).double()
    head = nn.Linear(4, 2).double()

    def f(ids):
        return head(emb(ids).mean(1))

    ids = torch.tensor([[1, 4, 2]])
    inputs, fwd = embedding_forward(f, emb, ids)
    rec = IntegratedGradients(fwd).attribute_detailed(inputs, target=0)
    per_token = rec.attributions[0][0].sum(-1)
    fig = attribution_figure(rec, tokens=["a", "b", "c"])
    assert [t.get_text() for t in fig.texts if t.get_bbox_patch() is not None] == list("abc")
    _, widths = _bars(attribution_figure(rec))  # no token strings: one bar per position
    np.testing.assert_allclose(sorted(widths), sorted(per_token.numpy()))


def test_several_inputs_and_bad_requests():
    a = torch.randn(2, 3, dtype=torch.float64)
    b = torch.randn(2, 2, dtype=torch.float64)
    rec = IntegratedGradients(lambda u, v: u.sum(1) * v.sum(1)).attribute_detailed((a, b))
    fig = attribution_figure(rec, input_index=1)
    assert any("input 2 of 2" in t.get_text() for t in fig.texts)
    with pytest.raises(ValueError, match="input_index"):
        attribution_figure(rec, input_index=2)
    with pytest.raises(ValueError, match="example=5"):
        attribution_figure(rec, example=5)
    with pytest.raises(TypeError, match="Attribution"):
        attribution_figure(torch.zeros(3))
    x = torch.randn(1, 2, 3, 4, 5, dtype=torch.float64)
    rec5 = IntegratedGradients(lambda t: t.flatten(1).sum(1)).attribute_detailed(x)
    with pytest.raises(ValueError, match="cannot draw"):
        attribution_figure(rec5)
