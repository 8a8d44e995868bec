"""The adapters between the engine and the widget, one per modality.

``make_explainer`` infers the modality of the example and builds its ``Explainer``
(``explainer.py``): the model, the example, its baselines and paths, and
``compute(settings)`` returning a ``Result`` with the whole payload. ``infer.py`` tells
the modality from the example, ``records.py`` holds ``Settings`` and ``Result``,
``errors.py`` the ``ModelError`` a failing model becomes.
"""

from __future__ import annotations

from typing import Any

from .errors import ModelError
from .explainer import METHOD_OPTIONS, Explainer, plain_int, raised_by_model
from .image import ImageExplainer
from .infer import _describe, as_tensor, infer_modality
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
) -> Explainer:
    """Infer the modality of ``x`` and build its adapter; arguments as ``IGWidget``."""
    x = as_tensor(x)
    kind = infer_modality(x, modality)
    misplaced = {
        "feature_names": (feature_names, "tabular"),
        "background": (background, "tabular"),
        "tokens": (tokens, "text"),
        "layer": (layer, "text"),
        "tokenizer": (tokenizer, "text"),
        "pad_token_id": (pad_token_id, "text"),
    }
    for arg, (value, applies) in misplaced.items():
        if value is not None and applies != kind:
            raise ValueError(
                f"{arg}= applies to {applies} inputs, but this input is {kind} ({_describe(x)}); "
                f"drop it, or pass modality='{applies}' if the input is {applies}."
            )
    common = {
        "baselines": baselines,
        "additional_forward_args": additional_forward_args,
        "class_names": class_names,
    }
    if kind == "image":
        return ImageExplainer(model, x, **common)
    if kind == "text":
        return TextExplainer(
            model,
            x,
            layer=layer,
            tokens=tokens,
            tokenizer=tokenizer,
            pad_token_id=pad_token_id,
            **common,
        )
    return TabularExplainer(model, x, feature_names=feature_names, background=background, **common)
