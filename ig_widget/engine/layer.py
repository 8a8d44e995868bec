"""Attribution at a layer's output, for models whose inputs have no gradient (token ids).

``embedding_forward(model, layer, ids)`` returns the embeddings of ``ids`` and a function
of embeddings that runs the model on ``ids`` with ``layer``'s output replaced by its
argument. Integrated Gradients then runs on that function, with baselines in embedding
space. The replacement is a forward hook that lives only for the duration of one call and
acts only on the thread that registered it, so a user running the same model from
another thread at the same time is not affected, and no hook is left behind.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import torch


def find_embedding(model: torch.nn.Module) -> torch.nn.Module:
    """The model's first ``nn.Embedding``; the usual layer to attribute for text."""
    for module in model.modules():
        if isinstance(module, torch.nn.Embedding):
            return module
    raise ValueError(
        "The model has no nn.Embedding layer to attribute token ids through; pass "
        "layer=<the module whose output is the token embeddings>."
    )


def embedding_forward(
    model: Callable, layer: torch.nn.Module, ids: torch.Tensor, *args: Any
) -> tuple[torch.Tensor, Callable[..., torch.Tensor]]:
    """Return (embeddings of ``ids``, f) with ``f(emb_batch) == model(ids, *args)`` where
    ``layer``'s output is replaced by ``emb_batch``.

    ``emb_batch`` may hold several path points per example, stacked step-major along
    dim 0; ``ids`` (and batched tensors in ``args``) are repeated to match.
    """
    if not isinstance(layer, torch.nn.Module):
        raise TypeError(f"layer must be a torch.nn.Module, got {type(layer).__name__}.")
    if isinstance(model, torch.nn.Module) and not any(m is layer for m in model.modules()):
        raise ValueError("layer is not a submodule of the model; pass one of model's modules.")
    captured: list[torch.Tensor] = []
    with _replace_output(layer, lambda out: captured.append(out.detach()) or None):
        with torch.no_grad():
            model(ids, *args)
    if not captured:
        raise ValueError(
            "The model never called the given layer on these inputs; pass the layer that "
            "turns the token ids into embeddings."
        )
    embeddings = captured[0]
    batch = ids.shape[0]

    def forward(emb: torch.Tensor, *extra: Any) -> torch.Tensor:
        reps = emb.shape[0] // batch
        rep_ids = ids.repeat((reps,) + (1,) * (ids.dim() - 1))
        with _replace_output(layer, lambda out: emb):
            return model(rep_ids, *extra)

    return embeddings, forward


class _replace_output:
    """Context manager: a forward hook on ``layer`` for the current thread only."""

    def __init__(self, layer: torch.nn.Module, fn: Callable[[torch.Tensor], Any]) -> None:
        self.layer, self.fn = layer, fn
        self.thread = threading.get_ident()

    def __enter__(self) -> _replace_output:
        def hook(module, inputs, output):
            if threading.get_ident() != self.thread:
                return None
            return self.fn(output)

        self.handle = self.layer.register_forward_hook(hook)
        return self

    def __exit__(self, *exc: Any) -> None:
        self.handle.remove()
