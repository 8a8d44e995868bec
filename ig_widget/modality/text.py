"""Token ids: attribution at the embedding layer, one value per token.

The embeddings, the model with its embedding layer's output replaced, and the baselines
given as token ids all come from ``LayerIntegratedGradients``: the widget integrates
exactly the function that class integrates, through the same thread-scoped hook.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from .. import payload
from ..engine import baselines as bl
from ..engine.layer import find_embedding
from ..engine.layer_integrated_gradients import LayerIntegratedGradients
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
        self._lig: LayerIntegratedGradients | None = None
        self.tokens = payload.token_strings(x.reshape(-1).tolist(), tokens, tokenizer)
        super().__init__(model, x.long(), **kw)

    def _model_output(self) -> Any:
        self._lig = LayerIntegratedGradients(self.model, self.layer)
        values, fwd = self._lig.layer_function(self.x, self.args or None)
        emb = self._embedding(values)
        self._embeddings, self._fwd = emb, fwd
        return super()._model_output()

    def _embedding(self, values: tuple[torch.Tensor, ...]) -> torch.Tensor:
        """The one (1, T, D) float tensor the embedding layer returned."""
        t = self.x.shape[1]
        emb = values[0]
        if len(values) != 1 or emb.dim() < 3 or tuple(emb.shape[:2]) != (1, t):
            shape = tuple(emb.shape) if len(values) == 1 else f"a tuple of {len(values)}"
            raise ValueError(
                f"The embedding layer returned shape {shape} for ids of shape "
                f"{tuple(self.x.shape)}; the widget needs (1, {t}, embedding_dim), batch first."
            )
        return emb

    def _id_embeddings(self, ids: torch.Tensor) -> torch.Tensor:
        """The embedding layer's output when the model runs on token ids ``ids``."""
        return self._lig.layer_baseline_values(self.x, ids, self.args or None)[0]

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
            return self._id_embeddings(ids)
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
            out["pad"] = lambda: self._id_embeddings(torch.full_like(self.x, self.pad_token_id))
        out["zero embedding"] = lambda: bl.zero(self._embeddings)
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
