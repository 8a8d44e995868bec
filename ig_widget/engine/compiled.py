"""An opt-in ``torch.compile`` of the model's forward pass, reused across calls.

``IntegratedGradients(model, compile=True)`` (or ``compiled_forward(model)``) runs the
path rows through a compiled copy of the forward pass. Compilation happens on the
first call with a given input shape and takes tens of seconds on a CPU; later calls
with the same shapes reuse the compiled code (dynamo's guards check the shapes, dtypes
and the model's mode on every call). It pays only when the same model is attributed
many times, e.g. the widget recomputing after each slider change; it is off by default.

What is compiled is a function of (parameters, inputs): ``torch.func.functional_call``
with the model's parameters and buffers passed in *detached*. The compiled backward
then differentiates with respect to the path rows only (the eager engine does the same
through ``torch.autograd.grad``); a compiled module whose parameters require grad
would also compute every weight gradient in its fused backward, and throw them away.
The user's model is not changed: no hook, no attribute, no ``requires_grad`` flag.

One compiled function is kept per model (weakly: it goes when the model goes).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

import torch

#: model -> its compiled forward (weak keys: the cache never keeps a model alive)
_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


class CompileUnavailable(RuntimeError):
    """``torch.compile`` cannot run here (unsupported Python, no C++ compiler...)."""


class CompiledForward:
    """Calls ``model`` through one compiled function of (parameters and buffers, *args).

    ``compiles`` counts the calls that (re)compiled, from dynamo's frame counter; a
    second call with the same shapes should leave it unchanged.
    """

    def __init__(self, model: torch.nn.Module, backend: str = "inductor") -> None:
        if not isinstance(model, torch.nn.Module):
            raise TypeError(
                f"compile=True needs an nn.Module as the forward function, got "
                f"{type(model).__name__}; pass the model itself (or compile=False)."
            )
        check_available()
        self.backend = backend
        self._model_ref = weakref.ref(model)

        def forward(state: dict[str, torch.Tensor], *args: Any) -> Any:
            return torch.func.functional_call(self._model_ref(), state, args)

        self._compiled = torch.compile(forward, backend=backend)

    @property
    def model(self) -> torch.nn.Module:
        model = self._model_ref()
        if model is None:  # pragma: no cover - the engine holds the model while it runs
            raise RuntimeError("the compiled model no longer exists")
        return model

    def __call__(self, *args: Any) -> Any:
        model = self.model
        state = {name: p.detach() for name, p in model.named_parameters()}
        state.update((name, b) for name, b in model.named_buffers())
        try:
            return self._compiled(state, *args)
        except torch._dynamo.exc.BackendCompilerFailed as err:
            raise CompileUnavailable(
                f"torch.compile (backend {self.backend!r}) failed to compile the model's "
                f"forward pass: {str(err).strip().splitlines()[0]}. Use compile=False "
                "(the eager engine gives the same result)."
            ) from err


def check_available() -> None:
    """Raise ``CompileUnavailable`` naming the reason when torch.compile cannot run."""
    try:
        supported = torch._dynamo.is_dynamo_supported()
    except Exception:  # noqa: BLE001 - any failure means "not supported"
        supported = False
    if not supported:
        raise CompileUnavailable(
            "torch.compile is not supported by this Python/torch build "
            "(torch._dynamo.is_dynamo_supported() is False); use compile=False."
        )


def compiled_forward(model: torch.nn.Module, backend: str = "inductor") -> CompiledForward:
    """The compiled forward of ``model``, created on first use and then reused."""
    found = _CACHE.get(model)
    if found is None or found.backend != backend:
        found = CompiledForward(model, backend)
        _CACHE[model] = found
    return found


def compile_count() -> int:
    """Frames dynamo has compiled in this process (a recompilation adds one)."""
    from torch._dynamo.utils import counters

    return int(counters["stats"]["unique_graphs"])


def as_forward(forward_func: Callable, compile: bool | str) -> Callable:
    """The callable the engine runs: ``forward_func`` itself, or its compiled forward."""
    if compile is False:
        return forward_func
    backend = "inductor" if compile is True else compile
    return compiled_forward(forward_func, backend)  # type: ignore[arg-type]
