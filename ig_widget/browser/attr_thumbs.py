"""Small attribution pictures for the page on screen, computed in the background.

The gallery shows, beside each example, where Integrated Gradients puts the evidence for
its predicted class: a coarse result (few steps, zero baseline) that is cheap enough to
compute for a whole page. Only the page the user looks at is worth computing: a new
request replaces the pending one (the newest page first) and the work in progress stops
at the next chunk of examples. Results are kept per example, so paging back is free.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch

from ..engine import IntegratedGradients
from ..engine.layer import embedding_forward, find_embedding
from ..engine.outputs import output_tensor
from .predict import model_device
from .thumbs import TEXT_TOKENS, shrink

#: examples attributed together; cancellation takes effect between chunks
CHUNK = 8
#: attribution thumbnails kept (about 16 KB each at most)
CACHE_SIZE = 4096


def _normalise(a: torch.Tensor) -> np.ndarray:
    """Each row scaled by its largest |value| into [-1, 1] (all-zero rows stay zero)."""
    a = a.detach().to(torch.float64).cpu()
    flat = a.reshape(len(a), -1)
    peak = flat.abs().max(dim=1).values.clamp_min(1e-30)
    return (a / peak.reshape((-1,) + (1,) * (a.dim() - 1))).to(torch.float32).numpy()


def reduce_attributions(
    modality: str, attr: torch.Tensor, keep: Sequence[np.ndarray] | None = None
) -> list[np.ndarray]:
    """Attributions of a batch (shaped like the inputs, or (B, T, D) embeddings for text)
    as thumbnails: one float32 array in [-1, 1] per example. Image: (h, w), summed over
    channels and shrunk like the image thumbnail; text: (T',) per token, for the tokens
    in ``keep`` (index arrays, e.g. without padding) and at most the first
    ``TEXT_TOKENS``; tabular: (F,) per feature."""
    attr = attr.detach()
    if modality == "text":
        per_token = _normalise(attr.sum(dim=-1) if attr.dim() == 3 else attr)
        keep = keep if keep is not None else [np.arange(per_token.shape[1])] * len(attr)
        return [row[k][:TEXT_TOKENS] for row, k in zip(per_token, keep, strict=True)]
    if modality == "image":
        attr = shrink(attr.sum(dim=1, keepdim=True).float())[:, 0]
    return list(_normalise(attr.reshape(len(attr), -1) if modality == "tabular" else attr))


def attribution_thumbs(
    model: Any,
    modality: str,
    x: torch.Tensor,
    targets: Sequence[int],
    n_steps: int = 16,
    layer: Any = None,
    keep: Sequence[np.ndarray] | None = None,
) -> list[np.ndarray]:
    """Thumbnails (``reduce_attributions``) of Integrated Gradients for the batch ``x``
    and one target per example: zero baseline, Gauss-Legendre, ``n_steps`` steps; text
    is attributed at ``layer``'s output (default: the first ``nn.Embedding``)."""
    device = model_device(model)
    x = x.to(device)
    target = torch.as_tensor(np.asarray(targets, dtype=np.int64), device=device)
    if modality == "text":
        emb, forward = embedding_forward(model, layer or find_embedding(model), x)
        attr = IntegratedGradients(lambda e: output_tensor(forward(e))).attribute(
            emb, baselines=torch.zeros_like(emb), target=target, n_steps=n_steps
        )
        return reduce_attributions(modality, attr, keep)
    inputs = x.float() if not x.is_floating_point() else x
    attr = IntegratedGradients(lambda v: output_tensor(model(v))).attribute(
        inputs, baselines=torch.zeros_like(inputs), target=target, n_steps=n_steps
    )
    return reduce_attributions(modality, attr)


class ThumbWorker:
    """One background thread computing attribution thumbnails for the latest request.

    ``request(indices)`` replaces any pending or running request (which stops at its next
    chunk) and returns its generation; ``compute(indices) -> list[array]`` does the work;
    ``publish(generation, {index: array})`` receives each finished chunk, and is called
    with the worker's lock released. ``done[generation]`` counts the examples attributed
    for each request (tests read it to see cancellation at work).
    """

    def __init__(
        self,
        compute: Callable[[np.ndarray], list[np.ndarray]],
        publish: Callable[[int, dict[int, np.ndarray]], None],
        on_error: Callable[[BaseException], None] | None = None,
        name: str = "ig_widget-thumbs",
    ) -> None:
        self._compute = compute
        self._publish = publish
        self._on_error = on_error
        self._cond = threading.Condition()
        self._generation = 0
        self._job: tuple[int, np.ndarray] | None = None
        self._busy = False
        self._closed = False
        self.cache: OrderedDict[int, np.ndarray] = OrderedDict()
        self.done: dict[int, int] = {}
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    @property
    def generation(self) -> int:
        return self._generation

    def cached(self, indices: Sequence[int]) -> dict[int, np.ndarray]:
        with self._cond:
            return {int(i): self.cache[int(i)] for i in indices if int(i) in self.cache}

    def request(self, indices: Sequence[int]) -> int:
        """Compute thumbnails for ``indices`` not cached yet, in place of older requests."""
        with self._cond:
            self._generation += 1
            todo = np.array([int(i) for i in indices if int(i) not in self.cache], dtype=np.int64)
            self._job = (self._generation, todo) if len(todo) else None
            self._cond.notify_all()
            return self._generation

    def cancel(self) -> None:
        """Drop the pending request and stop the running one at its next chunk."""
        with self._cond:
            self._generation += 1
            self._job = None
            self._cond.notify_all()

    def wait_idle(self, timeout: float | None = None) -> bool:
        """True once nothing is pending or running (False after ``timeout`` seconds)."""
        with self._cond:
            return self._cond.wait_for(lambda: self._job is None and not self._busy, timeout)

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._generation += 1
            self._job = None
            self._cond.notify_all()
        if self._thread is not threading.current_thread():
            self._thread.join(timeout=30)

    def _run(self) -> None:
        while True:
            with self._cond:
                self._busy = False
                self._cond.notify_all()
                self._cond.wait_for(lambda: self._closed or self._job is not None)
                if self._closed:
                    return
                generation, todo = self._job
                self._job = None
                self._busy = True
            for start in range(0, len(todo), CHUNK):
                if self._generation != generation or self._closed:
                    break
                chunk = todo[start : start + CHUNK]
                try:
                    arrays = self._compute(chunk)
                except Exception as e:  # noqa: BLE001 - reported to the gallery, worker lives on
                    if self._on_error is not None:
                        self._on_error(e)
                    break
                found = {int(i): a for i, a in zip(chunk, arrays, strict=True)}
                with self._cond:
                    self.cache.update(found)
                    while len(self.cache) > CACHE_SIZE:
                        self.cache.popitem(last=False)
                    self.done[generation] = self.done.get(generation, 0) + len(found)
                self._publish(generation, found)
