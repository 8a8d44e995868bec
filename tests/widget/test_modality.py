"""Modality inference and the constructor's argument checks."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from ig_widget import IGWidget
from ig_widget.modality import infer_modality


@pytest.mark.parametrize(
    "x, kind",
    [
        (torch.rand(3, 8, 8), "image"),
        (torch.rand(1, 3, 8, 8), "image"),
        (torch.rand(1, 8, 8), "image"),
        (torch.rand(4, 8, 8, dtype=torch.float64), "image"),
        (torch.tensor([1, 2, 3]), "text"),
        (torch.tensor([[1, 2, 3]], dtype=torch.int32), "text"),
        (torch.rand(7), "tabular"),
        (torch.rand(1, 7, dtype=torch.float64), "tabular"),
        (np.zeros(4, dtype=np.float32), "tabular"),
    ],
)
def test_inferred(x, kind):
    assert infer_modality(x) == kind


@pytest.mark.parametrize(
    "x, match",
    [
        (torch.rand(2, 8, 8), "modality="),
        (torch.rand(5, 8, 8), "modality="),
        (torch.rand(2, 3, 8, 8), "batch of 2"),
        (torch.rand(4, 7), "batch of 4"),
        (torch.tensor(1.0), "modality="),
        (torch.zeros(3, 8, 8, dtype=torch.uint8), "modality="),
        (torch.ones(4, dtype=torch.bool), "modality="),
        (torch.zeros(2, 2, 2, 2, 2), "modality="),
    ],
)
def test_not_inferred(x, match):
    with pytest.raises(ValueError, match=match):
        infer_modality(x)


def test_explicit_modality():
    assert infer_modality(torch.rand(5, 8, 8), "image") == "image"
    assert infer_modality(torch.rand(1, 3), "tabular") == "tabular"
    with pytest.raises(ValueError, match="modality='text' needs an integer"):
        infer_modality(torch.rand(4), "text")
    with pytest.raises(ValueError, match="modality='image' needs"):
        infer_modality(torch.rand(4), "image")
    with pytest.raises(ValueError, match="not known"):
        infer_modality(torch.rand(4), "audio")
    with pytest.raises(TypeError, match="torch.Tensor"):
        infer_modality([1.0, 2.0])


def test_widget_rejects_unclear_input(mlp):
    with pytest.raises(ValueError, match="modality="):
        IGWidget(mlp, torch.rand(2, 5, dtype=torch.float64))


def test_explicit_image_modality_with_five_channels(make):
    model = nn.Sequential(nn.Conv2d(5, 2, 3), nn.Flatten(1), nn.Linear(2 * 4 * 4, 3)).eval()
    w = make(model, torch.rand(5, 6, 6), modality="image")
    assert w.modality == "image"
    assert w.wait(20).attributions.shape == (5, 6, 6)


def test_misplaced_arguments(mlp, row, text_model, ids):
    with pytest.raises(ValueError, match="tokens= applies to text inputs"):
        IGWidget(mlp, row, tokens=["a"] * 5)
    with pytest.raises(ValueError, match="feature_names= applies to tabular"):
        IGWidget(text_model, ids, feature_names=["a"] * 5)
    with pytest.raises(ValueError, match="layer= applies to text"):
        IGWidget(mlp, row, layer=mlp.net[0])


def test_length_mismatches_name_both_lengths(mlp, row, text_model, ids):
    with pytest.raises(ValueError, match="feature_names has 3 entries but the input has 5"):
        IGWidget(mlp, row, feature_names=["a", "b", "c"])
    with pytest.raises(ValueError, match="tokens has 2 entries but the input has 5"):
        IGWidget(text_model, ids, tokens=["a", "b"])
    with pytest.raises(ValueError, match="class_names has 2 entries but the model has 3"):
        IGWidget(mlp, row, class_names=["a", "b"])
    with pytest.raises(ValueError, match=r"baseline 'b' has shape \(4,\)"):
        IGWidget(mlp, row, baselines={"b": torch.zeros(4)})
    with pytest.raises(ValueError, match="background has shape"):
        IGWidget(mlp, row, background=torch.zeros(10, 4))


def test_model_problems_at_construction(row, text_model, ids):
    with pytest.raises(TypeError, match="not a tensor"):
        IGWidget(lambda x: {"scores": x}, row)  # a dict without logits
    with pytest.raises(ValueError, match=r"\(1, n_classes\)"):
        IGWidget(lambda x: x[:, :, None], row)
    with pytest.raises(ValueError, match="no nn.Embedding"):
        IGWidget(nn.Linear(5, 2), ids, modality="text")
    with pytest.raises(ValueError, match="not a submodule"):
        IGWidget(text_model, ids, layer=nn.Embedding(30, 6))


def test_text_with_a_custom_layer(make, text_model, ids):
    w = make(text_model, ids, layer=text_model.mix)
    res = w.wait(20)
    assert res.attributions.shape == (5, 6)
    assert w.baseline_options == ["zero embedding"]


def test_numpy_input(make, mlp, row):
    w = make(mlp, row.numpy())
    assert w.modality == "tabular"
    assert w.wait(20).attributions.shape == (5,)
