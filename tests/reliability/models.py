"""Small seeded models whose behaviour a test can switch while a widget uses them."""

from __future__ import annotations

import threading
import time
import weakref

import torch
from torch import nn

#: what ``Switchable.mode`` makes the model do on its next forward pass
MODES = (
    "ok",
    "raise",
    "nan",
    "inf",
    "tuple",
    "dict",
    "none",
    "argmax",
    "sum",
    "two_outputs",
    "keyboard_interrupt",
    "oom",
    "detached",
)


class Switchable(nn.Module):
    """Tabular: ``n_features`` float64 features -> 3 classes, through a small MLP.

    ``mode`` (one of ``MODES``) changes what ``forward`` does; ``oom_above`` makes batches
    larger than that raise CUDA's out-of-memory error; ``gate`` (an Event) blocks every
    call until set; ``delay`` sleeps per call. ``calls`` and ``rows`` record the calls,
    ``seen`` (weak references) the tensors passed in.
    """

    def __init__(self, n_features: int = 5) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.net = nn.Sequential(nn.Linear(n_features, 16), nn.Tanh(), nn.Linear(16, 3))
        self.double().eval()
        self.mode = "ok"
        self.oom_above: int | None = None
        self.oom_error: type[Exception] = torch.cuda.OutOfMemoryError
        self.gate: threading.Event | None = None
        self.started = threading.Event()
        self.delay = 0.0
        self.calls = 0
        self.rows: list[int] = []
        self.seen: list[weakref.ref] | None = None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.calls += 1
        if self.seen is not None:
            self.seen.append(weakref.ref(x))
        self.started.set()
        if self.gate is not None:
            self.gate.wait(30)
        if self.delay:
            time.sleep(self.delay)
        if self.oom_above is not None and x.shape[0] > self.oom_above:
            raise self.oom_error(
                f"CUDA out of memory. Tried to allocate 2.00 GiB for {x.shape[0]} rows (simulated)"
            )
        self.rows.append(int(x.shape[0]))
        mode = self.mode
        if mode == "raise":
            raise RuntimeError("the model broke on purpose")
        if mode == "keyboard_interrupt":
            raise KeyboardInterrupt
        if mode == "oom":
            raise self.oom_error("CUDA out of memory. Tried to allocate 2.00 GiB (simulated)")
        if mode == "detached":
            x = x.detach()
        out = self.net(x)
        if mode == "nan":
            return out * float("nan")
        if mode == "inf":
            return out + float("inf")
        if mode == "tuple":
            return (out,)
        if mode == "dict":
            return {"scores": out}
        if mode == "none":
            return None
        if mode == "argmax":
            return out.argmax(1)
        if mode == "sum":
            return out.sum()
        if mode == "two_outputs":
            return out[:, :2]
        return out


class Text(nn.Module):
    """Token ids -> 2 classes: embedding, tanh mixing, mean over tokens."""

    def __init__(self, vocab: int = 50, dim: int = 6) -> None:
        super().__init__()
        torch.manual_seed(1)
        self.emb = nn.Embedding(vocab, dim)
        self.mix = nn.Linear(dim, dim)
        self.out = nn.Linear(dim, 2)
        self.double().eval()

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        return self.out(torch.tanh(self.mix(self.emb(ids))).mean(1))


class Image(nn.Module):
    """Float32 images of any size (C=3) -> 4 classes: a conv, ReLU, global mean."""

    def __init__(self, channels: int = 3) -> None:
        super().__init__()
        torch.manual_seed(2)
        self.conv = nn.Conv2d(channels, 4, 3, padding=1)
        self.fc = nn.Linear(4, 4)
        self.eval()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(torch.relu(self.conv(x)).mean(dim=(2, 3)))


def row() -> torch.Tensor:
    return torch.tensor([0.5, -1.0, 2.0, 0.25, -0.75], dtype=torch.float64)


def ids(n: int = 5) -> torch.Tensor:
    return torch.arange(n) % 50


def image(h: int = 12, w: int = 12) -> torch.Tensor:
    return torch.rand(3, h, w, generator=torch.Generator().manual_seed(3))
