"""Running a model with a layer's output (or input) read or replaced.

Attribution to a layer integrates over the values flowing through that layer rather than
over the model's inputs: token ids have no gradient, but their embeddings do, and a
convolution block's activations say which channels carried the decision. Everything
here serves that one trick: run the model on its real inputs and swap what one or more
layers return (or receive, with ``on_input``) for the values being integrated.

The swap is a forward hook (a forward pre-hook for layer inputs) that lives for one model
call and acts only on the thread that registered it. A user running the same model from
another thread at the same time is not affected, two attributions of one model in two
threads do not see each other's values, and no hook outlives the call, whether the model
returns, raises or the computation is cancelled between two calls.

``LayerIntegratedGradients`` (``layer_integrated_gradients.py``) and the widget's text
path both run on ``layer_forward`` below; ``embedding_forward`` is its one-layer,
token-ids form.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Sequence
from typing import Any

import torch

from .model_state import buffers_kept, sees_rows_alone
from .outputs import output_tensor

#: what a layer hands over: one tensor, or a tuple of tensors
LayerValue = torch.Tensor | tuple[torch.Tensor, ...]


def find_embedding(model: torch.nn.Module) -> torch.nn.Module:
    """The model's first ``nn.Embedding``; the usual layer to attribute for text."""
    for module in model.modules():
        if isinstance(module, torch.nn.Embedding):
            return module
    raise ValueError(
        "The model has no nn.Embedding layer to attribute token ids through; pass "
        "layer=<the module whose output is the token embeddings>."
    )


class layer_hook:  # noqa: N801 - a context manager, named like one
    """Context manager: a hook on ``layer`` that acts on the current thread only.

    ``fn`` gets the layer's output (or, with ``on_input``, the tuple of its positional
    arguments) and returns a replacement, or None to leave it as it is.
    """

    def __init__(
        self, layer: torch.nn.Module, fn: Callable[[Any], Any], on_input: bool = False
    ) -> None:
        self.layer, self.fn, self.on_input = layer, fn, on_input
        self.thread = threading.get_ident()
        self.handle: Any = None

    def __enter__(self) -> layer_hook:
        thread, fn = self.thread, self.fn
        if self.on_input:

            def pre_hook(module, args):
                return fn(args) if threading.get_ident() == thread else None

            self.handle = self.layer.register_forward_pre_hook(pre_hook)
        else:

            def hook(module, args, output):
                return fn(output) if threading.get_ident() == thread else None

            self.handle = self.layer.register_forward_hook(hook)
        return self

    def __exit__(self, *exc: Any) -> None:
        self.handle.remove()


def _where(on_input: bool) -> str:
    return "input" if on_input else "output"


def _as_values(value: Any, name: str, on_input: bool) -> LayerValue:
    """The tensor(s) a layer handed over, refused with the fix when they are not a
    tensor or a flat tuple of tensors."""
    if isinstance(value, torch.Tensor):
        return value
    if isinstance(value, (tuple, list)) and value:
        if all(isinstance(v, torch.Tensor) for v in value):
            return tuple(value)
    if on_input and isinstance(value, tuple) and not value:
        raise ValueError(
            f"{name} was called with keyword arguments only, so there is no positional "
            "input to attribute; attribute its output instead (attribute_to_layer_input="
            "False), or pick a module that takes its input positionally."
        )
    kinds = (
        ", ".join(type(v).__name__ for v in value)
        if isinstance(value, (tuple, list))
        else type(value).__name__
    )
    raise ValueError(
        f"{name} {'receives' if on_input else 'returns'} ({kinds}); attribution to a layer's "
        f"{_where(on_input)} needs a tensor or a tuple of tensors. Pick a submodule whose "
        f"{_where(on_input)} is a tensor (e.g. one inside this layer)."
    )


def _flat(value: LayerValue) -> tuple[torch.Tensor, ...]:
    return value if isinstance(value, tuple) else (value,)


def layer_values(
    forward: Callable,
    layers: Sequence[torch.nn.Module],
    inputs: tuple[torch.Tensor, ...],
    args: tuple = (),
    on_input: bool = False,
) -> tuple[list[LayerValue], Any]:
    """Run ``forward(*inputs, *args)`` once without gradients; return what each layer
    handed over (its output, or its positional input with ``on_input``), detached, and
    what ``forward`` returned.

    Each layer must run exactly once: a layer that runs twice (shared weights, a loop)
    has no single value to replace.
    """
    seen: list[list[Any]] = [[] for _ in layers]
    hooks = [
        layer_hook(layer, lambda v, s=s: s.append(_copy(v)) or None, on_input)
        for layer, s in zip(layers, seen, strict=True)
    ]
    owner = getattr(forward, "__self__", None)
    with torch.no_grad(), buffers_kept([forward, owner, *layers]), contextlib.ExitStack() as stack:
        for h in hooks:
            stack.enter_context(h)
        out = forward(*inputs, *args)
    values = []
    for i, s in enumerate(seen):
        name = _layer_name(i, len(layers))
        if not s:
            raise ValueError(
                f"The model never called {name} on these inputs (on this thread); pass a "
                "module that the model's forward runs (one of its submodules)."
            )
        if len(s) > 1:
            raise ValueError(
                f"The model called {name} {len(s)} times in one forward pass; attribution to "
                "a layer needs a module that runs once (pick one of the calls' own modules)."
            )
        v = _as_values(s[0], name, on_input)
        values.append(v)
    return values, out


