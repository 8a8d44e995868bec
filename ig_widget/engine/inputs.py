"""Validate and normalise the user's arguments before any model call.

Everything a user can get wrong is checked here with a ``TypeError``/``ValueError`` that
names the argument and the fix (never ``assert``: those vanish under ``python -O``).
The normalised forms keep the integration core free of special cases:
inputs and baselines become tuples of same-shape tensors, targets become a ``Target``
that knows how to pick one scalar per row of a step-major batch.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from numbers import Number
from typing import Any

import numpy as np
import torch

#: floating dtypes that need no further check in ``format_inputs``
_REAL = (torch.float32, torch.float64, torch.float16, torch.bfloat16)


def format_inputs(inputs: Any) -> tuple[tuple[torch.Tensor, ...], bool]:
    """Return (tuple of tensors, whether the user passed a tuple)."""
    if type(inputs) is torch.Tensor and inputs.dtype in _REAL and inputs.dim() and inputs.numel():
        # the common call, in a few attribute reads (a tensor without grad needs no detach)
        return (inputs.detach() if inputs.requires_grad else inputs,), False
    is_tuple = isinstance(inputs, (tuple, list))
    items = tuple(inputs) if is_tuple else (inputs,)
    if not items:
        raise ValueError("inputs is empty; pass a tensor or a tuple of tensors.")
    for i, x in enumerate(items):
        name = f"inputs[{i}]" if is_tuple else "inputs"
        if not isinstance(x, torch.Tensor):
            raise TypeError(
                f"{name} must be a torch.Tensor, got {type(x).__name__}; "
                "convert it with torch.as_tensor(...)."
            )
        if not (x.is_floating_point() or x.is_complex()):
            raise TypeError(
                f"{name} has dtype {x.dtype}, but gradients need floating-point inputs. "
                "Integer inputs such as token ids have no gradient: attribute the "
                "embedding layer's output instead (ig_widget.engine.layer.embedding_forward, "
                "or IGWidget(..., layer=model.embedding)), or cast real-valued features "
                "with .float()."
            )
        if x.is_complex():
            raise TypeError(f"{name} is complex; Integrated Gradients needs real inputs.")
        if x.dim() == 0:
            raise ValueError(
                f"{name} is a 0-d tensor; the first dimension must be the batch: "
                "use x.reshape(1, -1) for a single example."
            )
        if x.shape[0] == 0:
            raise ValueError(
                f"{name} has an empty batch (shape {tuple(x.shape)}); pass at least one example."
            )
        if x.numel() == 0:
            raise ValueError(
                f"{name} has no features (shape {tuple(x.shape)}); there is nothing "
                "to attribute: pass inputs with at least one feature."
            )
    batch = items[0].shape[0]
    for i, x in enumerate(items[1:], start=1):
        if x.shape[0] != batch:
            raise ValueError(
                f"inputs[{i}] has batch size {x.shape[0]} but inputs[0] has {batch}; "
                "every input tensor needs the same first (batch) dimension."
            )
        if x.device != items[0].device:
            raise ValueError(
                f"inputs[{i}] is on {x.device} but inputs[0] is on {items[0].device}; "
                "move them to one device."
            )
    return tuple(x.detach() for x in items), is_tuple


def format_baselines(
    baselines: Any, inputs: tuple[torch.Tensor, ...], input_is_tuple: bool
) -> tuple[torch.Tensor, ...]:
    """Broadcast None / scalars / tensors (or a tuple mixing them) to the inputs' shapes."""
    if len(inputs) == 1 and type(baselines) is torch.Tensor:
        x = inputs[0]
        if (
            baselines.shape == x.shape
            and baselines.dtype == x.dtype
            and baselines.device == x.device
        ):
            # the common call: one baseline shaped like the input
            return (baselines.detach() if baselines.requires_grad else baselines,)
    if baselines is None:
        items: tuple = (None,) * len(inputs)
    elif isinstance(baselines, (tuple, list)):
        items = tuple(baselines)
        if len(items) != len(inputs):
            raise ValueError(
                f"baselines has {len(items)} entries but inputs has {len(inputs)}; "
                "give one baseline (tensor or number) per input tensor."
            )
    else:
        if input_is_tuple and len(inputs) > 1 and isinstance(baselines, torch.Tensor):
            raise ValueError(
                f"inputs is a tuple of {len(inputs)} tensors, so baselines must be a "
                "tuple too (one tensor or number per input)."
            )
        items = (
            (baselines,) * len(inputs) if not isinstance(baselines, torch.Tensor) else (baselines,)
        )
    out = []
    for i, (x, b) in enumerate(zip(inputs, items, strict=True)):
        name = f"baselines[{i}]" if input_is_tuple else "baselines"
        out.append(_one_baseline(name, x, b))
    return tuple(out)


