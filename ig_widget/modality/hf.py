"""Models and inputs as Hugging Face users hold them, recognised without importing
``transformers``: tokenizers (anything with the tokenizer call interface), a
``BatchEncoding`` (a mapping with ``input_ids``), ``config.id2label``, causal language
models, the input embedding layer, and which squashing turns outputs into scores.

Everything here is duck-typed, so plain PyTorch models and other libraries with the
same conventions work too, and ``transformers`` stays a test-only dependency.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import torch

#: what ``output_activation=`` takes
ACTIVATIONS = ("softmax", "sigmoid", "none")
#: class names of causal language models (GPT2LMHeadModel, LlamaForCausalLM, ...)
_CAUSAL_NAME = re.compile(r"(ForCausalLM|LMHeadModel)$")


def is_encoding(x: Any) -> bool:
    """Whether ``x`` is a tokenizer's output: a mapping holding ``input_ids``."""
    return isinstance(x, Mapping) and "input_ids" in x


def tokenize(tokenizer: Any, text: str) -> Mapping:
    """``tokenizer(text, return_tensors="pt")``, with the error naming ``tokenizer=``."""
    if tokenizer is None:
        raise TypeError(
            "x is a string; pass tokenizer=<the model's tokenizer> so the widget can turn "
            "it into token ids (or pass the token ids, or tokenizer(text, "
            "return_tensors='pt'), as x)."
        )
    if not callable(tokenizer):
        raise TypeError(
            f"tokenizer must be callable like a Hugging Face tokenizer, got "
            f"{type(tokenizer).__name__}."
        )
    enc = tokenizer(text, return_tensors="pt")
    if not is_encoding(enc):
        raise TypeError(
            "tokenizer(text, return_tensors='pt') did not return a mapping with "
            "'input_ids'; pass a Hugging Face tokenizer, or the token ids as x."
        )
    return enc


def split_encoding(enc: Mapping) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
    """The token ids (1, T) and the other entries (attention_mask, token_type_ids, ...)
    as (1, T) tensors, in the encoding's order; entries that are not per-token arrays
    (offsets, overflow) are dropped."""
    ids = _as_row(enc["input_ids"], "x['input_ids']")
    extras: dict[str, torch.Tensor] = {}
    for key, value in enc.items():
        if key == "input_ids" or key in ("offset_mapping", "overflow_to_sample_mapping"):
            continue
        try:
            t = _as_row(value, f"x[{key!r}]")
        except (TypeError, ValueError):
            continue
        if t.shape == ids.shape:
            extras[str(key)] = t
    return ids, extras


def _as_row(value: Any, name: str) -> torch.Tensor:
    if isinstance(value, np.ndarray):
        value = torch.from_numpy(value)
    elif isinstance(value, list):
        value = torch.tensor(value)
    if not isinstance(value, torch.Tensor):
        raise TypeError(f"{name} is a {type(value).__name__}, not an array.")
    value = value.detach()
    if value.dim() == 1:
        value = value[None]
    if value.dim() != 2 or value.shape[0] != 1:
        raise ValueError(
            f"{name} has shape {tuple(value.shape)}: the widget explains one text; pass "
            "the encoding of one text (tokenizer(text, return_tensors='pt'))."
        )
    return value


def encoding_tokens(enc: Mapping) -> list[str] | None:
    """The token strings a fast tokenizer's ``BatchEncoding`` carries, if any."""
    tokens = getattr(enc, "tokens", None)
    if callable(tokens):
        try:
            out = tokens()
        except Exception:  # noqa: BLE001 - a slow tokenizer's encoding has none
            return None
        return [str(t) for t in out]
    return None


def input_embeddings(model: Any) -> torch.nn.Module | None:
    """``model.get_input_embeddings()`` where the model has it (and it is a module)."""
    get = getattr(model, "get_input_embeddings", None)
    if callable(get):
        try:
            layer = get()
        except (NotImplementedError, AttributeError):
            return None
        if isinstance(layer, torch.nn.Module):
            return layer
    return None


