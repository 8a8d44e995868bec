"""Token ids: attribution at the embedding layer, one value per token."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from .. import payload
from ..engine import baselines as bl
from ..engine.layer import embedding_forward, find_embedding
from .explainer import Explainer, Result, Settings
from .infer import as_tensor


class TextExplainer(Explainer):
    modality = "text"

    def __init__(
        self,
        model: Any,
        x: torch.Tensor,
        *,
        layer: Any = None,
        tokens: Any = None,
        tokenizer: Any = None,
        pad_token_id: Any = None,
        **kw: Any,
    ) -> None:
        if layer is None:
            if not isinstance(model, torch.nn.Module):
                raise ValueError(
                    "For text, pass layer=<the embedding module> (the model is not an nn.Module)."
                )
            layer = find_embedding(model)
        self.layer = layer
        if pad_token_id is None and tokenizer is not None:
            pad_token_id = getattr(tokenizer, "pad_token_id", None)
        if pad_token_id is not None:
            if isinstance(pad_token_id, bool) or not isinstance(pad_token_id, (int, np.integer)):
                raise TypeError(f"pad_token_id must be an int token id, got {pad_token_id!r}.")
            pad_token_id = int(pad_token_id)
        self.pad_token_id = pad_token_id
        self._embeddings: torch.Tensor | None = None
        self._fwd: Callable | None = None
        self.tokens = payload.token_strings(x.reshape(-1).tolist(), tokens, tokenizer)
        super().__init__(model, x.long(), **kw)

    def _model_output(self) -> Any:
        emb, fwd = embedding_forward(self.model, self.layer, self.x, *self.args)
        t = self.x.shape[1]
        if emb.dim() < 3 or tuple(emb.shape[:2]) != (1, t):
            raise ValueError(
                f"The embedding layer returned shape {tuple(emb.shape)} for ids of shape "
                f"{tuple(self.x.shape)}; the widget needs (1, {t}, embedding_dim), batch first."
            )
        if not emb.is_floating_point():
            raise ValueError(f"The embedding layer returned dtype {emb.dtype}; it must be float.")
        self._embeddings, self._fwd = emb, fwd
        return super()._model_output()

    def _user_baseline(self, name: str, value: Any) -> torch.Tensor:
        b = as_tensor(value) if not isinstance(value, (int, float)) else None
        if b is not None and not b.is_floating_point() and b.dim() in (1, 2):
            # token ids: the baseline is their embeddings
            ids = b.reshape(1, -1).to(device=self.x.device, dtype=torch.long)
            if ids.shape != self.x.shape:
                raise ValueError(
                    f"baseline {name!r} holds {ids.shape[1]} token ids but the input has "
                    f"{self.x.shape[1]}; pass one token id per input token (or embeddings "
                    f"of shape ({self.x.shape[1]}, embedding_dim))."
                )
            emb, _ = embedding_forward(self.model, self.layer, ids, *self.args)
            return emb
        return super()._user_baseline(name, value)

    @property
    def inputs(self) -> torch.Tensor:
        return self._embeddings

    @property
    def forward(self) -> Callable:
        return self._fwd

    def _builtin_baselines(self) -> dict[str, Callable[[], torch.Tensor]]:
        out = {}
        if self.pad_token_id is not None:
            out["pad"] = lambda: bl.pad_embeddings(
                self.model, self.layer, self.x, self.pad_token_id, *self.args
            )
        out["zero embedding"] = lambda: bl.zero_embeddings(self._embeddings)
        return out

    def _display(self, attr: torch.Tensor, nodes: bool = False) -> torch.Tensor:
        # sum over the embedding dims: (T, D) -> (T,), (m, T, D) -> (m, T)
        lead = 2 if nodes else 1
        return attr.reshape(attr.shape[:lead] + (-1,)).sum(-1)

    def _feature_names(self) -> list[str]:
        return self.tokens

    def compute(
        self, settings: Settings, progress: Callable[[float], None] | None = None
    ) -> Result:
        result = super().compute(settings, progress)
        result.token_attributions = self._display(result.attributions)
        return result

    def _view(self, result: Result, shown: np.ndarray) -> dict:
        return payload.text_payload(self.tokens, shown)
