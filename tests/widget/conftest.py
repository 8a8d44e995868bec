"""Small seeded models and a widget factory that closes what it made."""

from __future__ import annotations

import time

import pytest
import torch
from torch import nn


class MLP(nn.Module):
    """Tabular: 5 features -> 3 classes, float64."""

    def __init__(self, n_features: int = 5, n_classes: int = 3) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.net = nn.Sequential(nn.Linear(n_features, 16), nn.Tanh(), nn.Linear(16, n_classes))
        self.double().eval()
        self.fail = False
        self.delay = 0.0
        self.calls = 0

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.calls += 1
        if self.delay:
            time.sleep(self.delay)
        if self.fail:
            raise RuntimeError("the model broke on purpose")
        return self.net(x)


class TextModel(nn.Module):
    """Token ids -> 2 classes through an embedding, mean pooling and a linear layer."""

    def __init__(self, vocab: int = 30, dim: int = 6) -> None:
        super().__init__()
        torch.manual_seed(1)
        self.emb = nn.Embedding(vocab, dim)
        self.mix = nn.Linear(dim, dim)
        self.out = nn.Linear(dim, 2)
        self.double().eval()

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        h = torch.tanh(self.mix(self.emb(ids)))
        return self.out(h.mean(1))


class CNN(nn.Module):
    """3x12x12 images -> 4 classes, float32."""

    def __init__(self, channels: int = 3) -> None:
        super().__init__()
        torch.manual_seed(2)
        self.conv = nn.Conv2d(channels, 4, 3, padding=1)
        self.bn = nn.BatchNorm2d(4)
        self.drop = nn.Dropout(0.5)
        self.fc = nn.Linear(4, 4)
        self.eval()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = torch.relu(self.bn(self.conv(x)))
        return self.fc(self.drop(h.mean(dim=(2, 3))))


@pytest.fixture
def mlp() -> MLP:
    return MLP()


@pytest.fixture
def row() -> torch.Tensor:
    return torch.tensor([0.5, -1.0, 2.0, 0.25, -0.75], dtype=torch.float64)


@pytest.fixture
def text_model() -> TextModel:
    return TextModel()


@pytest.fixture
def ids() -> torch.Tensor:
    return torch.tensor([3, 7, 1, 12, 5])


@pytest.fixture
def cnn() -> CNN:
    return CNN()


@pytest.fixture
def image() -> torch.Tensor:
    return torch.rand(3, 12, 12, generator=torch.Generator().manual_seed(3))


@pytest.fixture
def make(widgets):
    """This folder's name for the ``widgets`` fixture (tests/conftest.py)."""
    return widgets
