"""The prediction pass: class probabilities for every example, from forward passes only.

The gallery needs the prediction, its probability and the loss of every example before
anything can be sorted or filtered, and no gradients at all: so this runs the model in
batches under ``torch.no_grad()``, reports progress after every batch, and stops between
batches when cancelled. The model is used as is (its train/eval mode is not changed).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from ..engine.outputs import output_tensor
from .source import Source


class Cancelled(Exception):
    """The pass was stopped before it finished (the browser was closed)."""


def model_device(model: Any) -> torch.device:
    """Where the model's parameters live (CPU for a parameter-free callable)."""
    try:
        return next(iter(model.parameters())).device
    except (AttributeError, StopIteration, TypeError):
        return torch.device("cpu")


def logits_of(model: Any, x: torch.Tensor) -> torch.Tensor:
    """The model's (B, C) class scores for a batch ``x``, with a clear error otherwise."""
    out = output_tensor(model(x))
    if not isinstance(out, torch.Tensor):
        raise TypeError(
            f"model returned {type(out).__name__}; IGBrowser needs a tensor of class scores "
            "(N, n_classes) or an output with .logits."
        )
    if out.dim() != 2 or out.shape[0] != x.shape[0] or out.shape[1] < 2:
        raise ValueError(
            f"model returned shape {tuple(out.shape)} for a batch of {x.shape[0]}; IGBrowser "
            "needs class scores (N, n_classes) with at least 2 classes."
        )
    return out


def predict(
    model: Any,
    source: Source,
    batch_size: int = 256,
    progress: Callable[[int, int], None] | None = None,
    stop: threading.Event | None = None,
) -> np.ndarray:
    """(N, C) float64 softmax probabilities of every example of ``source``.

    ``progress(done, total)`` is called after each batch; ``stop`` set ends the pass with
    ``Cancelled`` at the next batch.
    """
    device = model_device(model)
    chunks: list[np.ndarray] = []
    done = 0
    try:
        total = len(source)
    except RuntimeError:
        total = 0  # a loader without a known length
    with torch.no_grad():
        for _, x in source.batches(batch_size):
            if stop is not None and stop.is_set():
                raise Cancelled
            logits = logits_of(model, x.to(device))
            probs = torch.softmax(logits.detach().to(torch.float64), dim=1)
            chunks.append(probs.cpu().numpy())
            done += len(x)
            if progress is not None:
                progress(done, max(total, done))
    if not chunks:
        raise ValueError("dataset is empty; there is nothing to browse.")
    probs = np.concatenate(chunks)
    if not np.isfinite(probs).all():
        bad = int(np.flatnonzero(~np.isfinite(probs).all(axis=1))[0])
        raise ValueError(
            f"the model's output for example {bad} holds NaN or infinite values; check the "
            "input (NaN features?) and the model."
        )
    return probs
