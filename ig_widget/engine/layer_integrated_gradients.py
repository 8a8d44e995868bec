"""``LayerIntegratedGradients``: a drop-in for ``captum.attr.LayerIntegratedGradients``.

Integrated Gradients with respect to what a layer outputs (or receives) instead of the
model's inputs. The model runs on its real inputs while a thread-scoped hook swaps the
layer's values for points on the path between the layer's values at the baseline and at
the input (``layer.py``); ``IntegratedGradients`` then integrates that function of the
layer's values, so every rule, path, ``n_steps="auto"``, chunking and cancellation of
the engine applies unchanged. Baselines are given as model inputs (token ids included:
they run through the model to give the layer's baseline values, as in captum) or
directly in the layer's space with ``layer_baselines=``.
"""

from __future__ import annotations

import functools
import math
import warnings
from collections.abc import Callable, Sequence
from numbers import Number
from typing import TYPE_CHECKING, Any, Literal, TypeVar, overload

import torch

from .integrated_gradients import IntegratedGradients
from .layer import (
    LayerValue,
    check_layer,
    flatten,
    layer_forward,
    layer_values,
    structure_of,
    unflatten,
)
from .model_state import buffers_kept
from .outputs import output_tensor
from .paths import Path

if TYPE_CHECKING:  # where Attribution lives is the engine core's business
    from .core import Attribution


F = TypeVar("F", bound=Callable[..., Any])


