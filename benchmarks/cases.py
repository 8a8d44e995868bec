"""One attribution problem per model: forward function, input, baseline, target, n_steps.

Every case is a batch of one example attributed against an all-zero baseline (the
feature means for the standardized tabular data, a black image, zero embeddings), for the
class the model predicts. Quick mode shrinks only the costly cases, and each case's
``note`` says how, so the printed table never hides a change of workload.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import torch

from benchmarks import models


@dataclass
class Case:
    name: str
    forward: Callable[[torch.Tensor], torch.Tensor]
    x: torch.Tensor
    baseline: torch.Tensor
    target: int
    n_steps: int
    repeats: int
    chunk: int  # internal_batch_size for the large-n accuracy scans (memory safety)
    note: str = ""
    info: dict = field(default_factory=dict)

    @property
    def rows_shape(self) -> tuple[int, ...]:
        return tuple(self.x.shape[1:])

    def outputs(self) -> tuple[float, float]:
        """F(x) and F(x') for the target class."""
        with torch.no_grad():
            out = self.forward(torch.cat([self.x, self.baseline]))
        return float(out[0, self.target]), float(out[1, self.target])


def make_case(name, forward, x, n_steps, repeats, chunk, note="", **info) -> Case:
    x = x.detach().float()
    with torch.no_grad():
        target = int(forward(x).argmax(1)[0])
    return Case(
        name, forward, x, torch.zeros_like(x), target, n_steps, repeats, chunk, note, dict(info)
    )


def build_cases(mode: str, device: torch.device, repeats: int) -> list[Case]:
    """All five models; ``mode`` is "quick" or "full"."""
    quick = mode == "quick"
    cases = []

    mlp, x_test, acc = models.train_tabular()
    mlp = mlp.to(device)
    cases.append(
        make_case(
            "tabular MLP 100 feat",
            mlp,
            x_test[:1].to(device),
            50,
            repeats,
            1024,
            test_accuracy=acc,
            trained_on="breast cancer + 70 noise cols",
        )
    )

    embed, rest = models.token_classifier()
    embed, rest = embed.to(device), rest.to(device)
    gen = torch.Generator().manual_seed(1)
    for length in (64, 512):
        ids = torch.randint(0, models.VOCAB, (1, length), generator=gen).to(device)
        with torch.no_grad():
            emb = embed(ids)
        n, note = 50, ""
        if quick and length == 512:
            n, note = 16, "quick: n_steps=16"
        cases.append(
            make_case(
                f"tokens {length} (embedding)",
                rest,
                emb,
                n,
                repeats,
                256 if length == 64 else 64,
                note,
                weights="random seed 0",
            )
        )

    cnn, x_img, acc = models.train_cnn()
    cnn = cnn.to(device)
    cases.append(
        make_case(
            "CNN 3x64x64",
            cnn,
            x_img[:1].to(device),
            50,
            repeats,
            256,
            test_accuracy=acc,
            trained_on="digits upscaled to 64x64",
        )
    )

    resnet = models.resnet18_shaped().to(device)
    x_rn = torch.randn(1, 3, 224, 224, generator=torch.Generator().manual_seed(2))
    n, reps, note = 50, repeats, ""
    if quick:
        n, reps, note = 8, max(1, repeats - 1), "quick: n_steps=8"
    cases.append(
        make_case(
            "ResNet-18 3x224x224",
            resnet,
            x_rn.to(device),
            n,
            reps,
            32,
            note,
            weights="random seed 0",
        )
    )
    return cases
