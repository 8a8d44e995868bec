"""What the engine may learn about the user's model, and the promise to leave it as it was.

The engine gets a callable: the model itself, its bound ``forward``, or a function that
closes over it (``lambda x: model(x)``, the widget's wrappers). ``find_modules`` looks
through those (bound methods, ``functools.partial``, closure cells, ``__wrapped__``) for
the ``nn.Module`` objects, so the engine can

- run the forward pass in the model's parameter dtype (inputs in another floating dtype
  are cast on the way in, with a note, instead of a raw dtype error from torch), and
- keep buffers as they were: a model in training mode updates BatchNorm running
  statistics (and ``num_batches_tracked``) on every forward pass; ``buffers_kept``
  snapshots the buffers of modules in training mode and writes the originals back when
  attribution ends, even when it fails or is cancelled.

A module the search cannot see (held in a global, or deeper than ``MAX_DEPTH``) is not
protected; the README says so.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator, Sequence
from typing import Any

import torch

#: how many wrapper levels (closure of a closure...) the search follows
MAX_DEPTH = 4


def find_modules(fn: Any) -> list[torch.nn.Module]:
    """The ``nn.Module`` objects ``fn`` is or wraps (outermost first, no duplicates)."""
    if isinstance(fn, torch.nn.Module):
        return [fn]  # the common call: the model itself
    found: list[torch.nn.Module] = []
    seen: set[int] = set()

    def visit(obj: Any, depth: int) -> None:
        if id(obj) in seen or depth > MAX_DEPTH:
            return
        seen.add(id(obj))
        if isinstance(obj, torch.nn.Module):
            found.append(obj)
            return
        if isinstance(obj, functools.partial):
            visit(obj.func, depth + 1)
            for a in (*obj.args, *obj.keywords.values()):
                visit(a, depth + 1)
            return
        owner = getattr(obj, "__self__", None)
        if owner is not None and callable(obj):
            visit(owner, depth + 1)
        wrapped = getattr(obj, "__wrapped__", None)
        if wrapped is not None:
            visit(wrapped, depth + 1)
        func = getattr(obj, "__func__", obj)
        for cell in getattr(func, "__closure__", None) or ():
            with contextlib.suppress(ValueError):  # an empty cell
                visit(cell.cell_contents, depth + 1)

    visit(fn, 0)
    if len(found) < 2:  # the common case: the model itself, nothing to deduplicate
        return found
    # a layer found beside its model (``embedding_forward`` holds both) is the model's
    inner = {id(sub) for m in found for sub in m.modules() if sub is not m}
    return [m for m in found if id(m) not in inner]


def parameter_dtype(modules: list[torch.nn.Module]) -> torch.dtype | None:
    """The dtype of the first floating-point parameter (or buffer), None if there is none."""
    for m in modules:
        # lazily, without names: the first parameter usually answers, and listing all
        # of a model's named parameters on every call is a measurable share of a small
        # call (same order as ``m.parameters()`` then ``m.buffers()``)
        subs = list(submodules(m))
        for kind in ("_parameters", "_buffers"):
            for sub in subs:
                for t in getattr(sub, kind).values():
                    if t is not None and t.is_floating_point():
                        return t.dtype
    return None


def model_facts(modules: list[torch.nn.Module]) -> tuple[torch.dtype | None, bool]:
    """``parameter_dtype(modules)`` and whether any submodule is in training mode, in
    one walk over the submodules: what every call needs to know about the model, at
    half the cost of asking apart (the walk is a visible share of a small model's call).
    Only when some submodule trains does ``in_training`` need to name the ones that
    matter (the second answer is its quick filter, not its result)."""
    dtype, training = None, False
    for m in modules:
        # as ``parameter_dtype``: a module's parameters first, then its buffers; the
        # walk is ``submodules`` written out (pre-order), as this runs on every call
        p_dtype = b_dtype = None
        stack, seen = [m], {id(m)}
        while stack:
            sub = stack.pop()
            if sub.training:
                training = True
            if p_dtype is None:
                p_dtype = _first_float(sub._parameters)
                if p_dtype is None and b_dtype is None:
                    b_dtype = _first_float(sub._buffers)
            elif training:
                break  # nothing more to learn from this module
            if sub._modules:
                children = [c for c in sub._modules.values() if c is not None and id(c) not in seen]
                seen.update(id(c) for c in children)
                stack.extend(reversed(children))
        if dtype is None:
            dtype = p_dtype if p_dtype is not None else b_dtype
        if training and dtype is not None:
            break
    return dtype, training


def _first_float(tensors: dict[str, torch.Tensor | None]) -> torch.dtype | None:
    for t in tensors.values():
        if t is not None and t.is_floating_point():
            return t.dtype
    return None


def submodules(m: torch.nn.Module) -> Iterator[torch.nn.Module]:
    """Every module under ``m`` once, pre-order, without building names (a module shared
    by two parents may come at another place than in ``m.modules()``)."""
    seen = {id(m)}
    stack = [m]
    while stack:
        sub = stack.pop()
        yield sub
        children = []
        for c in sub._modules.values():
            if c is not None and id(c) not in seen:
                seen.add(id(c))
                children.append(c)
        stack.extend(reversed(children))


#: layers whose output in training mode depends on chance or on the rest of the batch
MODE_DEPENDENT = (
    torch.nn.modules.dropout._DropoutNd,
    torch.nn.modules.batchnorm._BatchNorm,
    torch.nn.modules.instancenorm._InstanceNorm,
)


def in_training(modules: list[torch.nn.Module]) -> list[str]:
    """Names of the submodules in training mode whose output depends on it (dropout,
    batch and instance norm) or that hold buffers ("" for a model itself)."""
    # one unnamed walk first: a model in eval mode (the usual case) needs no names
    if not any(sub.training for m in modules for sub in submodules(m)):
        return []
    return [
        name
        for m in modules
        for name, sub in m.named_modules()
        if sub.training
        and (isinstance(sub, MODE_DEPENDENT) or any(True for _ in sub.buffers(recurse=False)))
    ]


#: how every training-mode note begins, so a caller that checks the mode itself (the
#: widget, on each publication) can replace the engine's note with its own
TRAIN_MODE_NOTE = "Modules in training mode"


def train_mode_note(names: list[str]) -> str:
    """The warning for a model whose ``names`` modules (from ``in_training``) train."""
    shown = ", ".join(repr(n) if n else "the model" for n in names[:3])
    more = f" and {len(names) - 3} more" if len(names) > 3 else ""
    return (
        f"{TRAIN_MODE_NOTE} ({shown}{more}): dropout and batch statistics make the "
        "attributions depend on the batch and on chance. Buffers are restored afterwards, "
        "but call model.eval() to explain the trained model."
    )


@contextlib.contextmanager
def buffers_kept(owners: Sequence[Any]) -> Iterator[None]:
    """Write back, on leaving, the buffers of every module in training mode under
    ``owners`` (modules, or callables wrapping them: see ``find_modules``). BatchNorm
    running statistics change on every training-mode forward pass; this holds whether
    the block returns, raises or is cancelled."""
    saved = []
    seen: set[int] = set()
    for owner in owners:
        roots = [owner] if isinstance(owner, torch.nn.Module) else find_modules(owner)
        for root in roots:
            for m in root.modules():
                if id(m) in seen or not m.training:
                    continue
                seen.add(id(m))
                saved.extend((b, b.detach().clone()) for b in m.buffers(recurse=False))
    try:
        yield
    finally:
        with torch.no_grad():
            for b, old in saved:
                b.copy_(old)


def sees_rows_alone(fn: Any) -> bool:
    """Whether ``fn`` computes each row of a batch on its own, so rows may be run in any
    order and grouping (per-example ``n_steps="auto"`` packs each example's rows).

    True for an ``nn.Module`` (a model sees its batch row by row) and for any callable
    that says so with ``fn.row_wise = True``; False for a callable marked
    ``step_major`` and for any other callable, which may pair row r with example
    r mod batch (a closure over per-example data), as the engine's layout promises."""
    if getattr(fn, "step_major", False):
        return False
    return isinstance(fn, torch.nn.Module) or getattr(fn, "row_wise", False) is True
