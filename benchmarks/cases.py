"""One attribution problem per model: forward function, input, baseline, target, n_steps.

Every case but one is a batch of one example attributed against an all-zero baseline
(the feature means for the standardized tabular data, a black image, zero embeddings),
for the class the model predicts; "CNN batch 64" attributes 64 images at once, each for
its own predicted class. ``kind`` sorts the cases for the accuracy targets: "smooth" or
"hard" (saturating, kinked, scale-invariant). Quick mode shrinks only the costly cases,
and each case's ``note`` says how, so the printed table never hides a change of workload.
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
    target: int | torch.Tensor
    n_steps: int
    repeats: int
    chunk: int  # internal_batch_size for the large-n accuracy scans (memory safety)
    note: str = ""
    info: dict = field(default_factory=dict)
    kind: str = "smooth"

    @property
    def rows_shape(self) -> tuple[int, ...]:
        return tuple(self.x.shape[1:])

    @property
    def batch(self) -> int:
        return self.x.shape[0]

    def outputs(self) -> tuple[torch.Tensor, torch.Tensor]:
        """F(x) and F(x') for the target class, float64, one per example."""
        n = self.batch
        tgt = torch.as_tensor(self.target, device=self.x.device).expand(n).reshape(n, 1)
        with torch.no_grad():
            out = self.forward(torch.cat([self.x, self.baseline]))
        sel = out.gather(1, torch.cat([tgt, tgt])).double().cpu()[:, 0]
        return sel[:n], sel[n:]


def make_case(name, forward, x, n_steps, repeats, chunk, note="", kind="smooth", **info) -> Case:
    x = x.detach().float()
    with torch.no_grad():
        pred = forward(x).argmax(1)
    target = int(pred[0]) if x.shape[0] == 1 else pred
    return Case(
        name,
        forward,
        x,
        torch.zeros_like(x),
        target,
        n_steps,
        repeats,
        chunk,
        note,
        dict(info),
        kind,
    )


def build_cases(mode: str, device: torch.device, repeats: int) -> list[Case]:
    """Every case; ``mode`` is "quick" or "full"."""
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

    n, note, examples = 50, "", 64
    if quick:
        n, note, examples = 16, "quick: 16 examples, n_steps=16", 16
    x_batch = x_img[:examples].to(device)
    cases.append(
        make_case(
            f"CNN batch {examples}",
            cnn,
            x_batch,
            n,
            max(1, repeats - 1),
            32,
            note,
            test_accuracy=acc,
            examples=examples,
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

    emb_layer, bert = models.tiny_bert()
    bert = bert.to(device)
    ids = torch.randint(0, models.VOCAB, (1, 64), generator=torch.Generator().manual_seed(3))
    with torch.no_grad():
        emb = emb_layer(ids).to(device)
    cases.append(
        make_case(
            "BERT 2x64, 64 tokens",
            bert,
            emb,
            50,
            repeats,
            256,
            weights="random, from BertConfig",
            attributed_at="inputs_embeds",
        )
    )

    # the same MLP, mildly and strongly saturating (first layer scaled x4 and x20)
    for name, scale, info in (
        ("saturating tanh MLP", {}, {}),
        (
            "saturating tanh MLP strong",
            {"first": 20.0},
            {"first_layer": "x20 (10-90% of the change within alpha 0.017-0.047)"},
        ),
    ):
        cases.append(
            make_case(
                name,
                models.saturating_mlp(**scale).to(device),
                x_test[:1].to(device),
                50,
                repeats,
                1024,
                kind="hard",
                output="softmax probability",
                **info,
            )
        )

    si = models.scale_invariant_cnn().to(device)
    cases.append(
        make_case(
            "scale-invariant stem",
            si,
            (x_img[:1] * 255).to(device),
            50,
            repeats,
            256,
            kind="hard",
            input="raw 0-255 pixels",
            weights="random seed 0",
        )
    )
    return cases
