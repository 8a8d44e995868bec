"""Hugging Face vision classifiers (outputs with ``.logits``) with no wrapper:
id2label names, every class reachable, the picture de-normalised with ``mean=``/``std=``."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from ig_widget.modality.image import denormalise

from .hf_fixtures import convnext_classifier, resnet_classifier, vit_classifier

MEAN = [0.485, 0.456, 0.406]
STD = [0.229, 0.224, 0.225]


def _photo() -> torch.Tensor:
    torch.manual_seed(0)
    return torch.rand(3, 32, 32)


@pytest.mark.parametrize("build", [vit_classifier, convnext_classifier, resnet_classifier])
def test_vision_classifier_from_pixel_values(make, build):
    model = build()
    mean, std = torch.tensor(MEAN)[:, None, None], torch.tensor(STD)[:, None, None]
    pixel_values = ((_photo() - mean) / std)[None]
    w = make(model, pixel_values[0], mean=MEAN, std=STD)
    r = w.wait(120)
    assert w.modality == "image"
    n = model.config.num_labels
    assert w.class_labels == [model.config.id2label[i] for i in range(n)]
    assert len(w.class_labels) == n  # every class reachable by the picker
    with torch.no_grad():
        logits = model(pixel_values).logits[0]
    assert w.target == int(logits.argmax())
    w.target = n - 1
    r = w.wait(120)
    assert r.settings["target"] == n - 1
    assert w._payload["readout"]["target_label"] == model.config.id2label[n - 1]
    gap = r.output - r.baseline_output
    assert abs(r.delta) <= 0.01 * abs(gap), (r.delta, gap)


def test_picture_is_de_normalised(make):
    photo = _photo()
    x = (photo - torch.tensor(MEAN)[:, None, None]) / torch.tensor(STD)[:, None, None]
    w = make(vit_classifier(), x, mean=MEAN, std=STD)
    rgba = w._explainer.rgba
    want = np.round(photo.permute(1, 2, 0).numpy() * 255)
    assert np.abs(rgba[..., :3].astype(float) - want).max() <= 1.0
    # without mean/std the normalised values are min-max scaled: not the photo
    raw = make(vit_classifier(), x)._explainer.rgba
    assert np.abs(raw[..., :3].astype(float) - want).max() > 10


def test_bad_mean_and_std_name_the_argument():
    img = np.zeros((3, 2, 2), np.float32)
    with pytest.raises(ValueError, match="mean= has 2 value"):
        denormalise(img, mean=[0.1, 0.2])
    with pytest.raises(ValueError, match="std= must be positive"):
        denormalise(img, std=[0.0, 1.0, 1.0])
    with pytest.raises(ValueError, match="mean= applies to image inputs"):
        from ig_widget.modality import make_explainer

        make_explainer(torch.nn.Linear(3, 2), torch.zeros(3), mean=[0.5])