def _one_baseline(name: str, x: torch.Tensor, b: Any) -> torch.Tensor:
    if b is None:
        return torch.zeros_like(x)
    if isinstance(b, bool) or (not isinstance(b, (Number, torch.Tensor))):
        raise TypeError(f"{name} must be None, a number or a tensor, got {type(b).__name__}.")
    if isinstance(b, Number):
        if not math.isfinite(float(b)):
            raise ValueError(f"{name}={b!r} is not finite; use a finite number.")
        return torch.full_like(x, float(b))
    if b.dim() == 0:
        return b.detach().to(dtype=x.dtype, device=x.device).expand_as(x)
    if b.device != x.device:
        raise ValueError(
            f"{name} is on {b.device} but the input is on {x.device}; "
            f"move it with {name.split('[')[0]}.to(inputs.device)."
        )
    if b.dtype != x.dtype:
        raise TypeError(
            f"{name} has dtype {b.dtype} but the input has {x.dtype}; cast it with .to({x.dtype})."
        )
    shape, want = tuple(b.shape), tuple(x.shape)
    if shape == want:
        return b.detach()
    if _broadcasts(shape, want):  # (1, C, H, W), (C, H, W), (1, C, 1, 1), (C, 1, 1) ...
        return b.detach().expand_as(x)
    if len(shape) == len(want) and shape[1:] == want[1:]:
        raise ValueError(
            f"{name} has batch size {shape[0]} but the input has {want[0]}; give one "
            "baseline per example or a single one with batch size 1 to share."
        )
    raise ValueError(
        f"{name} has shape {shape} but the input has shape {want}; a baseline must have "
        f"the input's shape or broadcast to it, e.g. {(1,) + want[1:]} to share one "
        "across the batch."
    )


def _broadcasts(shape: tuple[int, ...], want: tuple[int, ...]) -> bool:
    """True when a tensor of ``shape`` broadcasts to ``want`` without growing it."""
    if len(shape) > len(want):
        return False
    return all(s in (1, w) for s, w in zip(reversed(shape), reversed(want), strict=False))


def format_additional_args(args: Any) -> tuple:
    if args is None:
        return ()
    return tuple(args) if isinstance(args, tuple) else (args,)


def expand_additional_args(args: tuple, reps: int) -> tuple:
    """Repeat batched tensors ``reps`` times along dim 0 (step-major), like the inputs."""
    if reps == 1 or not args:
        return args
    return tuple(
        torch.cat([a] * reps, dim=0) if isinstance(a, torch.Tensor) and a.dim() > 0 else a
        for a in args
    )


def check_additional_args(args: tuple, batch: int) -> None:
    for i, a in enumerate(args):
        if isinstance(a, torch.Tensor) and a.dim() > 0 and a.shape[0] != batch:
            raise ValueError(
                f"additional_forward_args[{i}] has first dimension {a.shape[0]} but the "
                f"inputs have batch size {batch}; tensors passed there are repeated with "
                "the steps and must have the batch as first dimension (pass a 0-d tensor "
                "or a non-tensor to share a value)."
            )


