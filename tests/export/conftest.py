"""The widget tests' small models, and a list that closes static widgets after a test."""

from __future__ import annotations

import pytest
import torch

from tests.widget.conftest import CNN, MLP, TextModel

TIMEOUT = 60


@pytest.fixture
def live(widgets):
    """One finished widget per modality: ``live("image" | "text" | "tabular")``."""

    def make(kind: str, **kw):
        g = torch.Generator().manual_seed(3)
        if kind == "image":
            w = widgets(CNN(), torch.rand(3, 12, 12, generator=g), n_steps=16, **kw)
        elif kind == "text":
            ids = torch.tensor([3, 7, 1, 12, 5])
            w = widgets(TextModel(), ids, tokens=["the", "<b>plot</b>", "was", "$x$", "fine"], **kw)
        else:
            names = ["age", "<script>alert(1)</script>", "dose", "bmi", "rate"]
            w = widgets(
                MLP(), torch.randn(5, dtype=torch.float64, generator=g), feature_names=names, **kw
            )
        w.wait(TIMEOUT)
        return w

    return make


@pytest.fixture
def static():
    """Collects widgets built without a model and closes them after the test."""
    made: list = []
    yield made
    for w in made:
        w.close()
