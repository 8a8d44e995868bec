"""Small seeded models and data sets, and a browser factory that closes what it made
and checks that no thread outlives it."""

from __future__ import annotations

import threading
import time

import pytest
import torch
from torch import nn


class ImageNet(nn.Module):
    """(N, 1, 8, 8) images -> 5 classes; counts calls and can be slowed down."""

    def __init__(self) -> None:
        super().__init__()
        torch.manual_seed(3)
        self.conv = nn.Conv2d(1, 3, 3, padding=1)
        self.fc = nn.Linear(3 * 16, 5)
        self.eval()
        self.calls = 0
        self.delay = 0.0

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.calls += 1
        if self.delay:
            time.sleep(self.delay)
        h = nn.functional.max_pool2d(torch.relu(self.conv(x)), 2)
        return self.fc(h.flatten(1))


class TextNet(nn.Module):
    """Token ids (N, T) -> 3 classes."""

    def __init__(self, vocab: int = 20, dim: int = 4) -> None:
        super().__init__()
        torch.manual_seed(4)
        self.emb = nn.Embedding(vocab, dim)
        self.out = nn.Linear(dim, 3)
        self.eval()

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        return self.out(self.emb(ids).mean(1))


class Logits:
    """What a Hugging Face model returns: an object with ``.logits``."""

    def __init__(self, logits: torch.Tensor) -> None:
        self.logits = logits


class TabularHF(nn.Module):
    """6 features -> 2 classes, returning an output object with ``.logits``."""

    def __init__(self, n_features: int = 6) -> None:
        super().__init__()
        torch.manual_seed(5)
        self.net = nn.Sequential(nn.Linear(n_features, 8), nn.Tanh(), nn.Linear(8, 2))
        self.eval()

    def forward(self, x: torch.Tensor) -> Logits:
        return Logits(self.net(x))


@pytest.fixture
def images():
    """(model, x (200, 1, 8, 8), y (200,)) with seeded random data and labels."""
    g = torch.Generator().manual_seed(0)
    x = torch.rand(200, 1, 8, 8, generator=g)
    y = torch.randint(0, 5, (200,), generator=g)
    return ImageNet(), x, y


@pytest.fixture
def browsers():
    """``browsers(model, data, **kw)`` builds an IGBrowser and waits for its predictions;
    all are closed after the test and no ig_widget thread may outlive them."""
    from ig_widget import IGBrowser

    made: list = []

    def build(*args, wait: bool = True, **kwargs):
        b = IGBrowser(*args, **kwargs)
        made.append(b)
        if wait:
            b.wait(60)
        return b

    yield build
    for b in made:
        b.close()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        left = [t.name for t in threading.enumerate() if t.name.startswith("ig_widget-")]
        if not left:
            break
        time.sleep(0.05)
    assert not left, f"threads outlived their browser: {left}"
