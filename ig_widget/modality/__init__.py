"""The adapters between the engine and the widget, one per modality.

``make_explainer`` infers the modality of the example and builds its ``Explainer``
(``explainer.py``): the model, the example, its baselines and paths, and
``compute(settings)`` returning a ``Result`` with the whole payload. ``infer.py`` tells
the modality from the example, ``records.py`` holds ``Settings`` and ``Result``,
``errors.py`` the ``ModelError`` a failing model becomes.
"""

from __future__ import annotations

from typing import Any

from . import hf
from .errors import ModelError
from .explainer import METHOD_OPTIONS, Explainer, plain_int, raised_by_model
from .image import ImageExplainer
from .infer import _describe, as_tensor, from_table, infer_modality, tabular_like
from .multi import MultiExplainer, is_multi
from .records import Result, Settings
from .tabular import TabularExplainer
from .text import TextExplainer

__all__ = [
    "METHOD_OPTIONS",
    "Explainer",
    "ModelError",
    "Result",
    "Settings",
    "infer_modality",
    "make_explainer",
    "plain_int",
    "raised_by_model",
]


def make_explainer(
    model: Any,
    x: Any,
    *,
    modality: str | None = None,
    baselines: Any = None,
    additional_forward_args: Any = None,
    class_names: Any = None,
    feature_names: Any = None,
    tokens: Any = None,
    layer: Any = None,
    pad_token_id: Any = None,
    tokenizer: Any = None,
    background: Any = None,
    output_activation: str | None = None,
    mean: Any = None,
    std: Any = None,
    generate_steps: int = 0,
) -> Explainer:
    """Infer the modality of ``x`` and build its adapter; arguments as ``IGWidget``.

    Beyond tensors, ``x`` may be a string (with ``tokenizer=``), a tokenizer's encoding
    (every entry goes to the model by keyword), a pandas Series or one-row DataFrame
    (feature names from its labels) or a numpy array."""
    extras = None
    if is_multi(x):
        if modality not in (None, "multi"):
            raise ValueError(
                f"x holds several inputs ({type(x).__name__}), but modality={modality!r}; drop "
                "modality= (each input's kind is inferred from its shape)."
            )
        for arg, value in {"tokens": tokens, "layer": layer, "tokenizer": tokenizer}.items():
            if value is not None:
                raise ValueError(
                    f"{arg}= is not supported with several inputs yet; pass the text's "
                    "embeddings as a float input, or explain the text model alone."
                )
        if background is not None:
            raise ValueError("background= is not supported with several inputs; drop it.")
        return MultiExplainer(
            model,
            x,
            feature_names=feature_names,
            mean=mean,
            std=std,
            baselines=baselines,
            additional_forward_args=additional_forward_args,
            class_names=class_names,
            output_activation=output_activation,
        )
    if isinstance(x, str):
        x = hf.tokenize(tokenizer, x)
    if hf.is_encoding(x):
        if modality not in (None, "text"):
            raise ValueError(
                f"x is a tokenizer's encoding (it holds 'input_ids'), but modality={modality!r}; "
                "drop modality= or pass modality='text'."
            )
        enc = x
        x, extras = hf.split_encoding(enc)
        if tokens is None and tokenizer is None:
            tokens = hf.encoding_tokens(enc)
    elif tabular_like(x):
        x, names = from_table(x, "x")
        if feature_names is None:
            feature_names = names
        if modality is None:
            modality = "tabular"
    x = as_tensor(x)
    kind = infer_modality(x, modality)
    misplaced = {
        "feature_names": (feature_names, "tabular"),
        "background": (background, ("tabular", "image", "text")),
        "tokens": (tokens, "text"),
        "layer": (layer, "text"),
        "tokenizer": (tokenizer, "text"),
        "pad_token_id": (pad_token_id, "text"),
        "generate_steps": (generate_steps or None, "text"),
        "mean": (mean, "image"),
        "std": (std, "image"),
    }
    for arg, (value, applies) in misplaced.items():
        kinds = (applies,) if isinstance(applies, str) else applies
        if value is not None and kind not in kinds:
            raise ValueError(
                f"{arg}= applies to {' or '.join(kinds)} inputs, but this input is {kind} "
                f"({_describe(x)}); drop it, or pass modality='{kinds[0]}' if the input is "
                f"{kinds[0]}."
            )
    common = {
        "baselines": baselines,
        "additional_forward_args": additional_forward_args,
        "class_names": class_names,
        "output_activation": output_activation,
    }
    if background is not None:
        background = as_tensor(from_table(background, "background")[0], "background")
    if kind == "image":
        return ImageExplainer(model, x, mean=mean, std=std, background=background, **common)
    if kind == "text":
        return TextExplainer(
            model,
            x,
            layer=layer,
            tokens=tokens,
            tokenizer=tokenizer,
            pad_token_id=pad_token_id,
            extras=extras,
            generate_steps=generate_steps,
            background=background,
            **common,
        )
    return TabularExplainer(model, x, feature_names=feature_names, background=background, **common)
