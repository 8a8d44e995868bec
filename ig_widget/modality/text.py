"""Token ids: attribution at the embedding layer, one value per token.

The model may take more than the ids: the other entries of a tokenizer's encoding
(``attention_mask``, ``token_type_ids``, ...) go to it by keyword, and a causal language
model's logits at the last position (the next token) are explained, each class being a
token of the vocabulary.

The embeddings, the model with its embedding layer's output replaced, and the baselines
given as token ids all come from ``LayerIntegratedGradients``: the widget integrates
exactly the function that class integrates, through the same thread-scoped hook.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from .. import payload
from ..engine import baselines as bl
from ..engine.layer import check_layer, find_embedding
from ..engine.layer_integrated_gradients import LayerIntegratedGradients
from ..engine.model_state import buffers_kept, sees_rows_alone
from ..engine.outputs import output_tensor
from . import hf
from .distribution import check_background
from .explainer import Explainer, Result, Settings, _model_device
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
        extras: dict[str, torch.Tensor] | None = None,
        additional_forward_args: Any = None,
        generate_steps: int = 0,
        background: Any = None,
        **kw: Any,
    ) -> None:
        if layer is None:
            if not isinstance(model, torch.nn.Module):
                raise ValueError(
                    "For text, pass layer=<the embedding module> (the model is not an nn.Module)."
                )
            layer = hf.input_embeddings(model) or find_embedding(model)
        check_layer(model, layer)
        self.layer = layer
        self.tokenizer = tokenizer
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
        #: the position whose logits are explained (a causal LM's last one), else None
        self.position: int | None = None
        ids = x.reshape(-1).tolist()
        _check_length(model, len(ids))
        self.tokens = payload.token_strings(ids, tokens, tokenizer)
        device = _model_device(model, x.device)
        self.extra_names = list(extras or {})
        extra_values = tuple(v.to(device) for v in (extras or {}).values())
        user_args = () if additional_forward_args is None else additional_forward_args
        if not isinstance(user_args, tuple):
            user_args = (user_args,)
        self.call = self._caller(model)
        #: tokens generated after the prompt (``generate_steps``), and the prompt's length
        self.generated: list[int] = []
        self.prompt_len = int(x.reshape(-1).shape[0])
        if generate_steps:
            x, extra_values = self._generate(
                model, x.reshape(1, -1).to(device), extra_values, user_args, generate_steps
            )
            self.tokens = payload.token_strings(x.reshape(-1).tolist(), None, tokenizer)
        super().__init__(
            model, x.long(), additional_forward_args=extra_values + user_args or None, **kw
        )
        if background is not None:
            self.background_rows = self._background_embeddings(background)

    def _caller(self, model: Any) -> Callable:
        """``f(ids, *extras, *args)``: the model on the ids with the encoding's other
        entries by keyword, returning the logits (at ``self.position`` for a causal LM)."""
        names = self.extra_names
        k = len(names)

        def call(ids: torch.Tensor, *rest: Any) -> Any:
            out = output_tensor(model(ids, *rest[k:], **dict(zip(names, rest[:k], strict=True))))
            if self.position is not None and isinstance(out, torch.Tensor) and out.dim() == 3:
                out = out[:, self.position]
            return out

        # the encoding's other entries come as arguments, row by row: the function sees
        # each row on its own when the model does
        call.row_wise = sees_rows_alone(model)
        return call

    def _generate(
        self, model: Any, ids: torch.Tensor, extras: tuple, args: tuple, k: Any
    ) -> tuple[torch.Tensor, tuple]:
        """Greedy decoding of ``k`` tokens after the prompt. Returns the ids the widget
        explains: the prompt and the first k - 1 generated tokens (the last generated
        token is only ever a target), with the encoding's other entries extended by
        repeating their last column (an attention mask of ones stays ones)."""
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 0 < k <= 256:
            raise ValueError(
                f"generate_steps={k!r} must be a whole number of tokens between 1 and 256."
            )
        for _ in range(int(k)):
            with torch.no_grad(), buffers_kept([model]):
                out = output_tensor(self.call(ids, *extras, *args))
            if not isinstance(out, torch.Tensor) or not hf.is_causal_lm(
                model, out, hf.vocab_size(self.tokenizer)
            ):
                raise ValueError(
                    "generate_steps= is for causal language models (logits of shape "
                    "(1, T, vocab)); this model returns "
                    f"{getattr(out, 'shape', type(out).__name__)}. Drop generate_steps=."
                )
            nxt = out[:, -1].argmax(-1, keepdim=True).to(ids.dtype)
            self.generated.append(int(nxt))
            ids = torch.cat([ids, nxt], dim=1)
            extras = tuple(torch.cat([e, e[:, -1:]], dim=1) for e in extras)
        keep = ids.shape[1] - 1
        return ids[:, :keep], tuple(e[:, :keep] for e in extras)

    def check_step(self, step: Any) -> int:
        if isinstance(step, bool) or not isinstance(step, (int, np.integer)):
            raise TypeError(f"generation_step must be an int, got {type(step).__name__}.")
        n = max(len(self.generated), 1)
        if not 0 <= int(step) < n:
            raise ValueError(
                f"generation_step={step} is out of range: "
                + (
                    f"{len(self.generated)} tokens were generated; use 0..{n - 1}."
                    if self.generated
                    else "no tokens were generated (pass generate_steps=k); use 0."
                )
            )
        return int(step)

    @property
    def generated_tokens(self) -> list[dict]:
        """Each generated token: its id, its label and where its logits are read."""
        return [
            {"index": t, "label": self.label(t), "position": self.prompt_len - 1 + j}
            for j, t in enumerate(self.generated)
        ]

    @property
    def causal(self) -> bool:
        return self.position is not None

    @property
    def top_count(self) -> int:  # type: ignore[override]
        return 10 if self.causal else super().top_count

    def _model_output(self) -> Any:
        self._lig = LayerIntegratedGradients(self.call, self.layer)
        values, fwd = self._lig.layer_function(self.x, self.args or None)
        emb = self._embedding(values)
        self._embeddings, self._fwd = emb, fwd
        with torch.no_grad(), buffers_kept([self.model]):
            out = output_tensor(self.call(self.x, *self.args))
        if isinstance(out, torch.Tensor) and hf.is_causal_lm(
            self.model, out, hf.vocab_size(self.tokenizer)
        ):
            self.position = self.prompt_len - 1
            out = out[:, self.position]
        return out

    def _default_labels(self, n: int) -> Any:
        if self.causal:
            labels = hf.token_labels(self.tokenizer, n) if self.tokenizer is not None else None
            return labels if labels is not None else [f"token {i}" for i in range(n)]
        return super()._default_labels(n)

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

    def _background_embeddings(self, background: Any) -> torch.Tensor:
        """Expected Gradients' rows for text: token ids (B, T) of the input's length (other
        texts, padded or cut to it), each row's embeddings as the model makes them (one
        forward pass per row, with the input's other arguments), or embeddings (B, T, D)."""
        bg = as_tensor(background, "background")
        t = int(self.x.shape[1])
        if not bg.is_floating_point() and bg.dim() in (1, 2) and bg.shape[-1] == t:
            rows = bg.reshape(-1, t).to(device=self.x.device, dtype=torch.long)
            return torch.cat([self._id_embeddings(r.reshape(1, -1)) for r in rows])
        return check_background(bg, self._embeddings, "token ids (B, T) or embeddings")

    def _id_embeddings(self, ids: torch.Tensor) -> torch.Tensor:
        """The embedding layer's output when the model runs on token ids ``ids``."""
        return self._lig.layer_baseline_values(self.x, ids, self.args or None)[0]

    # -- baselines ------------------------------------------------------------------
    @functools.cached_property
    def _specials(self) -> torch.Tensor:
        """Where the input holds the tokenizer's special tokens ([CLS], [SEP], <s>, BOS)."""
        specials = sorted(hf.special_ids(self.tokenizer))
        if not specials:
            return torch.zeros_like(self.x, dtype=torch.bool)
        return torch.isin(self.x, torch.tensor(specials, device=self.x.device))

    def _token_baseline(self, token_id: int, keep_specials: bool = True) -> torch.Tensor:
        """The embeddings of the input with every token replaced by ``token_id``; special
        tokens stay as they are unless ``keep_specials`` is False (replacing them changes
        what the model does, not only what the text says)."""
        ids = torch.full_like(self.x, int(token_id))
        if keep_specials:
            ids = torch.where(self._specials, self.x, ids)
        return self._id_embeddings(ids)

    def _user_baseline(self, name: str, value: Any) -> torch.Tensor:
        if isinstance(value, str):
            return self._token_baseline(self._token_id(name, value))
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

    def _token_id(self, name: str, token: str) -> int:
        """The id of the token string ``token`` (a baseline made of that one token)."""
        convert = getattr(self.tokenizer, "convert_tokens_to_ids", None)
        unk = hf.special_id(self.tokenizer, "unk")
        tid = convert(token) if callable(convert) else None
        if tid is None or (tid == unk and token != getattr(self.tokenizer, "unk_token", None)):
            raise ValueError(
                f"baselines={{{name!r}: {token!r}}}: {token!r} is not a token of the "
                "tokenizer" + ("" if self.tokenizer is not None else " (none was given)") + "; "
                "give one token of the vocabulary (e.g. '[MASK]'), or token ids."
            )
        return int(tid)

    @property
    def inputs(self) -> torch.Tensor:
        return self._embeddings

    @property
    def forward(self) -> Callable:
        return self._fwd

    def _builtin_baselines(self) -> dict[str, Callable[[], torch.Tensor]]:
        out: dict[str, Callable[[], torch.Tensor]] = {}
        named = [("pad", self.pad_token_id)]
        named += [(n, hf.special_id(self.tokenizer, n)) for n in ("mask", "unk")]
        seen: set[int] = set()
        for name, tid in named:
            if tid is None or tid in seen:
                continue
            seen.add(tid)
            out[name] = lambda tid=tid: self._token_baseline(tid)
        has_specials = bool(self._specials.any())
        if has_specials and self.pad_token_id is not None:
            out["pad, specials too"] = lambda: self._token_baseline(self.pad_token_id, False)
        if not self._pad_is_zero():
            out["zero embedding"] = lambda: bl.zero(self._embeddings)
        return out

    def _pad_is_zero(self) -> bool:
        """Whether the input padded throughout is the zero embedding (a ``padding_idx``
        row of zeros): then "zero embedding" would repeat a pad choice and is not offered."""
        if self.pad_token_id is None:
            return False
        if "_pad_zero" not in self.__dict__:
            every = self._token_baseline(self.pad_token_id, keep_specials=False)
            self._pad_zero = bool((every == 0).all())
        return self._pad_zero

    def _display(self, attr: torch.Tensor, nodes: bool = False) -> torch.Tensor:
        # sum over the embedding dims: (T, D) -> (T,), (m, T, D) -> (m, T)
        lead = 2 if nodes else 1
        return attr.reshape(attr.shape[:lead] + (-1,)).sum(-1)

    def _feature_names(self) -> list[str]:
        return self.tokens

    def compute(
        self, settings: Settings, progress: Callable[[float], None] | None = None
    ) -> Result:
        if self.causal:
            # tokens after this position cannot reach its logits (causal attention):
            # their attributions come out zero
            self.position = self.prompt_len - 1 + self.check_step(settings.step)
        result = super().compute(settings, progress)
        result.token_attributions = self._display(result.attributions)
        return result

    def _view(self, result: Result, shown: np.ndarray) -> dict:
        return payload.text_payload(self.tokens, shown)


def _check_length(model: Any, n: int) -> None:
    """Refuse a text longer than the model's position table, with the fix."""
    config = getattr(model, "config", None)
    limit = getattr(config, "max_position_embeddings", None) or getattr(config, "n_positions", None)
    if isinstance(limit, int) and not isinstance(limit, bool) and n > limit:
        raise ValueError(
            f"x has {n} tokens but the model takes at most {limit} "
            "(config.max_position_embeddings); shorten the text, e.g. "
            f"tokenizer(text, truncation=True, max_length={limit}, return_tensors='pt')."
        )
