"""An engine ``Attribution`` record as a picture: the drawing is chosen by the shape.

The record's tensors carry a batch dimension; one example is drawn. Per example, an
attribution shaped (C, H, W) with C in 1, 3, 4 is an image (heatmap, beside the input when
``inputs`` is given); (T, D) is embedding-like (one score per position, summed over D) and
(T,) is a sequence or a feature vector: tokens when token strings are given, else signed
bars of the top k.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.colors import Colormap
from matplotlib.figure import Figure

from .bars import draw_bars
from .image import CHANNELS, draw_image
from .style import DEFAULT_CMAP, as_array
from .tokens import draw_tokens, token_scores


def _item(t: Any, example: int) -> float | None:
    if t is None:
        return None
    a = as_array(t, "record field").reshape(-1)
    return float(a[example]) if a.size > example else None


def _check_record(record: Any) -> tuple:
    attrs = getattr(record, "attributions", None)
    if attrs is None or not hasattr(record, "delta"):
        raise TypeError(
            f"record must be an Attribution from IntegratedGradients.attribute_detailed(...), "
            f"got {type(record).__name__}."
        )
    return tuple(attrs) if isinstance(attrs, (tuple, list)) else (attrs,)


def record_readout(
    record: Any, example: int = 0, settings: Mapping[str, Any] | None = None
) -> dict:
    """The caption numbers of one example of ``record``: F(x), F(x'), the sum of its
    attributions (over all inputs), the delta and the gradient evaluations, plus
    ``settings`` (e.g. ``{"target": 3, "method": "gausslegendre"}``)."""
    attrs = _check_record(record)
    n = attrs[0].shape[0] if attrs[0].dim() > 0 else 1
    if isinstance(example, bool) or not isinstance(example, (int, np.integer)):
        raise TypeError(f"example must be an int index, got {type(example).__name__}.")
    if not 0 <= example < n:
        raise ValueError(f"example={example} is out of range: the record holds {n} example(s).")
    out: dict[str, Any] = dict(settings or {})
    total = sum(float(as_array(a[example], "attributions").sum()) for a in attrs)
    out.update(
        output=_item(record.output, example),
        baseline_output=_item(record.baseline_output, example),
        sum=total,
        delta=_item(record.delta, example),
    )
    if getattr(record, "n_evals", None):
        out.setdefault("n_evals", record.n_evals)
    if n > 1:
        out["example"] = f"example {example + 1} of {n}"
    warnings = list(getattr(record, "warnings", None) or [])
    if warnings:
        out["note"] = "; ".join(str(w) for w in warnings)
    return out


def _pick(value: Any, index: int) -> Any:
    if isinstance(value, (tuple, list)) and value and hasattr(value[0], "shape"):
        return value[index]
    return value


def _example_of(x: Any, example: int, ndim: int) -> Any:
    """One example of ``x``: indexed when it has the batch dimension, else as given."""
    if x is None:
        return None
    if len(getattr(x, "shape", ())) == ndim + 1:
        return x[example]
    return x


def attribution_figure(
    record: Any,
    *,
    example: int = 0,
    input_index: int = 0,
    inputs: Any = None,
    tokens: Sequence[str] | None = None,
    names: Sequence[str] | None = None,
    settings: Mapping[str, Any] | None = None,
    top_k: int = 10,
    cmap: str | Colormap = DEFAULT_CMAP,
    clip_percentile: float | None = None,
    title: str | None = None,
) -> Figure:
    """Draw one example of an ``Attribution`` record, choosing the view by shape.

    Args:
        record: what ``IntegratedGradients.attribute_detailed`` returned.
        example: which example of the batch to draw.
        input_index: which input, when the model took several.
        inputs: the inputs the record was computed for (same shapes, batched or one
            example); an image is then drawn beside its heatmap, features show their value.
        tokens: token strings, one per position: draws highlighted tokens.
        names: feature names, one per feature: labels the bars.
        settings: extra caption entries (``target``, ``method``, ``baseline``, ...).
        top_k: bars shown for feature vectors.
        cmap, clip_percentile: the colour scale, centred at 0 (default percentile: 99 for
            images and tokens, 100 for bars).
        title: a line above the drawing.

    Raises ``ValueError`` for a shape none of the views can draw.
    """
    attrs = _check_record(record)
    if not 0 <= input_index < len(attrs):
        raise ValueError(
            f"input_index={input_index} is out of range: the record has {len(attrs)} input(s)."
        )
    readout = record_readout(record, example, settings)
    if len(attrs) > 1:
        part = f"input {input_index + 1} of {len(attrs)} (the sum covers all)"
        readout["example"] = f"{readout['example']}, {part}" if "example" in readout else part
    batch = attrs[input_index]
    if batch.dim() == 0:
        raise ValueError("the record's attributions have no batch dimension to draw from.")
    a = batch[example]
    shape = tuple(a.shape)
    x = _example_of(_pick(inputs, input_index), example, len(shape))
    pct = {} if clip_percentile is None else {"clip_percentile": clip_percentile}
    common = {"readout": readout, "cmap": cmap, "title": title, **pct}
    if len(shape) == 3 and shape[0] in CHANNELS:
        return draw_image(x, a, **common)
    if len(shape) in (1, 2) and tokens is not None:
        return draw_tokens(list(tokens), a, **common)
    if len(shape) == 2:
        scores = token_scores(a)
        labels = names if names is not None else [f"position {i}" for i in range(len(scores))]
        return draw_bars(labels, None, scores, top_k=top_k, **common)
    if len(shape) <= 1:
        values = x if x is not None and tuple(getattr(x, "shape", ())) == shape else None
        return draw_bars(names, values, a.reshape(-1), top_k=top_k, **common)
    raise ValueError(
        f"cannot draw attributions of shape {shape} per example: the views take an image "
        "(C, H, W) with C in 1, 3, 4, embeddings (T, D), or a vector (F,)."
    )