def _unwrappable(fn: F) -> F:
    """Give ``fn`` a ``__wrapped__`` as captum's ``log_usage`` decorator does: captum's
    ``NoiseTunnel`` calls ``attribute.__wrapped__(self, ...)``."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return fn(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


class LayerIntegratedGradients:
    """Integrated Gradients attributed to a layer's output (or input).

    Args:
        forward_func: the model, or any function of the inputs (followed by
            ``additional_forward_args``) that runs ``layer``.
        layer: the module whose output (input with ``attribute_to_layer_input=True``)
            is attributed, or a list of modules that do not feed one another
            (attributions then come back as a list, one entry per layer).
        multiply_by_inputs: True gives (layer(x) - layer(x')) times the path-averaged
            gradient; False the averaged gradient alone (straight-line path only).
        device_ids: accepted for captum compatibility; only None (no DataParallel).
    """

    def __init__(
        self,
        forward_func: Callable,
        layer: torch.nn.Module | Sequence[torch.nn.Module],
        multiply_by_inputs: bool = True,
        *,
        device_ids: Any = None,
    ) -> None:
        if not callable(forward_func):
            raise TypeError(
                f"forward_func must be callable (the model), got {type(forward_func).__name__}."
            )
        if not isinstance(multiply_by_inputs, bool):
            raise TypeError(
                f"multiply_by_inputs must be True or False, got {multiply_by_inputs!r} "
                "(device_ids for DataParallel models is not supported)."
            )
        if device_ids is not None:
            raise ValueError(
                "device_ids is not supported: attribute the DataParallel model's .module on "
                "one device instead."
            )
        self.forward_func = forward_func
        self.layer = layer
        self._layers: list[torch.nn.Module]
        if isinstance(layer, (list, tuple)):
            if not layer:
                raise ValueError("layer is an empty list; pass a module or a list of modules.")
            self._layers = list(layer)
            for i, m in enumerate(self._layers):
                check_layer(forward_func, m, f"layer[{i}]")
            if len({id(m) for m in self._layers}) != len(self._layers):
                raise ValueError("layer lists the same module twice; give each module once.")
        else:
            check_layer(forward_func, layer)
            self._layers = [layer]
        self.multiply_by_inputs = multiply_by_inputs

    @property
    def multiplies_by_inputs(self) -> bool:
        return self.multiply_by_inputs

    def has_convergence_delta(self) -> bool:
        return True

    def attribute_future(self) -> None:
        raise NotImplementedError(
            "attribute_future is not implemented for LayerIntegratedGradients; use attribute."
        )

    # ------------------------------------------------------------------ public entry
    @overload
    def attribute(
        self,
        inputs: torch.Tensor | Sequence[torch.Tensor],
        baselines: Any = None,
        target: Any = None,
        additional_forward_args: Any = None,
        n_steps: int | str = 50,
        method: str = "gausslegendre",
        internal_batch_size: int | None = None,
        *,
        return_convergence_delta: Literal[True],
        attribute_to_layer_input: bool = False,
        grad_kwargs: dict | None = None,
        layer_baselines: Any = None,
        path: Path | str | None = None,
        tol: float = 0.01,
        max_steps: int = 1024,
    ) -> tuple[Any, torch.Tensor]: ...

    @overload
    def attribute(
        self,
        inputs: torch.Tensor | Sequence[torch.Tensor],
        baselines: Any = None,
        target: Any = None,
        additional_forward_args: Any = None,
        n_steps: int | str = 50,
        method: str = "gausslegendre",
        internal_batch_size: int | None = None,
        return_convergence_delta: Literal[False] = False,
        attribute_to_layer_input: bool = False,
        grad_kwargs: dict | None = None,
        *,
        layer_baselines: Any = None,
        path: Path | str | None = None,
        tol: float = 0.01,
        max_steps: int = 1024,
    ) -> Any: ...

    @_unwrappable
    def attribute(
        self,
        inputs: torch.Tensor | Sequence[torch.Tensor],
        baselines: Any = None,
        target: Any = None,
        additional_forward_args: Any = None,
        n_steps: int | str = 50,
        method: str = "gausslegendre",
        internal_batch_size: int | None = None,
        return_convergence_delta: bool = False,
        attribute_to_layer_input: bool = False,
        grad_kwargs: dict | None = None,
        *,
        layer_baselines: Any = None,
        path: Path | str | None = None,
        tol: float = 0.01,
        max_steps: int = 1024,
    ):
        """Attribute ``F(inputs)[target]`` to the layer's output (or input).

        Args:
            inputs: the model's inputs, a tensor (batch first) or a tuple of tensors;
                integer token ids are fine, they are never differentiated.
            baselines: model inputs to start from, as in captum: None (zeros, i.e.
                token id 0 for ids), a number, a tensor shaped like the input (or with
                batch size 1, shared) or a tuple of those. They run through the model
                to give the layer's baseline values.
            layer_baselines: instead of ``baselines``, the layer's baseline values
                themselves: None, a number or a tensor shaped like the layer's
                output (a tuple for a layer that returns a tuple, a list for a
                list of layers).
            target, additional_forward_args, n_steps, method, internal_batch_size,
            path, tol, max_steps: as in ``IntegratedGradients.attribute``
                (``n_steps="auto"`` and the paths of ``ig_widget.paths`` included).
            return_convergence_delta: also return sum(attributions) - (F(x) - F(x'))
                per example, F(x') being the model with the layer at its baseline.
            attribute_to_layer_input: attribute the layer's positional inputs rather
                than its output.
            grad_kwargs: accepted for captum compatibility; only None.

        Returns:
            Attributions shaped like the layer's output (input): a tensor, a tuple
            when the layer hands over several tensors, a list for a list of layers;
            with ``return_convergence_delta`` also the delta per example.
        """
        res, structure = self._attribute(
            inputs,
            baselines,
            target,
            additional_forward_args,
            n_steps,
            method,
            internal_batch_size,
            attribute_to_layer_input,
            grad_kwargs,
            layer_baselines,
            path,
            False,
            None,
            tol,
            max_steps,
        )
        for message in res.warnings:
            warnings.warn(message, UserWarning, stacklevel=2)
        attrs = self._per_layer(res.attributions, structure)
        return (attrs, res.delta) if return_convergence_delta else attrs

    def attribute_detailed(
        self,
        inputs: torch.Tensor | Sequence[torch.Tensor],
        baselines: Any = None,
        target: Any = None,
        additional_forward_args: Any = None,
        n_steps: int | str = 50,
        method: str = "gausslegendre",
        internal_batch_size: int | None = None,
        attribute_to_layer_input: bool = False,
        *,
        layer_baselines: Any = None,
        path: Path | str | None = None,
        trace: bool = False,
        progress: Callable[[float], None] | None = None,
        tol: float = 0.01,
        max_steps: int = 1024,
    ) -> Attribution:
        """Like ``attribute``, returning the engine's ``Attribution`` (outputs, delta,
        trace, warnings) with ``attributions`` one tensor per layer tensor, in order.

        ``progress(fraction)`` is called after each chunk and may raise
        ``ig_widget.engine.Cancelled`` to stop; no hook is left on the model either way.
        """
        res, _ = self._attribute(
            inputs,
            baselines,
            target,
            additional_forward_args,
            n_steps,
            method,
            internal_batch_size,
            attribute_to_layer_input,
            None,
            layer_baselines,
            path,
            trace,
            progress,
            tol,
            max_steps,
        )
        return res

    def layer_function(
        self,
        inputs: torch.Tensor | Sequence[torch.Tensor],
        additional_forward_args: Any = None,
        attribute_to_layer_input: bool = False,
    ) -> tuple[tuple[torch.Tensor, ...], Callable[..., Any]]:
        """The layer's values at ``inputs`` (one tensor per layer tensor, detached) and
        ``f(*values, *additional_forward_args)``: the model on ``inputs`` with the
        layer's values replaced, the function ``attribute`` integrates. ``values`` may
        stack several points per example along dim 0 (step-major)."""
        xs = _model_inputs(inputs)
        args = _args(additional_forward_args)
        values = self._values(xs, args, attribute_to_layer_input)
        f = layer_forward(
            self.forward_func, self._layers, xs, structure_of(values), attribute_to_layer_input
        )
        return flatten(values), f

    def layer_baseline_values(
        self,
        inputs: torch.Tensor | Sequence[torch.Tensor],
        baselines: Any = None,
        additional_forward_args: Any = None,
        attribute_to_layer_input: bool = False,
    ) -> tuple[torch.Tensor, ...]:
        """The layer's values when the model runs on ``baselines`` (model inputs, as in
        ``attribute``), one tensor per layer tensor, shaped like ``layer_function``'s."""
        xs = _model_inputs(inputs)
        args = _args(additional_forward_args)
        bxs = _model_baselines(baselines, xs)
        return flatten(self._values(bxs, args, attribute_to_layer_input, "baselines"))

    def compute_convergence_delta(
        self,
        attributions: Any,
        start_point: Any,
        end_point: torch.Tensor | Sequence[torch.Tensor],
        target: Any = None,
        additional_forward_args: Any = None,
    ) -> torch.Tensor:
        """sum(attributions) - (F(end_point) - F(start_point)) per example, with the
        model run on ``end_point`` and ``start_point`` (model inputs, as captum)."""
        xs = _model_inputs(end_point, "end_point")
        starts = _model_baselines(start_point, xs, "start_point")
        args = _args(additional_forward_args)
        batch = xs[0].shape[0]
        tensors = _all_tensors(attributions)
        for t in tensors:
            if t.dim() == 0 or t.shape[0] != batch:
                raise ValueError(
                    f"attributions have first dimension {tuple(t.shape)[:1]} but end_point "
                    f"has batch size {batch}; they must match."
                )
        with torch.no_grad():
            end = _per_row(self.forward_func(*xs, *args), target, batch)
            start = _per_row(self.forward_func(*starts, *args), target, batch)
            total = sum(t.reshape(batch, -1).sum(1).to(end.dtype) for t in tensors)
        return total - (end - start)

    # ------------------------------------------------------------------ the work
    def _values(
        self, xs: tuple, args: tuple, on_input: Any, what: str = "inputs"
    ) -> list[LayerValue]:
        if not isinstance(on_input, bool):
            raise TypeError(f"attribute_to_layer_input must be True or False, got {on_input!r}.")
        values, _ = layer_values(self.forward_func, self._layers, xs, args, on_input)
        batch = xs[0].shape[0]
        where = "input" if on_input else "output"
        for i, t in enumerate(flatten(values)):
            name = f"the layer's {where}" + (f" [{i}]" if len(flatten(values)) > 1 else "")
            if not t.is_floating_point():
                raise TypeError(
                    f"{name} has dtype {t.dtype}, which has no gradient; attribute a layer "
                    "whose values are floating point (e.g. the embedding's output rather "
                    "than its input ids)."
                )
            if t.dim() == 0 or t.shape[0] != batch:
                raise ValueError(
                    f"{name} has shape {tuple(t.shape)} for {what} of batch size {batch}; "
                    "attribution to a layer needs its values batch first."
                )
        return values

    def _attribute(self, *args: Any) -> tuple[Attribution, list[int | None]]:
        # a model in training mode would update its BatchNorm statistics on every pass
        owner = getattr(self.forward_func, "__self__", None)  # a bound forward's module
        with buffers_kept([self.forward_func, owner, *self._layers]):
            return self._attribute_kept(*args)

    def _attribute_kept(
        self,
        inputs,
        baselines,
        target,
        additional_forward_args,
        n_steps,
        method,
        internal_batch_size,
        attribute_to_layer_input,
        grad_kwargs,
        layer_baselines,
        path,
        trace,
        progress,
        tol,
        max_steps,
    ) -> tuple[Attribution, list[int | None]]:
        if grad_kwargs:
            raise ValueError(
                "grad_kwargs is not supported: gradients are taken with respect to the "
                "layer's values only; leave it None."
            )
        if baselines is not None and layer_baselines is not None:
            raise ValueError(
                "Pass either baselines= (model inputs) or layer_baselines= (the layer's "
                "values), not both."
            )
        xs = _model_inputs(inputs)
        args = _args(additional_forward_args)
        values = self._values(xs, args, attribute_to_layer_input)
        structure = structure_of(values)
        if layer_baselines is not None:
            starts: Any = _flat_layer_baselines(layer_baselines, structure)
        else:
            bxs = _model_baselines(baselines, xs)
            base = self._values(bxs, args, attribute_to_layer_input, "baselines")
            if structure_of(base) != structure:
                raise ValueError(
                    "The layer handed over a different number of tensors for the baselines "
                    "than for the inputs; pass layer_baselines= instead."
                )
            starts = flatten(base)
        f = layer_forward(self.forward_func, self._layers, xs, structure, attribute_to_layer_input)
        ig = IntegratedGradients(f, self.multiply_by_inputs)
        res = ig.attribute_detailed(
            flatten(values),
            baselines=starts,
            target=target,
            additional_forward_args=args or None,
            n_steps=n_steps,
            method=method,
            internal_batch_size=internal_batch_size,
            path=path,
            trace=trace,
            progress=progress,
            tol=tol,
            max_steps=max_steps,
        )
        return res, structure

    def _per_layer(self, flat: Sequence[torch.Tensor], structure: list[int | None]) -> Any:
        groups = unflatten(flat, structure)
        # like captum: a layer handing over one tensor (or a 1-tuple) gets a tensor back
        groups = [g[0] if isinstance(g, tuple) and len(g) == 1 else g for g in groups]
        return groups if isinstance(self.layer, (list, tuple)) else groups[0]


# ---------------------------------------------------------------------- helpers
def _args(additional_forward_args: Any) -> tuple:
    if additional_forward_args is None:
        return ()
    if isinstance(additional_forward_args, tuple):
        return additional_forward_args
    return (additional_forward_args,)


def _model_inputs(inputs: Any, name: str = "inputs") -> tuple[torch.Tensor, ...]:
    items = tuple(inputs) if isinstance(inputs, (tuple, list)) else (inputs,)
    if not items:
        raise ValueError(f"{name} is empty; pass a tensor or a tuple of tensors.")
    for i, x in enumerate(items):
        label = f"{name}[{i}]" if len(items) > 1 else name
        if not isinstance(x, torch.Tensor):
            raise TypeError(
                f"{label} must be a torch.Tensor, got {type(x).__name__}; convert it with "
                "torch.as_tensor(...)."
            )
        if x.dim() == 0 or x.shape[0] == 0:
            raise ValueError(
                f"{label} has shape {tuple(x.shape)}; the first dimension must be a "
                "non-empty batch (use x.unsqueeze(0) for one example)."
            )
        if x.shape[0] != items[0].shape[0]:
            raise ValueError(
                f"{label} has batch size {x.shape[0]} but the first input has "
                f"{items[0].shape[0]}; every input needs the same batch size."
            )
    return tuple(x.detach() for x in items)


def _model_baselines(
    baselines: Any, xs: tuple[torch.Tensor, ...], name: str = "baselines"
) -> tuple[torch.Tensor, ...]:
    """Baselines as model inputs, each expanded to its input's full shape."""
    if baselines is None:
        items: tuple = (None,) * len(xs)
    elif isinstance(baselines, (tuple, list)):
        items = tuple(baselines)
    else:
        items = (baselines,)
    if len(items) != len(xs):
        raise ValueError(
            f"{name} has {len(items)} entries but there are {len(xs)} inputs; give one "
            "baseline (tensor or number) per input."
        )
    out = []
    for i, (x, b) in enumerate(zip(xs, items, strict=True)):
        label = f"{name}[{i}]" if len(xs) > 1 else name
        if b is None:
            out.append(torch.zeros_like(x))
        elif isinstance(b, Number) and not isinstance(b, bool):
            if not math.isfinite(float(b)):
                raise ValueError(f"{label}={b!r} is not finite; use a finite number.")
            out.append(torch.full_like(x, b))
        elif isinstance(b, torch.Tensor):
            out.append(_expand_baseline(label, x, b))
        else:
            raise TypeError(f"{label} must be None, a number or a tensor, got {type(b).__name__}.")
    return tuple(out)


def _expand_baseline(label: str, x: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    if b.is_floating_point() != x.is_floating_point():
        raise TypeError(
            f"{label} has dtype {b.dtype} but the input has {x.dtype}; baselines are model "
            "inputs of the same kind (token ids for ids). To give the layer's own baseline "
            "values (e.g. embeddings), pass layer_baselines= instead."
        )
    b = b.detach().to(dtype=x.dtype, device=x.device)
    if b.dim() == 0:
        return b.expand_as(x).clone()
    shape, want = tuple(b.shape), tuple(x.shape)
    if shape == want:
        return b
    if shape in ((1,) + want[1:], want[1:]):
        return b.reshape((1,) + want[1:]).expand_as(x).clone()
    raise ValueError(
        f"{label} has shape {shape} but the input has shape {want}; a baseline must have "
        f"the input's shape, or {(1,) + want[1:]} to share one across the batch."
    )


def _flat_layer_baselines(layer_baselines: Any, structure: list[int | None]) -> Any:
    """``layer_baselines`` as the engine's baselines for the flattened layer tensors."""
    multi = len(structure) > 1
    per_layer = layer_baselines
    if multi:
        if not isinstance(layer_baselines, (list, tuple)) or len(layer_baselines) != len(structure):
            raise ValueError(
                f"layer_baselines must be a list with one entry per layer ({len(structure)})."
            )
    else:
        per_layer = [layer_baselines]
    flat: list[Any] = []
    for i, (b, s) in enumerate(zip(per_layer, structure, strict=True)):
        n = 1 if s is None else s
        label = f"layer_baselines[{i}]" if multi else "layer_baselines"
        if isinstance(b, (tuple, list)):
            if len(b) != n:
                raise ValueError(
                    f"{label} has {len(b)} entries but the layer hands over {n} tensor(s); "
                    "give one baseline per tensor."
                )
            flat.extend(b)
        elif n == 1:
            flat.append(b)
        elif isinstance(b, torch.Tensor):
            raise ValueError(
                f"The layer hands over {n} tensors; give {label} as a tuple of {n} "
                "(tensors or numbers)."
            )
        else:  # None or a number, shared by every tensor of the layer
            flat.extend([b] * n)
    return flat[0] if len(flat) == 1 else tuple(flat)


def _all_tensors(attributions: Any) -> list[torch.Tensor]:
    if isinstance(attributions, torch.Tensor):
        return [attributions]
    if isinstance(attributions, (tuple, list)):
        return [t for a in attributions for t in _all_tensors(a)]
    raise TypeError(
        f"attributions must be a tensor or (nested) tuples/lists of tensors, got "
        f"{type(attributions).__name__}."
    )


def _per_row(out: Any, target: Any, batch: int) -> torch.Tensor:
    """The output the target selects, summed per example (captum's convention)."""
    out = output_tensor(out)
    if not isinstance(out, torch.Tensor) or out.dim() == 0 or out.shape[0] != batch:
        raise ValueError(
            f"The model must return a tensor with the batch ({batch}) first; got "
            f"{type(out).__name__}."
        )
    if target is None:
        chosen = out
    elif isinstance(target, (int, tuple)) or (
        isinstance(target, torch.Tensor) and target.numel() == 1
    ):
        index = target if isinstance(target, tuple) else (int(target),)
        chosen = out[(slice(None), *index)]
    else:
        items = target.tolist() if isinstance(target, torch.Tensor) else list(target)
        if len(items) != batch:
            raise ValueError(
                f"target has {len(items)} entries for {batch} examples; give one per example."
            )
        chosen = torch.stack(
            [out[(r, *(t if isinstance(t, tuple) else (int(t),)))] for r, t in enumerate(items)]
        )
    return chosen.reshape(batch, -1).sum(1)
