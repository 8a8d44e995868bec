"""``IntegratedGradients``: a drop-in for ``captum.attr.IntegratedGradients``.

The public ``attribute`` validates everything (see ``inputs.py``), then hands the work
to the path (``paths.py``), which integrates with the shared core (``core.py``). The
common call (one input, the straight line, a fixed rule, points that fit in one pass)
takes ``lean.py`` instead: the same arithmetic, bit for bit, in fewer tensor operations. Every
public member of captum's class (and of its ``GradientAttribution`` base) is here with
the same behaviour, so captum's ``NoiseTunnel`` wraps this class as it wraps its own:
``attribute.__wrapped__`` is the undecorated method, as captum's logging decorator
leaves it.

The user's model is never changed: gradients are taken with ``torch.autograd.grad``
with respect to the path points only, so no ``.grad`` lands on parameters, no hook is
registered, train/eval mode and ``requires_grad`` flags are left alone, and buffers of
modules in training mode (BatchNorm statistics) are restored (``model_state.py``).
"""

from __future__ import annotations

import contextlib
import functools
import math
import warnings
from collections.abc import Callable, Sequence
from typing import Any, Literal, TypeVar, overload

import torch

from . import lean, quadrature
from .core import Attribution, Cancelled, Core, NodePlan, Options, PathTrace
from .inputs import (
    check_additional_args,
    check_forward,
    format_additional_args,
    format_baselines,
    format_inputs,
    format_target,
)
from .model_state import (
    buffers_kept,
    find_modules,
    in_training,
    model_facts,
    parameter_dtype,
    train_mode_note,
)
from .paths import Path, StraightLine, check_path

__all__ = ["Attribution", "Cancelled", "IntegratedGradients", "PathTrace", "compute_gradients"]

#: refuse work beyond this many model rows (path points times examples) per call
MAX_ROWS = 1_000_000

TensorOrTuple = torch.Tensor | tuple[torch.Tensor, ...]
F = TypeVar("F", bound=Callable[..., Any])

HALF = (torch.float16, torch.bfloat16)
#: dtypes the path points are built in
_FULL = (torch.float32, torch.float64)
#: order of the floating dtypes by precision (the result takes the more precise one)
_PRECISION = {torch.float16: 1, torch.bfloat16: 1, torch.float32: 2, torch.float64: 3}