def _copy(value: Any) -> Any:
    """Detached copies of the tensors a layer handed over, taken in the hook: an in-place
    op after the layer (``ReLU(inplace=True)``) would change them later in the pass."""
    if isinstance(value, torch.Tensor):
        return value.detach().clone()
    if isinstance(value, (tuple, list)):
        return type(value)(v.detach().clone() if isinstance(v, torch.Tensor) else v for v in value)
    return value


def layer_forward(
    forward: Callable,
    layers: Sequence[torch.nn.Module],
    inputs: tuple[torch.Tensor, ...],
    structure: Sequence[int | None],
    on_input: bool = False,
) -> Callable[..., Any]:
    """A function ``f(*values, *args)`` that runs ``forward(*inputs, *args)`` with the
    layers' outputs (inputs with ``on_input``) replaced by ``values``.

    ``values`` are the layers' tensors one after another, ``structure[i]`` telling how
    many layer ``i`` takes (None: one tensor, n: a tuple of n). Their first dimension may
    hold several path points per example, stacked step-major; ``inputs`` are then
    repeated to match. The model's output comes back with logits taken from Hugging Face
    style outputs (``outputs.output_tensor``).
    """
    batch = inputs[0].shape[0]
    sizes = [1 if s is None else s for s in structure]
    total = sum(sizes)

    def run(*values_and_args: Any) -> Any:
        values = values_and_args[:total]
        rows = values[0].shape[0]
        if rows % batch:
            raise ValueError(
                f"layer values have {rows} rows, not a multiple of the batch size {batch}."
            )
        reps = rows // batch
        xs = inputs if reps == 1 else tuple(torch.cat([x] * reps, dim=0) for x in inputs)
        return replay(xs, values_and_args)

    def for_rows(rows_of: torch.Tensor) -> Callable[..., Any]:
        """The same forward for rows that belong to the examples ``rows_of`` (R,), in
        any order: row j is replayed with example ``rows_of[j]``'s inputs."""

        def run_rows(*values_and_args: Any) -> Any:
            if values_and_args[0].shape[0] != len(rows_of):
                raise ValueError(
                    f"layer values have {values_and_args[0].shape[0]} rows for "
                    f"{len(rows_of)} examples."
                )
            return replay(tuple(x[rows_of.to(x.device)] for x in inputs), values_and_args)

        return run_rows

    def replay(xs: tuple[torch.Tensor, ...], values_and_args: tuple) -> Any:
        values, args = values_and_args[:total], values_and_args[total:]
        hooks, at = [], 0
        for layer, s, n in zip(layers, structure, sizes, strict=True):
            # a differentiable copy, so in-place ops after the layer leave the path alone
            new = values[at].clone() if s is None else tuple(v.clone() for v in values[at : at + n])
            if on_input and s is None:
                new = (new,)
            hooks.append(layer_hook(layer, lambda _old, new=new: new, on_input))
            at += n
        with contextlib.ExitStack() as stack:
            for h in hooks:
                stack.enter_context(h)
            return output_tensor(forward(*xs, *args))

    # rows are paired with the inputs by position (step-major). When ``forward`` sees
    # each row on its own, ``for_rows`` pairs them with any examples, so per-example
    # planning of n_steps="auto" (engine/adaptive.py) can pack each example's own rows
    # instead of padding every call to the batch; a forward that may pair rows with
    # examples by position itself (a closure over per-example data) keeps the layout
    run.step_major = True
    if sees_rows_alone(forward):
        run.for_rows = for_rows
    return run


def structure_of(values: Sequence[LayerValue]) -> list[int | None]:
    """How many tensors each layer hands over (None: one plain tensor)."""
    return [len(v) if isinstance(v, tuple) else None for v in values]


def flatten(values: Sequence[LayerValue]) -> tuple[torch.Tensor, ...]:
    return tuple(t for v in values for t in _flat(v))


def unflatten(flat: Sequence[Any], structure: Sequence[int | None]) -> list[Any]:
    """Regroup per-tensor results into one entry per layer (a tuple where the layer
    handed over a tuple)."""
    out, at = [], 0
    for s in structure:
        if s is None:
            out.append(flat[at])
            at += 1
        else:
            out.append(tuple(flat[at : at + s]))
            at += s
    return out


def embedding_forward(
    model: Callable, layer: torch.nn.Module, ids: torch.Tensor, *args: Any
) -> tuple[torch.Tensor, Callable[..., torch.Tensor]]:
    """Return (embeddings of ``ids``, f) with ``f(emb_batch) == model(ids, *args)`` where
    ``layer``'s output is replaced by ``emb_batch``.

    ``emb_batch`` may hold several path points per example, stacked step-major along
    dim 0; ``ids`` are repeated to match. Batched tensors in ``args`` are not: pass them
    to ``f`` after the embeddings (the engine repeats ``additional_forward_args``).
    """
    check_layer(model, layer)
    values, _ = layer_values(model, [layer], (ids,), args)
    if not isinstance(values[0], torch.Tensor):
        raise TypeError(
            f"The embedding layer returned a tuple of {len(values[0])} tensors; pass the "
            "module whose output is the token embeddings alone."
        )
    return values[0], layer_forward(model, [layer], (ids,), [None])


def check_layer(model: Any, layer: Any, name: str = "layer") -> None:
    if not isinstance(layer, torch.nn.Module):
        raise TypeError(f"{name} must be a torch.nn.Module, got {type(layer).__name__}.")
    if isinstance(model, torch.nn.Module) and not any(m is layer for m in model.modules()):
        raise ValueError(f"{name} is not a submodule of the model; pass one of model's modules.")


def _layer_name(i: int, n: int) -> str:
    return "the layer" if n == 1 else f"layer[{i}]"
