"""The integration core every path shares: model calls, chunked quadrature, results.

``IntegratedGradients.attribute`` validates the user's arguments and hands a ``Core`` to
the path (``paths.py``), which decides how to integrate: gradient paths call
``Core.integrate`` (fixed rule) or ``adaptive.integrate_adaptive``; forward-only paths
(``forward_paths.py``) call ``Core.outputs`` on masked points. This module knows nothing
about particular paths: a gradient path gives it points and slopes, and that is all.

Per chunk of path steps the core builds the whole batch of path points with one
broadcast, runs one forward and one backward pass (the gradient of
``selected_outputs.sum()`` gives every row its own gradient, since rows do not interact
in eval mode), and folds the chunk into a weighted running sum, so memory is one chunk
and nothing leaves the device inside the loop. F(x) and F(x') for the convergence delta
ride along in the first chunk's forward pass for small inputs (one call fewer), and take
a forward pass without graph for large ones.

Path points are built in float32 or float64 (never in half precision: alphas and
points rounded to 3 significant digits cost more accuracy than the model's own
rounding); each input is cast to the model's dtype only as it enters the forward pass,
inside the graph, so gradients come back in the path's dtype.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import torch

from .batching import ChunkPlanner, is_out_of_memory
from .inputs import Target, check_output, expand_additional_args
from .outputs import output_tensor

if TYPE_CHECKING:
    from .paths import GradientPath

#: inputs up to this many elements take F(x) and F(x') along in the first chunk's
#: forward and backward pass (one model call fewer); larger ones, where two more rows
#: in the backward pass cost more than a call, get a separate forward pass without graph
FOLD_ENDS_MAX_ELEMENTS = 16_384
#: keep per-node, per-feature integrands in the trace only up to this many values
MAX_TRACE_ELEMENTS = 20_000_000

Tensors = tuple[torch.Tensor, ...]


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
    """Everything one ``attribute_detailed`` call found.

    ``n_evals`` and ``n_forward`` count per example. With a fixed rule every example
    gets the same nodes; with ``n_steps="auto"`` on a batch each example gets its own,
    and ``n_evals`` is their total over the batch divided by the batch size, rounded
    up (the figure to compare with a fixed rule's n).
    """

    attributions: tuple[torch.Tensor, ...]
    delta: torch.Tensor
    output: torch.Tensor
    baseline_output: torch.Tensor
    n_evals: int
    n_forward: int
    trace: PathTrace | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class NodeEvaluations:
    """Gradients at some nodes of a fixed rule, kept so a later pass need not repeat them.

    ``index`` (k,): positions in the rule's nodes; ``alphas`` (k,); ``outputs`` (k, batch);
    ``grads``: per input (k, batch * features) in the accumulation dtype, already times
    the path's slope when it is not the straight line; ``ends``: F(x) and F(x').
    """

    n: int
    index: torch.Tensor
    alphas: torch.Tensor
    outputs: torch.Tensor
    grads: tuple[torch.Tensor, ...]
    ends: tuple[torch.Tensor, torch.Tensor]
    straight: bool


@dataclass
class NodePlan:
    """Internal (the widget's two passes): which nodes of the fixed rule to evaluate.

    ``subset=k``: evaluate ``k`` of the rule's nodes (``quadrature.nested_subset``) and
    return the preview they give; ``evaluations`` is then filled for a later pass.
    ``reuse``: evaluations of an earlier subset pass of the same rule; only the other
    nodes are evaluated and all are combined with the full rule's weights, giving the
    result of one full pass (up to the order of a floating-point sum).
    ``evaluated`` counts the gradient evaluations (nodes) this pass computed.
    """

    subset: int | None = None
    reuse: NodeEvaluations | None = None
    evaluations: NodeEvaluations | None = None
    evaluated: int = 0


@dataclass(frozen=True)
class Options:
    """How the user asked to integrate (already validated)."""

    method: str = "gausslegendre"
    n_steps: int | str = 50
    tol: float = 0.01
    max_steps: int = 1024
    multiply_by_inputs: bool = True
    trace: bool = False

    @property
    def auto(self) -> bool:
        return self.n_steps == "auto"


class Core:
    """Runs the model on batches of path points; inputs are validated and normalised."""

    def __init__(
        self,
        fwd: Callable,
        target: Target,
        args: tuple,
        batch: int,
        internal_batch_size: int | None,
        progress: Callable[[float], None] | None,
        forward_dtypes: Sequence[torch.dtype] | None = None,
    ) -> None:
        self.fwd = fwd
        self.target = target
        self.args = args
        self.batch = batch
        self.internal_batch_size = internal_batch_size
        self.progress = progress
        #: per input, the dtype the model takes (rows are cast to it on the way in)
        self.forward_dtypes = None if forward_dtypes is None else tuple(forward_dtypes)
        self.range_checked = False
        #: internal: a subset of the fixed rule's nodes to evaluate, or nodes to reuse
        self.nodes: NodePlan | None = None

    def outputs(self, rows: Sequence[torch.Tensor], reps: int) -> torch.Tensor:
        """The selected output of every row of ``rows`` ((reps * batch) rows each)."""
        return self.target.select(self.forward(rows, reps), reps)

    def forward(self, rows: torch.Tensor | Sequence[torch.Tensor], reps: int) -> torch.Tensor:
        """The model's output tensor for ``rows`` (a tensor, or one per input) of
        (reps * batch) rows each, before the target is selected."""
        if isinstance(rows, torch.Tensor):
            rows = (rows,)
        if self.forward_dtypes is not None:
            rows = [_to(r, d) for r, d in zip(rows, self.forward_dtypes, strict=True)]
        try:
            out = self.fwd(*rows, *expand_additional_args(self.args, reps))
        except Exception as err:
            _explain_one_row_batch_norm(err)
            if not is_out_of_memory(err) and hasattr(err, "add_note"):
                note = (
                    f"(raised inside the model's forward on a batch of {reps * self.batch} "
                    "rows of path points; check that the model runs on a batch of that shape)"
                )
                if note not in getattr(err, "__notes__", ()):
                    err.add_note(note)
            raise
        out = output_tensor(out)
        if not self.range_checked:
            self.target.check_range(check_output(out, reps * self.batch))
            self.range_checked = True
        return out

    def planner(self, n: int, xs: Sequence[torch.Tensor]) -> ChunkPlanner:
        per_row = sum(x[0].numel() for x in xs)
        return ChunkPlanner(n, self.batch, per_row, xs[0].device, self.internal_batch_size)

    def report(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(done / total)

    def endpoint_outputs(self, xs: Tensors, bs: Tensors) -> tuple[torch.Tensor, torch.Tensor]:
        """F(x) and F(x') in one forward pass without a graph."""
        with torch.no_grad():
            sel = self.outputs([torch.cat([x, b]) for x, b in zip(xs, bs, strict=True)], 2)
        return sel[: self.batch], sel[self.batch :]

    def gradient_chunk(
        self, path: GradientPath, xs: Tensors, bs: Tensors, a: torch.Tensor, with_ends: bool
    ) -> tuple[torch.Tensor, list[torch.Tensor], Tensors | None]:
        """F and dF/dx at the path points of alphas ``a`` (one forward, one backward).

        Returns (outputs (k*N [+2N],), gradients per input (k*N, ...), slopes or None);
        with ``with_ends`` the outputs end with F(x) and F(x') for the delta.
        """
        k, N = a.shape[0], self.batch
        pts, slopes = path.points(xs, bs, a)
        rows = [p.reshape((k * N,) + x.shape[1:]) for p, x in zip(pts, xs, strict=True)]
        if with_ends:
            rows = [torch.cat([r, x, b]) for r, x, b in zip(rows, xs, bs, strict=True)]
        rows = [r.detach().requires_grad_() for r in rows]
        with torch.enable_grad():
            sel = self.outputs(rows, k + 2 if with_ends else k)
            if sel.requires_grad:
                # ones on the path rows, zeros on F(x) and F(x'): the gradient of the
                # path rows' sum without slicing and summing the graph's output
                seed = _gradient_seed(k * N, 2 * N if with_ends else 0, sel.dtype, sel.device)
                grads = torch.autograd.grad(sel, rows, seed, allow_unused=True)
            else:  # no differentiable path from these inputs to the output
                grads = (None,) * len(rows)
        grads = [
            torch.zeros_like(r[: k * N])
            if gr is None
            else (gr if gr.shape[0] == k * N else gr[: k * N])
            for gr, r in zip(grads, rows, strict=True)
        ]
        return sel.detach(), grads, slopes

    def integrate(
        self,
        path: GradientPath,
        xs: Tensors,
        bs: Tensors,
        weights: torch.Tensor,
        alphas: torch.Tensor,
        multiply_by_inputs: bool,
        trace: bool,
    ) -> Attribution:
        """A fixed quadrature rule: sum_j w_j dF/dx(g(a_j)) * g'(a_j), chunk by chunk.

        ``self.nodes`` (internal) restricts the pass to a subset of the rule's nodes, or
        reuses nodes an earlier subset pass evaluated (see ``NodePlan``).
        """
        n_rule, N = alphas.shape[0], self.batch
        acc = accumulation_dtype(xs[0].dtype)
        plan, known, index = self.nodes, None, None
        if plan is not None and plan.subset is not None:
            index, weights, alphas = _subset_rule(plan.subset, weights, alphas)
        elif plan is not None and plan.reuse is not None:
            known = plan.reuse
            if known.n != n_rule:
                raise ValueError(f"reused nodes are of a rule of {known.n} nodes, not {n_rule}")
            w_known = _to(weights[known.index], acc)
            todo = torch.ones(n_rule, dtype=torch.bool, device=alphas.device)
            todo[known.index] = False
            index = todo.nonzero().squeeze(1)
            weights, alphas = weights[index], alphas[index]
        keep_grads = plan is not None and plan.subset is not None
        n = alphas.shape[0]
        w_acc = _to(weights, acc)
        diffs = tuple(x - b for x, b in zip(xs, bs, strict=True))
        totals: list[torch.Tensor | None] = [None] * len(xs)
        keep_integrand = trace and n_rule * sum(x.numel() for x in xs) <= MAX_TRACE_ELEMENTS
        node_out, node_int, node_grads, ends = [], [], [], None
        straight = True  # slopes None: the constant slope x - x' is applied at the end
        if known is not None:
            ends, straight = known.ends, known.straight
            for i, gk in enumerate(known.grads):
                totals[i] = w_known @ gk
                if keep_integrand:
                    node_int.append((i, self._contribution(w_known, gk, diffs[i], straight, xs[i])))
            node_out.append(known.outputs)
        planner = self.planner(n, xs)
        if ends is None and sum(x.numel() for x in xs) > FOLD_ENDS_MAX_ELEMENTS:
            ends = self.endpoint_outputs(xs, bs)

        def chunk(s0: int, s1: int):
            return self.gradient_chunk(path, xs, bs, alphas[s0:s1], with_ends=ends is None)

        start = 0
        while start < n:
            (sel, grads, slopes), stop = planner.run(start, chunk)
            straight = slopes is None
            k = stop - start
            w = w_acc if k == n else w_acc[start:stop]
            if ends is None:
                ends = (sel[k * N : k * N + N], sel[k * N + N :])
            gks = []
            for i, (gr, x) in enumerate(zip(grads, xs, strict=True)):
                gk = _to(gr.reshape(k, -1), acc)
                if slopes is not None:
                    gk = gk * _to(slopes[i].reshape(k, -1), acc)
                part = w @ gk
                totals[i] = part if totals[i] is None else totals[i] + part
                if keep_integrand:
                    node_int.append((i, self._contribution(w, gk, diffs[i], straight, x)))
                gks.append(gk)
            if keep_grads:
                node_grads.append(gks)
            if trace or keep_grads:
                node_out.append(sel[: k * N].reshape(k, N))
            start = stop
            self.report(stop, n)

        if plan is not None:
            plan.evaluated = n
        out, base_out = ends
        all_alphas = alphas if known is None else torch.cat([known.alphas, alphas])
        if keep_grads:
            plan.evaluations = NodeEvaluations(
                n=n_rule,
                index=index,
                alphas=alphas,
                outputs=torch.cat(node_out),
                grads=tuple(torch.cat([g[i] for g in node_grads]) for i in range(len(xs))),
                ends=(out, base_out),
                straight=straight,
            )
        attrs = []
        for total, x, d in zip(totals, xs, diffs, strict=True):
            t = total.reshape(x.shape)
            if straight and multiply_by_inputs:
                t = t * _to(d, acc)
            attrs.append(_to(t, x.dtype))
        tr = None
        if trace:
            integrand = None
            if keep_integrand:
                integrand = tuple(
                    torch.cat([c for j, c in node_int if j == i]) for i in range(len(xs))
                )
            tr = sorted_trace(all_alphas, torch.cat(node_out), integrand)
        return Attribution(
            attributions=tuple(attrs),
            delta=delta(attrs, out, base_out),
            output=out,
            baseline_output=base_out,
            n_evals=all_alphas.shape[0],
            n_forward=all_alphas.shape[0] + 2,
            trace=tr,
        )

    @staticmethod
    def _contribution(
        w: torch.Tensor, gk: torch.Tensor, d: torch.Tensor, straight: bool, x: torch.Tensor
    ) -> torch.Tensor:
        """Each node's share of each feature's attribution: (k, *x.shape)."""
        k = w.shape[0]
        contrib = w.view(k, 1) * gk
        if straight:
            contrib = contrib * _to(d.reshape(1, -1), gk.dtype)
        return contrib.reshape((k,) + tuple(x.shape))


def _subset_rule(
    k: int, weights: torch.Tensor, alphas: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(index, preview weights, alphas) of ``k`` nodes spread over the rule's nodes."""
    index, w = _subset_tensors(k, alphas, weights.dtype)
    return index, w, alphas[index]


def _subset_tensors(
    k: int, alphas: torch.Tensor, dtype: torch.dtype
) -> tuple[torch.Tensor, torch.Tensor]:
    """``quadrature.nested_subset`` as tensors on the rule's device, cached per rule:
    the rule's alphas tensor is itself cached (``rule_tensors``), so its identity and
    version name it."""
    key = (id(alphas), alphas._version, k, dtype)
    hit = _SUBSETS.get(key)
    if hit is not None and hit[0] is alphas:
        return hit[1], hit[2]
    from .quadrature import nested_subset

    index, w = nested_subset(alphas.detach().cpu().double().numpy(), k)
    found = (
        torch.tensor(index, device=alphas.device),
        torch.tensor(w, dtype=dtype, device=alphas.device),
    )
    if len(_SUBSETS) > 64:
        _SUBSETS.clear()
    _SUBSETS[key] = (alphas, *found)
    return found


#: (id, version, k, dtype) of a rule's alphas -> (alphas, index, preview weights)
_SUBSETS: dict[tuple, tuple[torch.Tensor, torch.Tensor, torch.Tensor]] = {}


@functools.lru_cache(maxsize=64)
def _gradient_seed(ones: int, zeros: int, dtype: torch.dtype, device: torch.device) -> torch.Tensor:
    """``grad_outputs`` of a chunk: 1 for each path row, 0 for the end rows; cached per
    (rows, dtype, device), never written to (autograd only reads it)."""
    seed = torch.zeros(ones + zeros, dtype=dtype, device=device)
    seed[:ones] = 1
    return seed


def _explain_one_row_batch_norm(err: Exception) -> None:
    """BatchNorm in train mode cannot normalise one value per channel; say what to do."""
    if isinstance(err, ValueError) and "Expected more than 1 value per channel" in str(err):
        raise ValueError(
            "The model is in training mode and a BatchNorm layer refused a batch with one "
            "value per channel. Attribution explains a trained model: call model.eval() "
            "first (batch statistics in train mode also make the result depend on the "
            "batch)."
        ) from err


def accumulation_dtype(dtype: torch.dtype) -> torch.dtype:
    """float64 stays float64; everything else is summed in float32."""
    return torch.float64 if dtype == torch.float64 else torch.float32


def split_features(flat: torch.Tensor, xs: Sequence[torch.Tensor]) -> Tensors:
    """(..., N, d) flattened features -> per input (..., N, *features)."""
    parts = torch.split(flat, [x[0].numel() for x in xs], dim=-1)
    return tuple(p.reshape(p.shape[:-1] + x.shape[1:]) for p, x in zip(parts, xs, strict=True))


def delta(attrs: Sequence[torch.Tensor], out: torch.Tensor, base_out: torch.Tensor) -> torch.Tensor:
    """sum(attributions) - (F(x) - F(x')) per example, in float32 or float64."""
    acc = accumulation_dtype(out.dtype)
    total = None
    for a in attrs:
        part = _to(a.reshape(a.shape[0], -1), acc).sum(1)
        total = part if total is None else total + part
    return total - (_to(out, acc) - _to(base_out, acc))


def _to(t: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    """``t.to(dtype)`` without the call when it would do nothing (this is a hot path)."""
    return t if t.dtype == dtype else t.to(dtype)


def sorted_trace(
    alphas: torch.Tensor, outputs: torch.Tensor, integrand: Tensors | None
) -> PathTrace:
    order = torch.argsort(alphas)
    if integrand is not None:
        integrand = tuple(t[order] for t in integrand)
    return PathTrace(alphas[order], outputs[order], integrand)


def straight_points(xs: Tensors, bs: Tensors, diffs: Tensors, a: torch.Tensor) -> Tensors:
    """x' + alpha (x - x') for every alpha in ``a``: per input (k, *input.shape)."""
    return tuple(
        torch.addcmul(b, a.view((-1,) + (1,) * x.dim()), d)
        for x, b, d in zip(xs, bs, diffs, strict=True)
    )


def as_tuple(points: Any) -> Tensors:
    return tuple(points) if isinstance(points, (tuple, list)) else (points,)


def custom_points(
    g: Callable[[torch.Tensor], Any], a: torch.Tensor, xs: Tensors
) -> tuple[Tensors, Tensors]:
    """Points g(a) and slopes dg/da at the alphas ``a``, each (k, *input.shape)."""
    try:
        pts, slopes = torch.func.jvp(lambda t: as_tuple(g(t)), (a,), (torch.ones_like(a),))
    except (RuntimeError, NotImplementedError, TypeError):
        # forward mode unsupported by an op in g: double backward gives the same JVP
        a_req = a.detach().requires_grad_()
        with torch.enable_grad():
            pts = as_tuple(g(a_req))
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
    check_points_shape("Custom path g(alphas)", pts, a.shape[0], xs)
    return tuple(p.detach() for p in pts), tuple(s.detach() for s in slopes)


def check_points_shape(who: str, pts: Tensors, k: int, xs: Tensors) -> None:
    if len(pts) != len(xs):
        raise ValueError(f"{who} returned {len(pts)} tensor(s) for {len(xs)} input(s).")
    for p, x in zip(pts, xs, strict=True):
        if tuple(p.shape) != (k,) + tuple(x.shape):
            raise ValueError(
                f"{who} returned shape {tuple(p.shape)} for {k} alphas; it "
                f"must return ({k}, *inputs.shape) = {(k,) + tuple(x.shape)}."
            )


def custom_endpoints(g: Callable[[torch.Tensor], Any], xs: Tensors) -> tuple[Tensors, Tensors]:
    """The custom path's own input (g(1)) and baseline (g(0)); g(1) must be the input."""
    ends = torch.tensor([0.0, 1.0], dtype=xs[0].dtype, device=xs[0].device)
    pts, _ = custom_points(g, ends, xs)
    for p, x in zip(pts, xs, strict=True):
        if not torch.allclose(p[1], x, rtol=1e-4, atol=1e-5):
            gap = float((p[1] - x).abs().max())
            raise ValueError(
                f"Custom path must end at the input: |g(1) - inputs| reaches {gap:.3g}. "
                "Build g so that g(0) is the baseline and g(1) the input."
            )
    return tuple(p[1] for p in pts), tuple(p[0] for p in pts)