def config_labels(model: Any, n: int) -> dict[int, str] | None:
    """``model.config.id2label`` when it names ``n`` outputs."""
    config = getattr(model, "config", None)
    labels = getattr(config, "id2label", None)
    if not isinstance(labels, Mapping) or len(labels) != n:
        return None
    try:
        return {int(k): str(v) for k, v in labels.items()}
    except (TypeError, ValueError):
        return None


def is_causal_lm(model: Any, out: torch.Tensor, vocab_size: int | None) -> bool:
    """Whether ``out`` (the model's logits on one text, (1, T, V)) predicts a token at
    each position: a ``...ForCausalLM`` / ``...LMHeadModel`` class, or a last dimension
    as long as the vocabulary."""
    if out.dim() != 3 or out.shape[0] != 1:
        return False
    if _CAUSAL_NAME.search(type(model).__name__):
        return True
    config = getattr(model, "config", None)
    if getattr(config, "is_decoder", False) or any(
        _CAUSAL_NAME.search(str(a)) for a in getattr(config, "architectures", None) or ()
    ):
        return True
    v = vocab_size or getattr(config, "vocab_size", None)
    return v is not None and int(out.shape[-1]) == int(v)


def vocab_size(tokenizer: Any) -> int | None:
    if tokenizer is None:
        return None
    try:
        return len(tokenizer)
    except TypeError:
        return getattr(tokenizer, "vocab_size", None)


def token_labels(tokenizer: Any, n: int) -> list[str] | None:
    """The string each of ``n`` vocabulary ids decodes to (" Paris", "ing"), so targets
    read as tokens; None without a tokenizer that can decode."""
    decode = getattr(tokenizer, "batch_decode", None)
    if callable(decode):
        try:
            out = decode([[i] for i in range(n)], clean_up_tokenization_spaces=False)
        except Exception:  # noqa: BLE001 - ids past the tokenizer's vocabulary
            out = None
        if out is not None and len(out) == n:
            return [str(s) for s in out]
    convert = getattr(tokenizer, "convert_ids_to_tokens", None)
    if callable(convert):
        out = convert(list(range(n)))
        return ["" if s is None else str(s) for s in out]
    return None


def guess_activation(model: Any, n_outputs: int) -> str:
    """How outputs become the scores shown next to each class: ``config.problem_type``
    when it says, else "none" for one output (a regression value or a single logit)
    and "softmax" for several."""
    problem = getattr(getattr(model, "config", None), "problem_type", None)
    if problem == "multi_label_classification":
        return "sigmoid"
    if problem == "regression":
        return "none"
    return "none" if n_outputs == 1 else "softmax"


def check_activation(value: Any) -> str | None:
    if value is None:
        return None
    if value not in ACTIVATIONS:
        raise ValueError(
            f"output_activation={value!r} is not known; use 'softmax' (the outputs are the "
            "logits of one distribution), 'sigmoid' (independent labels) or 'none' (show "
            "the raw values, e.g. regression)."
        )
    return str(value)


def scores(logits: torch.Tensor, activation: str) -> torch.Tensor:
    """The score shown next to each class: probabilities for softmax and sigmoid, the
    value itself for "none" (NaN outputs count as impossible classes; JSON has no NaN)."""
    if activation == "softmax":
        p = torch.softmax(torch.nan_to_num(logits, nan=-float("inf")), 0)
    elif activation == "sigmoid":
        p = torch.sigmoid(logits)
    else:
        p = logits.clone()
    return torch.nan_to_num(p, nan=0.0, posinf=0.0, neginf=0.0)


def special_ids(tokenizer: Any) -> set[int]:
    """The tokenizer's special token ids ([CLS], [SEP], <s>, </s>, BOS, ...)."""
    ids = getattr(tokenizer, "all_special_ids", None) or []
    return {int(i) for i in ids if i is not None}


def special_id(tokenizer: Any, name: str) -> int | None:
    value = getattr(tokenizer, f"{name}_token_id", None)
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return int(value)
    return None
