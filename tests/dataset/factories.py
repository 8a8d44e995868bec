"""Model and data factories for the command-line tests (``module:function`` strings).

Seeded and float64, so two processes building them get the same weights and examples.
``IGW_TEST_SLOW`` (seconds) makes every forward pass sleep, so a test can kill a run in
the middle; ``IGW_TEST_CALLS`` names a file that gets one line per forward pass (its
number of rows); ``IGW_TEST_DIE_RANK`` makes that torchrun rank exit abruptly when its
third batch starts (the first batch of its second shard).
"""

from __future__ import annotations

import os
import time

import torch
from torch import nn
from torch.utils.data import Dataset

N_EXAMPLES = 37
N_FEATURES = 6
N_CLASSES = 4
_batches_seen = [0]


class Net(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.Linear(N_FEATURES, 16),
            nn.Tanh(),
            nn.Linear(16, 16),
            nn.ReLU(),
            nn.Linear(16, N_CLASSES),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        slow = float(os.environ.get("IGW_TEST_SLOW", "0"))
        if slow:
            time.sleep(slow)
        log = os.environ.get("IGW_TEST_CALLS")
        if log:
            with open(log, "a") as f:
                f.write(f"{x.shape[0]}\n")
        die = os.environ.get("IGW_TEST_DIE_RANK")
        if die is not None and os.environ.get("RANK") == die and not torch.is_grad_enabled():
            _batches_seen[0] += 1
            if _batches_seen[0] == 3:
                os._exit(1)
        return self.body(x)


def make_model() -> nn.Module:
    torch.manual_seed(0)
    return Net().double().eval()


class Pairs(Dataset):
    """(x, y) pairs, like a torchvision data set."""

    def __init__(self, n: int = N_EXAMPLES) -> None:
        g = torch.Generator().manual_seed(1)
        self.x = torch.randn(n, N_FEATURES, generator=g, dtype=torch.float64)
        self.y = torch.randint(0, N_CLASSES, (n,), generator=g)

    def __len__(self) -> int:
        return len(self.x)

    def __getitem__(self, i: int) -> tuple[torch.Tensor, torch.Tensor]:
        return self.x[i], self.y[i]


def make_data() -> Dataset:
    return Pairs()
