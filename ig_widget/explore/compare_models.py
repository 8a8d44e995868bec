"""A second model in one widget (``IGWidget(model, x, compare_model=other)``).

The second model gets its own explainer, built from the widget's own arguments, so every
setting (baseline, method, path, steps, target) means the same thing on both models;
the ``model_choice`` setting says which one the widget computes. Pins then hold
results of either model and the comparison view labels each side with its model. The
two models must share the input and output contract: the same example, the same number
of outputs, the same baselines and paths on offer; anything else is refused here, with
an error that names ``compare_model``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

#: the ``model_choice`` values: the widget's model and the one given as compare_model=
MODEL_KEYS = ("main", "compare")


def split_compare_model(compare_model: Any) -> tuple[str | None, Any]:
    """``compare_model`` as (label or None, model): a model, or a ``(label, model)`` pair."""
    if isinstance(compare_model, tuple):
        if len(compare_model) != 2 or not isinstance(compare_model[0], str):
            raise TypeError(
                "compare_model must be a model or a (label, model) pair such as "
                f"('fine-tuned', model2), got a tuple of {len(compare_model)} item(s)."
            )
        label, model = compare_model
        if not label.strip():
            raise ValueError("compare_model=(label, model): the label is empty; name the model.")
        return label.strip(), model
    return None, compare_model


def model_labels(main_model: Any, compare_label: str | None, compare_model: Any) -> dict:
    """``{"main": label, "compare": label}``: class names unless given, never equal."""
    main = type(main_model).__name__
    other = compare_label or type(compare_model).__name__
    if other == main:
        other = f"{other} (compare)"
    return {"main": main, "compare": other}


def build_compare_explainer(
    main: Any,
    model: Any,
    compare_model: Any,
    build: Callable[[Any], Any],
    *,
    layer: Any = None,
    generate_steps: int = 0,
) -> Any:
    """The explainer of ``compare_model``: ``build(compare_model)`` with the widget's
    arguments, checked against the main explainer ``main`` (see the module doc)."""
    if compare_model is model:
        raise ValueError(
            "compare_model is the same object as model; pass a second model to compare "
            "with (e.g. another checkpoint), or drop compare_model=."
        )
    if generate_steps:
        raise ValueError(
            "compare_model= cannot be combined with generate_steps=: the two models would "
            "generate different tokens to explain; build one widget per model."
        )
    if layer is not None:
        raise ValueError(
            "layer= names a module of model, which the compare model does not have; drop "
            "layer= with compare_model= (each model's own embedding layer is then found)."
        )
    try:
        other = build(compare_model)
    except TypeError as exc:
        raise TypeError(f"compare_model: {exc}") from exc
    except ValueError as exc:
        raise ValueError(f"compare_model: {exc}") from exc
    for what, a, b in (
        ("number of outputs", main.n_outputs, other.n_outputs),
        ("output shape", main.single_output, other.single_output),
    ):
        if a != b:
            raise ValueError(
                f"compare_model's {what} on x is {b!r} but model's is {a!r}; the two "
                "models must have the same outputs (e.g. the same classes) to be compared."
            )
    for what in ("baseline_options", "path_options", "distribution_options"):
        a, b = list(getattr(main, what, [])), list(getattr(other, what, []))
        if a != b:
            raise ValueError(
                f"compare_model offers {what.split('_')[0]}s {b}, model offers {a}; the two "
                "models must take the same input in the same way to be compared."
            )
    return other
