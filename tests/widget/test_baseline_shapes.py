"""``baselines=`` takes any shape that broadcasts to the input, and plain numbers."""

from __future__ import annotations

import pytest
import torch

from ig_widget import IGWidget, IntegratedGradients, LayerIntegratedGradients

TIMEOUT = 30


def _engine(model, x, baseline, target):
    return IntegratedGradients(model).attribute_detailed(
        x[None], baselines=baseline, target=target, n_steps=50
    )


@pytest.mark.parametrize("shape", [(3, 1, 1), (1, 3, 1, 1), (3, 12, 12), (1, 1, 12), (12,)])
def test_image_baseline_broadcasts(make, cnn, image, shape):
    per = image.mean(dim=(1, 2)).reshape(3, 1, 1) if shape[-3:] == (3, 1, 1) else None
    value = (
        per.reshape(shape)
        if per is not None
        else torch.rand(shape, generator=torch.Generator().manual_seed(9))
    )
    w = make(cnn, image, baselines={"mine": value})
    assert w.baseline == "mine"
    res = w.wait(TIMEOUT)
    full = value.expand(1, 3, 12, 12)
    ref = _engine(cnn, image, full, w.target)
    assert torch.equal(res.attributions, ref.attributions[0][0])


@pytest.mark.parametrize("number", [0, 0.5, -1])
def test_plain_numbers(make, cnn, image, mlp, row, number):
    for model, x in ((cnn, image), (mlp, row)):
        w = make(model, x, baselines=number)
        assert w.baseline_options[0] == "custom"
        res = w.wait(TIMEOUT)
        ref = _engine(model, x, torch.full_like(x[None], float(number)), w.target)
        assert torch.equal(res.attributions, ref.attributions[0][0])


def test_numbers_in_a_dict_and_numpy(make, mlp, row):
    np = pytest.importorskip("numpy")
    w = make(mlp, row, baselines={"half": 0.5, "np": np.float32(2.0), "col": np.zeros((1, 5))})
    assert w.baseline_options[:3] == ["half", "np", "col"]
    for name, value in (("half", 0.5), ("np", 2.0), ("col", 0.0)):
        w.baseline = name
        res = w.wait(TIMEOUT)
        ref = _engine(mlp, row, torch.full((1, 5), value, dtype=torch.float64), w.target)
        assert torch.equal(res.attributions, ref.attributions[0][0]), name


def test_text_number_is_an_embedding_value(make, text_model, ids):
    w = make(text_model, ids, baselines=0.25)
    res = w.wait(TIMEOUT)
    lig = LayerIntegratedGradients(text_model, text_model.emb)
    ref = lig.attribute_detailed(ids[None], layer_baselines=0.25, target=w.target, n_steps=50)
    assert torch.equal(res.attributions, ref.attributions[0][0])


@pytest.mark.parametrize(
    "value,shape",
    [
        (torch.zeros(2, 1, 1), r"\(2, 1, 1\)"),
        (torch.zeros(2, 3, 12, 12), r"\(2, 3, 12, 12\)"),
        (torch.zeros(12, 3), r"\(12, 3\)"),
    ],
)
def test_shapes_that_do_not_broadcast_are_refused(cnn, image, value, shape):
    with pytest.raises(ValueError, match=rf"baseline 'custom' has shape {shape}.*baselines="):
        IGWidget(cnn, image, baselines=value)


def test_bad_numbers_are_refused(mlp, row):
    with pytest.raises(ValueError, match="not finite"):
        IGWidget(mlp, row, baselines=float("nan"))
    with pytest.raises(TypeError, match="not a bool"):
        IGWidget(mlp, row, baselines={"b": True})
