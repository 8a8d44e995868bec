"""``IntegratedGradients``: a drop-in for ``captum.attr.IntegratedGradients``.

The public ``attribute`` validates everything (see ``inputs.py``), then a private core
integrates with precomputed, cached (weights, alphas). Per chunk of path steps the core
builds the whole batch of path points with one broadcast, runs one forward and one
backward pass (the gradient of ``selected_outputs.sum()`` gives every row its own
gradient, since rows do not interact in eval mode), and folds the chunk into a weighted
running sum, so memory is one chunk and nothing leaves the device inside the loop.
F(x) and F(x') for the convergence delta ride along in the first chunk's forward pass
for small inputs (one call fewer), and take a forward pass without graph for large ones.

The user's model is never changed: gradients are taken with ``torch.autograd.grad``
with respect to the path points only, so no ``.grad`` lands on parameters, no hook is
registered, and train/eval mode and ``requires_grad`` flags are left alone.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import torch

from . import quadrature
from .adaptive import integrate_adaptive
from .batching import ChunkPlanner, is_out_of_memory
from .inputs import (
    Target,
    check_additional_args,
    check_forward,
    check_output,
    expand_additional_args,
    format_additional_args,
    format_baselines,
    format_inputs,
    format_target,
)
from .paths import AllOrderings, Custom, Extremal, Path, StraightLine, check_path, shapley_weights

#: refuse work beyond this many model rows (path points times examples) per call
MAX_ROWS = 1_000_000
#: inputs up to this many elements take F(x) and F(x') along in the first chunk's
#: forward and backward pass (one model call fewer); larger ones, where two more rows
#: in the backward pass cost more than a call, get a separate forward pass without graph
FOLD_ENDS_MAX_ELEMENTS = 16_384
#: keep per-node, per-feature integrands in the trace only up to this many values
MAX_TRACE_ELEMENTS = 20_000_000


class Cancelled(Exception):
    """Raised by a progress callback to stop a computation between two chunks."""


@dataclass
class PathTrace:
    """What happened along the path, for plots of where the attribution comes from.

    ``alphas`` (m,) ascending; ``outputs`` (m, batch): F at those points; ``integrand``:
    per input tensor, (m, batch, *features) contributions of each node to each feature's
    attribution (their sum over nodes is the attribution), or None when too large.
    """

    alphas: torch.Tensor
    outputs: torch.Tensor
    integrand: tuple[torch.Tensor, ...] | None


@dataclass
class Attribution:
    """Everything one ``attribute_detailed`` call found."""

    attributions: tuple[torch.Tensor, ...]
    delta: torch.Tensor
    output: torch.Tensor
    baseline_output: torch.Tensor
    n_evals: int
    n_forward: int
    trace: PathTrace | None = None
    warnings: list[str] = field(default_factory=list)


class IntegratedGradients:
    """Integrated Gradients with captum's interface, exact quadrature and other paths.

    Args:
        forward_func: the model, or any function of the inputs (followed by
            ``additional_forward_args``) returning one row of outputs per example.
        multiply_by_inputs: as in captum: True gives (x - x') times the path-averaged
            gradient (the attributions); False gives the averaged gradient alone
            (straight-line path only).
    """

    def __init__(self, forward_func: Callable, multiply_by_inputs: bool = True) -> None:
        self.forward_func = check_forward(forward_func)
        self.multiply_by_inputs = bool(multiply_by_inputs)

    @property
    def multiplies_by_inputs(self) -> bool:
        return self.multiply_by_inputs

    def has_convergence_delta(self) -> bool:
        return True

    def attribute(
        self,
        inputs: torch.Tensor | Sequence[torch.Tensor],
        baselines: Any = None,
        target: Any = None,
        additional_forward_args: Any = None,
        n_steps: int = 50,
        method: str = "gausslegendre",
        internal_batch_size: int | None = None,
        return_convergence_delta: bool = False,
        path: Path | str | None = None,
        tol: float = 0.01,
        max_steps: int = 1024,
    ):
        """Attribute ``F(inputs)[target]`` to the input features.

        Args:
            inputs: a tensor (batch first) or a tuple of tensors with one batch size.
            baselines: None (zeros), a number, a tensor shaped like the input (or with
                batch size 1, shared), or a tuple mixing those, one per input.
            target: which output to explain: None (the model returns one value per
                example), an int, a tuple indexing a multi-dimensional output, or one
                per example (list or 1-d tensor).
            additional_forward_args: passed after the inputs; tensors with a batch
                dimension are repeated with the steps, everything else passed as is.
            n_steps: quadrature nodes (gradient evaluations per example), or "auto":
                nested trapezoid panels bisected where the completeness error is,
                until it is below ``tol`` (see ``ig_widget.engine.adaptive``).
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
        inputs: torch.Tensor | Sequence[torch.Tensor],
        baselines: Any = None,
        target: Any = None,
        additional_forward_args: Any = None,
        n_steps: int = 50,
        method: str = "gausslegendre",
        internal_batch_size: int | None = None,
        path: Path | str | None = None,
        trace: bool = False,
        progress: Callable[[float], None] | None = None,
        tol: float = 0.01,
        max_steps: int = 1024,
    ) -> Attribution:
        """Like ``attribute``, returning an ``Attribution`` with outputs and diagnostics.

        ``trace=True`` records F and each feature's contribution at every node
        (``Attribution.trace``). ``progress(fraction)`` is called after each chunk; it
        may raise ``Cancelled`` to stop the computation there.
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
            n = quadrature.check_n_steps(n_steps, method)
            _check_cost(n, batch)
        if internal_batch_size is not None and (
            isinstance(internal_batch_size, bool)
            or not isinstance(internal_batch_size, int)
            or internal_batch_size < 1
        ):
            raise ValueError(
                f"internal_batch_size={internal_batch_size!r} must be a positive int "
                "(rows per forward pass) or None to let the engine choose."
            )
        if not self.multiply_by_inputs and not isinstance(path_obj, StraightLine):
            raise ValueError(
                "multiply_by_inputs=False is defined for the straight-line path only; "
                "use multiply_by_inputs=True with other paths."
            )
        tgt = format_target(target, batch, device)
        args = format_additional_args(additional_forward_args)
        check_additional_args(args, batch)
        core = _Core(self.forward_func, tgt, args, batch, internal_batch_size, progress)
        try:
            res = self._run(core, xs, bs, path_obj, method, n_steps, auto, tol, max_steps, trace)
        except RuntimeError as err:
            _explain_device_mismatch(self.forward_func, device, err)
            raise
        _check_finite(res)
        return res

    def _run(self, core, xs, bs, path_obj, method, n_steps, auto, tol, max_steps, trace):
        if isinstance(path_obj, (Extremal, AllOrderings)):
            return core.forward_only(xs, bs, path_obj, trace)
        g = path_obj.g if isinstance(path_obj, Custom) else None
        if auto:
            return integrate_adaptive(core, xs, bs, g, float(tol), int(max_steps), trace)
        weights, alphas = quadrature.rule_tensors(method, int(n_steps), xs[0].device, xs[0].dtype)
        return core.integrate(xs, bs, weights, alphas, g, self.multiply_by_inputs, trace)


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
            f"n_steps='auto' is for gradient paths; {path!r} is computed exactly with "
            "forward passes and needs no n_steps."
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
    gap = _to(res.output, acc) - _to(res.baseline_output, acc)
    deltas, gaps = torch.stack([res.delta, gap]).tolist()
    if not all(math.isfinite(v) for v in deltas + gaps):
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
    suspicious = any(g != 0 and d == -g for d, g in zip(deltas, gaps, strict=True))
    if suspicious and all(bool((a == 0).all()) for a in res.attributions):
        res.warnings.append(
            "All attributions are exactly zero although F(x) != F(baseline): the output "
            "has no differentiable path to these inputs (detached tensors, integer "
            "casts or argmax inside the model?)."
        )


class _Core:
    """The integration loops; inputs are validated and normalised already."""

    def __init__(
        self,
        fwd,
        target: Target,
        args: tuple,
        batch: int,
        internal_batch_size: int | None,
        progress,
    ) -> None:
        self.fwd = fwd
        self.target = target
        self.args = args
        self.batch = batch
        self.internal_batch_size = internal_batch_size
        self.progress = progress
        self.range_checked = False

    def _outputs(self, rows: Sequence[torch.Tensor], reps: int) -> torch.Tensor:
        try:
            out = self.fwd(*rows, *expand_additional_args(self.args, reps))
        except Exception as err:
            if not is_out_of_memory(err) and hasattr(err, "add_note"):
                note = (
                    f"(raised inside the model's forward on a batch of {reps * self.batch} "
                    "rows of path points; check that the model runs on a batch of that shape)"
                )
                if note not in getattr(err, "__notes__", ()):
                    err.add_note(note)
            raise
        if not self.range_checked:
            self.target.check_range(check_output(out, reps * self.batch))
            self.range_checked = True
        return self.target.select(out, reps)

    def _planner(self, n: int, xs: Sequence[torch.Tensor]) -> ChunkPlanner:
        per_row = sum(x[0].numel() for x in xs)
        return ChunkPlanner(n, self.batch, per_row, xs[0].device, self.internal_batch_size)

    def _report(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(done / total)

    # -- gradient paths: straight line and custom ------------------------------------

    def endpoint_outputs(self, xs, bs) -> tuple[torch.Tensor, torch.Tensor]:
        """F(x) and F(x') in one forward pass without a graph."""
        with torch.no_grad():
            sel = self._outputs([torch.cat([x, b]) for x, b in zip(xs, bs, strict=True)], 2)
        return sel[: self.batch], sel[self.batch :]

    def gradient_chunk(self, xs, bs, diffs, g, a: torch.Tensor, with_ends: bool):
        """F and dF/dx at the path points of alphas ``a`` (one forward, one backward).

        Returns (outputs (k*N [+2N],), gradients per input (k*N, ...), slopes or None);
        with ``with_ends`` the outputs end with F(x) and F(x') for the delta.
        """
        k, N = a.shape[0], self.batch
        if g is None:
            pts, slopes = straight_points(xs, bs, diffs, a), None
        else:
            pts, slopes = _custom_points(g, a, xs)
        rows = [p.reshape((k * N,) + x.shape[1:]) for p, x in zip(pts, xs, strict=True)]
        if with_ends:
            rows = [torch.cat([r, x, b]) for r, x, b in zip(rows, xs, bs, strict=True)]
        rows = [r.detach().requires_grad_() for r in rows]
        with torch.enable_grad():
            sel = self._outputs(rows, k + 2 if with_ends else k)
            path_sel = sel[: k * N]
            if path_sel.requires_grad:
                grads = torch.autograd.grad(path_sel.sum(), rows, allow_unused=True)
            else:  # no differentiable path from these inputs to the output
                grads = (None,) * len(rows)
        grads = [
            torch.zeros_like(r[: k * N]) if gr is None else gr[: k * N]
            for gr, r in zip(grads, rows, strict=True)
        ]
        return sel.detach(), grads, slopes

    def integrate(self, xs, bs, weights, alphas, g, multiply_by_inputs, trace) -> Attribution:
        n, N = alphas.shape[0], self.batch
        acc = torch.float32 if xs[0].dtype in (torch.float16, torch.bfloat16) else xs[0].dtype
        w_acc = _to(weights, acc)
        if g is not None:
            xs, bs = _custom_endpoints(g, xs, alphas)
        diffs = tuple(x - b for x, b in zip(xs, bs, strict=True))
        totals: list[torch.Tensor | None] = [None] * len(xs)
        keep_integrand = trace and n * sum(x.numel() for x in xs) <= MAX_TRACE_ELEMENTS
        node_out, node_int, ends = [], [], None
        planner = self._planner(n, xs)
        if sum(x.numel() for x in xs) > FOLD_ENDS_MAX_ELEMENTS:
            ends = self.endpoint_outputs(xs, bs)

        def chunk(s0: int, s1: int):
            return self.gradient_chunk(xs, bs, diffs, g, alphas[s0:s1], with_ends=ends is None)

        start = 0
        while start < n:
            (sel, grads, slopes), stop = planner.run(start, chunk)
            k = stop - start
            w = w_acc[start:stop]
            if ends is None:
                ends = (sel[k * N : k * N + N], sel[k * N + N :])
            for i, (gr, x) in enumerate(zip(grads, xs, strict=True)):
                gk = _to(gr.reshape(k, -1), acc)
                if slopes is not None:
                    gk = gk * _to(slopes[i].reshape(k, -1), acc)
                part = w @ gk
                totals[i] = part if totals[i] is None else totals[i] + part
                if keep_integrand:
                    contrib = w.view(k, 1) * gk
                    if slopes is None:
                        contrib = contrib * _to(diffs[i].reshape(1, -1), acc)
                    node_int.append((i, contrib.reshape((k,) + tuple(x.shape))))
            if trace:
                node_out.append(sel[: k * N].reshape(k, N))
            start = stop
            self._report(stop, n)

        attrs = []
        for total, x, d in zip(totals, xs, diffs, strict=True):
            t = total.reshape(x.shape)
            if g is None and multiply_by_inputs:
                t = t * _to(d, acc)
            attrs.append(_to(t, x.dtype))
        out, base_out = ends
        tr = None
        if trace:
            integrand = None
            if keep_integrand:
                integrand = tuple(
                    torch.cat([c for j, c in node_int if j == i]) for i in range(len(xs))
                )
            tr = _sorted_trace(alphas, torch.cat(node_out), integrand)
        return Attribution(
            attributions=tuple(attrs),
            delta=_delta(attrs, out, base_out),
            output=out,
            baseline_output=base_out,
            n_evals=n,
            n_forward=n + 2,
            trace=tr,
        )

    # -- forward-only paths: extremal orders and their average --------------------------

    def forward_only(self, xs, bs, path, trace) -> Attribution:
        N = self.batch
        flat_x = torch.cat([x.reshape(N, -1) for x in xs], dim=1)
        flat_b = torch.cat([b.reshape(N, -1) for b in bs], dim=1)
        d = flat_x.shape[1]
        sizes = [x[0].numel() for x in xs]

        def values(n_rows: int, mask_rows: Callable[[int, int], torch.Tensor]) -> torch.Tensor:
            """F at the points mask ? x : x' for masks 0..n_rows-1 -> (n_rows, batch)."""
            planner = ChunkPlanner(n_rows, N, d, flat_x.device, self.internal_batch_size)

            def chunk(s0: int, s1: int) -> torch.Tensor:
                mask = mask_rows(s0, s1)  # (k, d) bool
                pts = torch.where(mask.unsqueeze(1), flat_x.unsqueeze(0), flat_b.unsqueeze(0))
                k = s1 - s0
                parts = torch.split(pts.reshape(k * N, d), sizes, dim=1)
                rows = [p.reshape((k * N,) + x.shape[1:]) for p, x in zip(parts, xs, strict=True)]
                with torch.no_grad():
                    return self._outputs(rows, k).reshape(k, N)

            out, start = [], 0
            while start < n_rows:
                v, start = planner.run(start, chunk)
                out.append(v)
                self._report(start, n_rows)
            return torch.cat(out)

        device = flat_x.device
        acc = torch.float64 if flat_x.dtype == torch.float64 else torch.float32
        tr = None
        if isinstance(path, Extremal):
            perm = torch.tensor(path.permutation(d), device=device)
            rank = torch.empty_like(perm)
            rank[perm] = torch.arange(d, device=device)
            steps = torch.arange(d + 1, device=device)
            vals = values(d + 1, lambda s0, s1: rank.unsqueeze(0) < steps[s0:s1].unsqueeze(1))
            flat_attr = torch.empty(N, d, dtype=acc, device=device)
            flat_attr[:, perm] = (vals[1:] - vals[:-1]).to(acc).T
            n_forward = d + 1
            if trace:
                integrand = None
                if (d + 1) * N * d <= MAX_TRACE_ELEMENTS:
                    dense = torch.zeros(d + 1, N, d, dtype=acc, device=device)
                    dense[steps[1:], :, perm] = (vals[1:] - vals[:-1]).to(acc)
                    integrand = _split_features(dense, xs)
                tr = PathTrace(steps.to(acc) / d, vals.to(acc), integrand)
        elif path.samples is None:
            path.check_exact(d)
            subsets = torch.arange(2**d, device=device)
            bits = 2 ** torch.arange(d, device=device)
            vals = values(2**d, lambda s0, s1: (subsets[s0:s1].unsqueeze(1) & bits) != 0).to(acc)
            size = torch.tensor([bin(s).count("1") for s in range(2**d)], device=device)
            weight = torch.tensor(shapley_weights(d), dtype=acc, device=device)
            flat_attr = torch.empty(N, d, dtype=acc, device=device)
            for i in range(d):
                without = subsets[(subsets & (1 << i)) == 0]
                gain = vals[without | (1 << i)] - vals[without]
                flat_attr[:, i] = (weight[size[without]].unsqueeze(1) * gain).sum(0)
            n_forward = 2**d
            vals = vals[[0, -1]]
        else:
            gen = torch.Generator().manual_seed(path.seed)
            perms = torch.stack([torch.randperm(d, generator=gen) for _ in range(path.samples)]).to(
                device
            )
            ranks = torch.empty_like(perms)
            ranks.scatter_(1, perms, torch.arange(d, device=device).expand_as(perms))
            steps = torch.arange(d + 1, device=device)

            def mask_rows(s0: int, s1: int) -> torch.Tensor:
                r = torch.arange(s0, s1, device=device)
                return ranks[r // (d + 1)] < steps[r % (d + 1)].unsqueeze(1)

            vals = values(path.samples * (d + 1), mask_rows).reshape(path.samples, d + 1, N).to(acc)
            gains = vals[:, 1:] - vals[:, :-1]  # (samples, d, N), step j moved perms[:, j]
            flat_attr = torch.zeros(N, d, dtype=acc, device=device)
            for s in range(path.samples):
                flat_attr[:, perms[s]] += gains[s].T
            flat_attr /= path.samples
            n_forward = path.samples * (d + 1)
            vals = vals[0, [0, -1]]
        attrs = tuple(
            a.to(x.dtype) for a, x in zip(_split_features(flat_attr, xs), xs, strict=True)
        )
        out, base_out = vals[-1].to(flat_x.dtype), vals[0].to(flat_x.dtype)
        return Attribution(
            attributions=attrs,
            delta=_delta(attrs, out, base_out),
            output=out,
            baseline_output=base_out,
            n_evals=0,
            n_forward=n_forward,
            trace=tr,
        )


def _split_features(flat: torch.Tensor, xs: Sequence[torch.Tensor]) -> tuple[torch.Tensor, ...]:
    """(..., N, d) flattened features -> per input (..., N, *features)."""
    parts = torch.split(flat, [x[0].numel() for x in xs], dim=-1)
    return tuple(p.reshape(p.shape[:-1] + x.shape[1:]) for p, x in zip(parts, xs, strict=True))


def _delta(attrs, out: torch.Tensor, base_out: torch.Tensor) -> torch.Tensor:
    acc = torch.float64 if out.dtype == torch.float64 else torch.float32
    total = None
    for a in attrs:
        part = _to(a.reshape(a.shape[0], -1), acc).sum(1)
        total = part if total is None else total + part
    return total - (_to(out, acc) - _to(base_out, acc))


def _to(t: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    """``t.to(dtype)`` without the call when it would do nothing (this is a hot path)."""
    return t if t.dtype == dtype else t.to(dtype)


def _sorted_trace(alphas, outputs, integrand) -> PathTrace:
    order = torch.argsort(alphas)
    if integrand is not None:
        integrand = tuple(t[order] for t in integrand)
    return PathTrace(alphas[order], outputs[order], integrand)


def straight_points(xs, bs, diffs, a: torch.Tensor) -> tuple[torch.Tensor, ...]:
    """x' + alpha (x - x') for every alpha in ``a``: per input (k, *input.shape)."""
    return tuple(
        torch.addcmul(b, a.view((-1,) + (1,) * x.dim()), d)
        for x, b, d in zip(xs, bs, diffs, strict=True)
    )


def _as_tuple(points) -> tuple[torch.Tensor, ...]:
    return tuple(points) if isinstance(points, (tuple, list)) else (points,)


def _custom_points(
    g, a: torch.Tensor, xs
) -> tuple[tuple[torch.Tensor, ...], tuple[torch.Tensor, ...]]:
    """Points g(a) and slopes dg/da at the alphas ``a``, each (k, *input.shape)."""
    try:
        pts, slopes = torch.func.jvp(lambda t: _as_tuple(g(t)), (a,), (torch.ones_like(a),))
    except (RuntimeError, NotImplementedError, TypeError):
        # forward mode unsupported by an op in g: double backward gives the same JVP
        a_req = a.detach().requires_grad_()
        with torch.enable_grad():
            pts = _as_tuple(g(a_req))
            probes = [torch.ones_like(p, requires_grad=True) for p in pts]
            vjp = torch.autograd.grad(pts, a_req, probes, create_graph=True, allow_unused=True)[0]
            if vjp is None:
                slopes = tuple(torch.zeros_like(p) for p in pts)
            else:
                slopes = torch.autograd.grad(vjp, probes, torch.ones_like(vjp), allow_unused=True)
                slopes = tuple(
                    torch.zeros_like(p) if s is None else s
                    for p, s in zip(pts, slopes, strict=True)
                )
        pts = tuple(p.detach() for p in pts)
    k = a.shape[0]
    if len(pts) != len(xs):
        raise ValueError(f"Custom path g returned {len(pts)} tensor(s) for {len(xs)} input(s).")
    for p, x in zip(pts, xs, strict=True):
        if tuple(p.shape) != (k,) + tuple(x.shape):
            raise ValueError(
                f"Custom path g(alphas) returned shape {tuple(p.shape)} for {k} alphas; it "
                f"must return ({k}, *inputs.shape) = {(k,) + tuple(x.shape)}."
            )
    return tuple(p.detach() for p in pts), tuple(s.detach() for s in slopes)


def _custom_endpoints(g, xs, alphas):
    """The custom path's own input (g(1)) and baseline (g(0)); g(1) must be the input."""
    ends = torch.tensor([0.0, 1.0], dtype=alphas.dtype, device=alphas.device)
    pts, _ = _custom_points(g, ends, xs)
    for p, x in zip(pts, xs, strict=True):
        if not torch.allclose(p[1], x, rtol=1e-4, atol=1e-5):
            gap = float((p[1] - x).abs().max())
            raise ValueError(
                f"Custom path must end at the input: |g(1) - inputs| reaches {gap:.3g}. "
                "Build g so that g(0) is the baseline and g(1) the input."
            )
    return tuple(p[1] for p in pts), tuple(p[0] for p in pts)