@dataclass(frozen=True)
class Target:
    """Picks one scalar per row from a step-major batch of model outputs.

    ``shared``: an index tuple applied to every row (``target=3`` -> ``(3,)``).
    ``per_example``: index tensors of length ``batch``, tiled over the steps.
    Both None: the model must already return one value per row.
    """

    shared: tuple[int, ...] | None = None
    per_example: tuple[torch.Tensor, ...] | None = None
    batch: int = 1
    #: per index position, the smallest and largest index asked for (host ints, so the
    #: range check costs no device synchronisation)
    bounds: tuple[tuple[int, int], ...] = ()
    #: ``per_example`` as host ints (a cache key that needs no device synchronisation)
    indices: tuple[tuple[int, ...], ...] | None = None

    def check_range(self, out: torch.Tensor) -> None:
        """Refuse indices outside the output; call once, on the first output seen."""
        if self.bounds:
            _check_index_range(out, [lo for lo, _ in self.bounds], [hi for _, hi in self.bounds])

    def select(self, out: Any, reps: int) -> torch.Tensor:
        rows = reps * self.batch
        out = check_output(out, rows)
        if self.per_example is not None:
            tiled = tuple(i.repeat(reps) for i in self.per_example)
            if len(tiled) == 1 and out.dim() == 2:
                return out.gather(1, tiled[0].unsqueeze(1)).squeeze(1)
            chosen = out[(torch.arange(rows, device=out.device),) + tiled]
        elif self.shared is not None:
            chosen = out[(slice(None),) + self.shared]
        else:
            chosen = out
        if chosen.dim() > 1 and chosen[0].numel() == 1:  # trailing singleton dims
            chosen = chosen.reshape(rows)
        if chosen.dim() != 1:
            per_row = tuple(chosen.shape[1:])
            if self.shared is None and self.per_example is None:
                count = per_row[0] if len(per_row) == 1 else "x".join(map(str, per_row))
                raise ValueError(
                    f"The model returns {count} outputs per example, so a target is "
                    "needed: pass target=<class index> (an int, or one per example)."
                )
            raise ValueError(
                f"target selects {per_row} values per example, but attribution needs one; "
                "give a full index into the output, e.g. target=(i, j)."
            )
        return chosen


def check_output(out: Any, rows: int) -> torch.Tensor:
    if isinstance(out, torch.Tensor):
        if out.dim() == 0 or out.shape[0] != rows:
            raise ValueError(
                f"The model returned shape {tuple(out.shape)} for a batch of {rows} rows; "
                "it must return one result per row, with the batch as first dimension "
                "(do not reduce over the batch)."
            )
        if not out.is_floating_point():
            raise TypeError(
                f"The model returned dtype {out.dtype}; attribution needs a floating-point "
                "output (return logits or probabilities, not argmax indices)."
            )
        return out
    if out is None:
        raise TypeError(
            "The model's forward returned None; it must return a tensor of outputs "
            "(did forward() forget a return statement?)."
        )
    kind = type(out).__name__
    hint = " Return a tensor of outputs with the batch as first dimension."
    if isinstance(out, (tuple, list)):
        hint = " Wrap it so it returns the logits: lambda *a: model(*a)[0]."
    elif isinstance(out, dict) or hasattr(out, "keys"):
        key = _first_tensor_key(out)
        hint = (
            f" Wrap it so it returns the output to explain: lambda *a: model(*a)[{key!r}] "
            "(outputs with a 'logits' entry or attribute are used without a wrapper)."
        )
    raise TypeError(f"The model's forward returned a {kind}, not a tensor.{hint}")


def _first_tensor_key(out: Any) -> str:
    """The first key of a dict-like output that holds a tensor ('logits' when none)."""
    try:
        for k in out.keys():
            if isinstance(out[k], torch.Tensor):
                return str(k)
    except Exception:  # noqa: BLE001 - only a hint: any odd mapping falls back
        pass
    return "logits"