def _unwrappable(fn: F) -> F:
    """Give ``fn`` a ``__wrapped__`` like captum's ``log_usage`` decorator does:
    captum's ``NoiseTunnel`` calls ``attribute.__wrapped__(self, ...)``."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return fn(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


class IntegratedGradients:
    """Integrated Gradients with captum's interface, exact quadrature and other paths.

    Args:
        forward_func: the model, or any function of the inputs (followed by
            ``additional_forward_args``) returning one row of outputs per example
            (a tensor, or a Hugging Face ``ModelOutput`` / dict with ``logits``).
        multiply_by_inputs: as in captum: True gives (x - x') times the path-averaged
            gradient (the attributions); False gives the averaged gradient alone
            (straight-line path only).
        compile: True runs the path rows through ``torch.compile`` of the model
            (an ``nn.Module``), compiled on the first call per input shape and reused
            afterwards (``ig_widget.engine.compiled``); a string names the backend.
            Off by default: compiling takes tens of seconds on a CPU.
    """

    def __init__(
        self, forward_func: Callable, multiply_by_inputs: bool = True, compile: bool | str = False
    ) -> None:
        self.forward_func = check_forward(forward_func)
        self._multiply_by_inputs = bool(multiply_by_inputs)
        if not isinstance(compile, (bool, str)):
            raise TypeError(
                f"compile={compile!r} must be True, False or a torch.compile backend name "
                "such as 'inductor'."
            )
        #: what the core calls: the forward function itself, or its compiled forward
        self._forward = self.forward_func
        if compile is not False:
            from .compiled import as_forward

            self._forward = as_forward(self.forward_func, compile)
        #: captum's ``GradientAttribution.gradient_func``: gradients of the selected
        #: output with respect to the inputs at one point
        self.gradient_func = compute_gradients

    @property
    def multiplies_by_inputs(self) -> bool:
        """Whether attributions are multiplied by (inputs - baselines) (captum's name)."""
        return self._multiply_by_inputs

    @property
    def multiply_by_inputs(self) -> bool:
        return self._multiply_by_inputs

    def has_convergence_delta(self) -> bool:
        """True: ``attribute`` can return the completeness delta."""
        return True

    @classmethod
    def get_name(cls) -> str:
        """'Integrated Gradients' (captum's readable class name)."""
        return "".join(c if c.islower() or i == 0 else " " + c for i, c in enumerate(cls.__name__))

    def attribute_future(self) -> None:
        """Not implemented, as in captum."""
        raise NotImplementedError("attribute_future is not implemented for IntegratedGradients")

    @overload
    def attribute(
        self,
        inputs: TensorOrTuple | Sequence[torch.Tensor],
        baselines: Any = None,
        target: Any = None,
        additional_forward_args: Any = None,
        n_steps: int | str = 50,
        method: str = "gausslegendre",
        internal_batch_size: int | None = None,
        *,
        return_convergence_delta: Literal[True],
        path: Path | str | None = None,
        tol: float = 0.01,
        max_steps: int = 1024,
    ) -> tuple[TensorOrTuple, torch.Tensor]: ...

    @overload
    def attribute(
        self,
        inputs: TensorOrTuple | Sequence[torch.Tensor],
        baselines: Any = None,
        target: Any = None,
        additional_forward_args: Any = None,
        n_steps: int | str = 50,
        method: str = "gausslegendre",
        internal_batch_size: int | None = None,
        return_convergence_delta: Literal[False] = False,
        path: Path | str | None = None,
        tol: float = 0.01,
        max_steps: int = 1024,
    ) -> TensorOrTuple: ...

    @_unwrappable
    def attribute(
        self,
        inputs: TensorOrTuple | Sequence[torch.Tensor],
        baselines: Any = None,
        target: Any = None,
        additional_forward_args: Any = None,
        n_steps: int | str = 50,
        method: str = "gausslegendre",
        internal_batch_size: int | None = None,
        return_convergence_delta: bool = False,
        path: Path | str | None = None,
        tol: float = 0.01,
        max_steps: int = 1024,
    ) -> TensorOrTuple | tuple[TensorOrTuple, torch.Tensor]:
        """Attribute ``F(inputs)[target]`` to the input features.

        Args:
            inputs: a tensor (batch first) or a tuple of tensors with one batch size.
            baselines: None (zeros), a number, a tensor that broadcasts to the input
                (its shape, batch size 1, or per-channel like (1, 3, 1, 1) or (3, 1, 1)),
                or a tuple mixing those, one per input.
            target: which output to explain: None (the model returns one value per
                example), an int, a tuple indexing a multi-dimensional output, or one
                per example (list or 1-d tensor).
            additional_forward_args: passed after the inputs; tensors with a batch
                dimension are repeated with the steps, everything else passed as is.
            n_steps: quadrature nodes (gradient evaluations per example), or "auto":
                Gauss-Legendre panels bisected where the completeness error is, until
                it is below ``tol`` (see ``ig_widget.engine.adaptive``).
            method: ``riemann_left``, ``riemann_right``, ``riemann_middle``,
                ``riemann_trapezoid`` or ``gausslegendre``.
            internal_batch_size: rows per forward pass; None lets the engine choose
                from the memory available. It never changes the result.
            return_convergence_delta: also return sum(attributions) - (F(x) - F(x')).
            path: ``StraightLine()`` (default), ``Extremal(order)``,
                ``AllOrderings(samples)`` or ``Custom(g)`` from ``ig_widget.paths``.
            tol: with ``n_steps="auto"``, the allowed error as a fraction of
                |F(x) - F(x')|.
            max_steps: with ``n_steps="auto"``, the most gradient evaluations to spend.

        Returns:
            Attributions shaped like ``inputs`` (a tuple when ``inputs`` was a tuple),
            and with ``return_convergence_delta`` the delta per example (batch,).
        """
        res = self.attribute_detailed(
            inputs,
            baselines,
            target,
            additional_forward_args,
            n_steps,
            method,
            internal_batch_size,
            path=path,
            tol=tol,
            max_steps=max_steps,
        )
        for message in res.warnings:  # attribute_detailed returns them; here they must show
            warnings.warn(message, UserWarning, stacklevel=2)
        attrs = res.attributions if isinstance(inputs, (tuple, list)) else res.attributions[0]
        return (attrs, res.delta) if return_convergence_delta else attrs

    def attribute_detailed(
        self,
        inputs: TensorOrTuple | Sequence[torch.Tensor],
        baselines: Any = None,
        target: Any = None,
        additional_forward_args: Any = None,
        n_steps: int | str = 50,
        method: str = "gausslegendre",
        internal_batch_size: int | None = None,
        path: Path | str | None = None,
        trace: bool = False,
        progress: Callable[[float], None] | None = None,
        tol: float = 0.01,
        max_steps: int = 1024,
        _nodes: NodePlan | None = None,
    ) -> Attribution:
        """Like ``attribute``, returning an ``Attribution`` with outputs and diagnostics.

        ``trace=True`` records F and each feature's contribution at every node
        (``Attribution.trace``). ``progress(fraction)`` is called after each chunk; it
        may raise ``Cancelled`` to stop the computation there. ``_nodes`` is internal
        (the widget's preview pass and the full pass that reuses its nodes; see
        ``core.NodePlan``); it applies to fixed rules of gradient paths only.
        """
        if torch.is_inference_mode_enabled():
            raise RuntimeError(
                "Integrated Gradients needs gradients, which torch.inference_mode() "
                "disables; call attribute() outside that block."
            )
        xs, is_tuple = format_inputs(inputs)
        bs = format_baselines(baselines, xs, is_tuple)
        batch, device = xs[0].shape[0], xs[0].device
        path_obj = check_path(path)
        method = quadrature.check_method(method)
        auto = isinstance(n_steps, str) and n_steps == "auto"
        if auto:
            _check_auto(tol, max_steps, path_obj)
            _check_cost(max_steps, batch)
        elif path_obj.uses_gradients:
            n_steps = quadrature.check_n_steps(n_steps, method)
            _check_cost(n_steps, batch)
        if internal_batch_size is not None and (
            isinstance(internal_batch_size, bool)
            or not isinstance(internal_batch_size, int)
            or internal_batch_size < 1
        ):
            raise ValueError(
                f"internal_batch_size={internal_batch_size!r} must be a positive int "
                "(rows per forward pass) or None to let the engine choose."
            )
        if not self._multiply_by_inputs and not path_obj.plain_gradients:
            raise ValueError(
                "multiply_by_inputs=False is defined for the straight-line path only; "
                "use multiply_by_inputs=True with other paths."
            )
        tgt = format_target(target, batch, device)
        args = format_additional_args(additional_forward_args)
        check_additional_args(args, batch)
        modules = find_modules(self.forward_func)
        notes: list[str] = []
        model_dtype, any_training = model_facts(modules)  # one walk for both
        xs, bs, forward_dtypes, result_dtypes = _precision(xs, bs, model_dtype, notes)
        training = in_training(modules) if any_training else []
        if training:
            notes.append(train_mode_note(training))
        core = Core(self._forward, tgt, args, batch, internal_batch_size, progress, forward_dtypes)
        core.nodes = _nodes
        # the common call (one input, straight line, fixed rule, nothing to trace)
        # takes the lean path when its points fit in one chunk: same result, fewer ops
        take_lean = lean.applies(
            xs,
            forward_dtypes,
            straight=type(path_obj) is StraightLine,
            fixed_rule=not auto,
            plain=not trace and _nodes is None and not training,
        )
        # modules in training mode with buffers are exactly the ones ``in_training``
        # lists: with none, there is nothing to save and restore
        kept = buffers_kept(modules) if training else contextlib.nullcontext()
        try:
            with kept:
                res = None
                if take_lean:
                    weights, alphas = quadrature.rule_tensors(
                        method, int(n_steps), device, xs[0].dtype
                    )
                    res = lean.attribute(
                        core, xs[0], bs[0], weights, alphas, self._multiply_by_inputs
                    )
                if res is None:
                    options = Options(
                        method=method,
                        n_steps="auto" if auto else n_steps,
                        tol=tol,
                        max_steps=max_steps,
                        multiply_by_inputs=self._multiply_by_inputs,
                        trace=trace,
                    )
                    res = path_obj.attribute(core, xs, bs, options)
        except RuntimeError as err:
            _explain_device_mismatch(self.forward_func, device, err)
            raise
        if any(a.dtype != d for a, d in zip(res.attributions, result_dtypes, strict=True)):
            res.attributions = tuple(
                a if a.dtype == d else a.to(d)
                for a, d in zip(res.attributions, result_dtypes, strict=True)
            )
        res.warnings = notes + res.warnings
        _check_finite(res)
        return res

    def compute_convergence_delta(
        self,
        attributions: TensorOrTuple,
        start_point: Any,
        end_point: TensorOrTuple,
        target: Any = None,
        additional_forward_args: Any = None,
    ) -> torch.Tensor:
        """sum(attributions) - (F(end_point) - F(start_point)) per example, as captum.

        ``start_point`` takes everything ``baselines`` takes (None, numbers, tensors that
        broadcast, tuples of those); ``end_point`` and ``attributions`` are shaped like
        the inputs.
        """
        ends, is_tuple = format_inputs(end_point)
        starts = format_baselines(start_point, ends, is_tuple)
        attrs = attributions if isinstance(attributions, (tuple, list)) else (attributions,)
        if len(attrs) != len(ends) or not all(isinstance(a, torch.Tensor) for a in attrs):
            raise ValueError(
                f"attributions must be {len(ends)} tensor(s), one per end_point tensor, got "
                f"{len(attrs)} item(s)."
            )
        batch = ends[0].shape[0]
        for i, a in enumerate(attrs):
            if a.dim() == 0 or a.shape[0] != batch:
                raise ValueError(
                    f"attributions[{i}] has shape {tuple(a.shape)}; its first dimension must "
                    f"be the batch size of end_point ({batch})."
                )
        tgt = format_target(target, batch, ends[0].device)
        args = format_additional_args(additional_forward_args)
        check_additional_args(args, batch)
        modules = find_modules(self.forward_func)
        ends, starts, forward_dtypes, _ = _precision(ends, starts, parameter_dtype(modules), [])
        core = Core(self.forward_func, tgt, args, batch, None, None, forward_dtypes)
        with buffers_kept(modules), torch.no_grad():
            end_out = core.outputs(list(ends), 1)
            start_out = core.outputs(list(starts), 1)
        out_dtype = end_out.dtype
        total = sum(a.detach().reshape(batch, -1).to(out_dtype).sum(1) for a in attrs)
        return total - (end_out - start_out)


def compute_gradients(
    forward_fn: Callable,
    inputs: TensorOrTuple,
    target_ind: Any = None,
    additional_forward_args: Any = None,
) -> tuple[torch.Tensor, ...]:
    """Gradients of the selected output with respect to ``inputs`` (captum's
    ``compute_gradients``): one per input tensor, shaped like it."""
    xs, _ = format_inputs(inputs)
    batch = xs[0].shape[0]
    tgt = format_target(target_ind, batch, xs[0].device)
    args = format_additional_args(additional_forward_args)
    check_additional_args(args, batch)
    rows = [x.detach().requires_grad_() for x in xs]
    core = Core(forward_fn, tgt, args, batch, None, None)
    with torch.enable_grad():
        sel = core.outputs(rows, 1)
        grads = torch.autograd.grad(sel.sum(), rows, allow_unused=True)
    return tuple(torch.zeros_like(r) if g is None else g for g, r in zip(grads, rows, strict=True))


def _precision(
    xs: tuple[torch.Tensor, ...],
    bs: tuple[torch.Tensor, ...],
    model_dtype: torch.dtype | None,
    notes: list[str],
) -> tuple[tuple, tuple, tuple[torch.dtype, ...], tuple[torch.dtype, ...]]:
    """Choose, per input, the dtype of the path points, of the forward pass and of the
    result, and cast the inputs and baselines to the first.

    The forward pass runs in the model's parameter dtype (the input's when the model
    cannot be seen: ``model_dtype`` None). The result is in the more precise of the
    input's and the model's dtype. Path points are never built in half precision:
    float32 at least.
    """
    if len(xs) == 1:
        dtype = xs[0].dtype
        if dtype in _FULL and (model_dtype is None or model_dtype == dtype):
            return xs, bs, (dtype,), (dtype,)  # the common call: nothing to cast or say
    forward, result, new_xs, new_bs = [], [], [], []
    for i, (x, b) in enumerate(zip(xs, bs, strict=True)):
        fwd = model_dtype if model_dtype is not None else x.dtype
        if fwd != x.dtype:
            name = f"inputs[{i}]" if len(xs) > 1 else "inputs"
            notes.append(
                f"{name} are {_dtype_name(x.dtype)} but the model's parameters are "
                f"{_dtype_name(fwd)}: the path points are cast to {_dtype_name(fwd)} as they "
                f"enter the model (cast them yourself, x.to({fwd}), to silence this note)."
            )
        res = fwd if _PRECISION.get(fwd, 0) > _PRECISION.get(x.dtype, 0) else x.dtype
        path = res if res not in HALF else torch.float32
        forward.append(fwd)
        result.append(res)
        new_xs.append(x if x.dtype == path else x.to(path))
        new_bs.append(b if b.dtype == path else b.to(path))
    return tuple(new_xs), tuple(new_bs), tuple(forward), tuple(result)


def _dtype_name(dtype: torch.dtype) -> str:
    return str(dtype).replace("torch.", "")


def _explain_device_mismatch(forward_func: Callable, device: torch.device, err: Exception) -> None:
    """Turn torch's device error into one that names the fix (checked only on failure,
    so the common path pays nothing)."""
    if isinstance(forward_func, torch.nn.Module):
        p = next(forward_func.parameters(), None)
        if p is not None and p.device != device:
            raise ValueError(
                f"The model's parameters are on {p.device} but the inputs are on {device}; "
                f"move the inputs with x.to('{p.device}') (the engine runs where the model is)."
            ) from err


def _check_auto(tol: Any, max_steps: Any, path: Path) -> None:
    if isinstance(tol, bool) or not isinstance(tol, (int, float)) or not 0 < tol < 1:
        raise ValueError(
            f"tol={tol!r} must be a number between 0 and 1: the allowed error as a "
            "fraction of |F(x) - F(baseline)| (0.01 is 1%)."
        )
    if isinstance(max_steps, bool) or not isinstance(max_steps, int) or max_steps < 2:
        raise ValueError(f"max_steps={max_steps!r} must be an int >= 2.")
    if not path.uses_gradients:
        raise ValueError(
            f"n_steps='auto' picks the quadrature nodes of a path integrated by a rule "
            f"(StraightLine, Custom, BlurPath); {path!r} sets its own steps, so n_steps "
            "does not apply: leave it out."
        )


def _check_cost(n_steps: int, batch: int) -> None:
    rows = n_steps * batch
    if rows > MAX_ROWS:
        raise ValueError(
            f"n_steps={n_steps} with {batch} example(s) asks for {rows:,} forward and "
            f"backward passes, over the limit of {MAX_ROWS:,}: that would take hours. "
            "Gauss-Legendre with 50-300 steps is accurate for almost every model; check "
            "the convergence delta."
        )


def _check_finite(res: Attribution) -> None:
    """Refuse NaN/inf and warn about all-zero attributions, with one device sync.

    The delta adds every attribution to F(x) - F(x'), so it is finite exactly when they
    all are (barring overflow of the sum, which the detailed pass tells apart); and if
    every attribution is zero the delta is exactly -(F(x) - F(x')).
    """
    acc = res.delta.dtype
    n = res.delta.shape[0]
    out, base = res.output, res.baseline_output
    out = out if out.dtype == acc else out.to(acc)
    base = base if base.dtype == acc else base.to(acc)
    values = torch.cat([res.delta, out, base]).tolist()
    # NaN or inf anywhere makes the sum NaN or inf; a finite sum of huge values that
    # overflows only costs the exact check below, which then passes
    if not math.isfinite(sum(values)):
        checks = [
            ("F(x)", res.output),
            ("F(baseline)", res.baseline_output),
            *(("attributions", a) for a in res.attributions),
        ]
        for name, t in checks:
            if not bool(torch.isfinite(t).all()):
                raise ValueError(
                    f"The model produced NaN or inf ({name} is not finite). Check the input "
                    "and baseline for NaN/inf values, and the model for overflow (float16 "
                    "models overflow easily: try float32)."
                )
    # a cheap filter for the exact check below (the gap here is taken in float64 on the
    # host, the delta's in the accumulation dtype: equal up to that rounding)
    suspicious = False
    for i in range(n):
        gap = values[n + i] - values[2 * n + i]
        if gap != 0 and math.isclose(values[i], -gap, rel_tol=1e-5):
            suspicious = True
            break
    if suspicious and all(bool((a == 0).all()) for a in res.attributions):
        res.warnings.append(
            "All attributions are exactly zero although F(x) != F(baseline): the output "
            "has no differentiable path to these inputs (detached tensors, integer "
            "casts or argmax inside the model?)."
        )