def _check_index_range(out: torch.Tensor, lows: Sequence[int], highs: Sequence[int]) -> None:
    dims = tuple(out.shape[1:])
    if len(lows) > len(dims):
        raise ValueError(
            f"target has {len(lows)} index(es) but the model output has only "
            f"{len(dims)} dimension(s) per example (shape {dims}); pass one index per output "
            f"dimension (at most {len(dims)})."
        )
    for d, (lo, hi) in enumerate(zip(lows, highs, strict=True)):
        if lo < 0 or hi >= dims[d]:
            bad = lo if lo < 0 else hi
            raise ValueError(
                f"target {bad} is out of range: the model has {dims[d]} outputs "
                f"{'per example' if d == 0 else f'along output dim {d + 1}'}; use an index "
                f"in 0..{dims[d] - 1}."
            )


def format_target(target: Any, batch: int, device: torch.device) -> Target:
    if target is None:
        return Target(batch=batch)
    if isinstance(target, bool):
        raise TypeError("target must be an int class index, not a bool.")
    if isinstance(target, int) or (
        isinstance(target, torch.Tensor) and target.numel() == 1 and not target.is_floating_point()
    ):
        return _shared((_index("target", target),), batch)
    if isinstance(target, tuple):
        return _shared(tuple(_index(f"target[{i}]", t) for i, t in enumerate(target)), batch)
    if isinstance(target, torch.Tensor):
        if target.is_floating_point():
            raise TypeError(
                f"target has dtype {target.dtype}; class indices must be integers "
                "(use target.long())."
            )
        if target.dim() != 1 or target.shape[0] != batch:
            raise ValueError(
                f"target has shape {tuple(target.shape)}; give one class index per example "
                f"(shape ({batch},)) or a single int."
            )
        idx = [_index("target", int(v)) for v in target.tolist()]
        return _per_example([idx], batch, device)
    if isinstance(target, list):
        if len(target) != batch:
            raise ValueError(
                f"target is a list of {len(target)} but the batch has {batch} examples; "
                "give one target per example or a single int."
            )
        if all(isinstance(t, tuple) for t in target):
            width = {len(t) for t in target}
            if len(width) != 1:
                raise ValueError("target tuples must all have the same length.")
            cols = [[_index("target", v) for v in col] for col in zip(*target, strict=True)]
            return _per_example(cols, batch, device)
        return _per_example(
            [[_index(f"target[{i}]", t) for i, t in enumerate(target)]], batch, device
        )
    raise TypeError(
        f"target must be an int class index (or None, a tuple of ints, a list or a 1-d "
        f"integer tensor), got {type(target).__name__} {target!r}."
    )


@functools.lru_cache(maxsize=256)
def _shared(index: tuple[int, ...], batch: int) -> Target:
    """One shared index for every row; cached (a frozen record of ints: safe to share)."""
    return Target(shared=index, batch=batch, bounds=tuple((i, i) for i in index))


def _per_example(cols: list[list[int]], batch: int, device: torch.device) -> Target:
    return Target(
        per_example=tuple(torch.tensor(c, device=device, dtype=torch.long) for c in cols),
        batch=batch,
        bounds=tuple((min(c), max(c)) for c in cols),
        indices=tuple(tuple(c) for c in cols),
    )


def _index(name: str, value: Any) -> int:
    if isinstance(value, torch.Tensor):
        if value.numel() != 1 or value.is_floating_point():
            raise TypeError(f"{name} must be an integer index, got tensor {value!r}.")
        value = int(value.item())
    if isinstance(value, np.integer):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int class index, got {type(value).__name__} {value!r}.")
    if value < 0:
        raise ValueError(
            f"{name}={value} is negative; class indices count from 0 (negative indices "
            "are refused to avoid picking the wrong class silently)."
        )
    return value


def check_forward(forward_func: Any) -> Callable:
    if not callable(forward_func):
        raise TypeError(
            f"forward_func must be callable (a model or a function), got "
            f"{type(forward_func).__name__}."
        )
    return forward_func
