"""The common call in the fewest tensor operations: one input, a fixed rule, one chunk.

Most calls attribute one input tensor along the straight line with a fixed rule whose
path points fit in one forward pass. For a small model (a tabular MLP) the model's own
forward and backward pass then take a few hundred microseconds, and every extra tensor
operation of the general machinery (``Core.integrate``: the path object, the chunk
planner's loop, the selection of the target inside the graph and its backward, slices
and casts that do nothing) costs one to ten microseconds on top. This module does the
same arithmetic with nothing around it:

- the path points and, for small inputs, the two end rows x and x' are one batch
  (``addcmul`` into the points, one ``cat`` for the ends), so one forward pass gives
  F at the points, F(x) and F(x');
- the gradient is seeded at the model's output itself: a cached tensor shaped like the
  output with a one where the target is selected on each path row (zeros elsewhere and
  on the end rows). That is exactly the gradient the selection's backward would pass
  to the model, so the result is unchanged, but the selection stays out of the graph
  (no select or gather node, no backward through it);
- the weighted sum over the nodes is one matrix product, the delta comes from values
  already computed.

Results are bit for bit those of ``Core.integrate`` (the tests check it): same points,
same batch composition (which decides the BLAS blocking of every layer), same order of
the floating-point sums. ``IntegratedGradients.attribute_detailed`` decides when this
path applies (``applies``); ``attribute`` may still decline (returns None) when the
points do not fit in one chunk or memory runs out, and the general path then runs.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import torch

from . import batching
from .batching import is_out_of_memory, release_memory
from .core import FOLD_ENDS_MAX_ELEMENTS, Attribution, Core, accumulation_dtype, delta
from .inputs import Target

#: the most seeds kept (one per output shape, target and number of path rows)
MAX_SEEDS = 64
#: seeds larger than this many values (models with an output per pixel) are built per
#: call, as the selection's backward would build them, rather than kept
MAX_SEED_ELEMENTS = 1 << 20
#: the most values all kept seeds hold together (16 MiB in float32); past it the cache
#: starts again, so it never holds more than this on any device
MAX_SEED_TOTAL = 1 << 22


def applies(
    xs: Sequence[torch.Tensor],
    forward_dtypes: Sequence[torch.dtype],
    straight: bool,
    fixed_rule: bool,
    plain: bool,
) -> bool:
    """Whether a call may take the lean path: one input in float32/float64 that enters
    the model in its own dtype, along the straight line with a fixed rule, and nothing
    that needs the general loop (``plain``: no trace, no node plan, no training-mode
    module)."""
    if not (straight and fixed_rule and plain and len(xs) == 1):
        return False
    dtype = xs[0].dtype
    return forward_dtypes[0] == dtype and dtype in (torch.float32, torch.float64)


def attribute(
    core: Core,
    x: torch.Tensor,
    b: torch.Tensor,
    weights: torch.Tensor,
    alphas: torch.Tensor,
    multiply_by_inputs: bool,
) -> Attribution | None:
    """Integrated Gradients of ``x`` (N, ...) against ``b`` on the straight line with
    the rule (``weights``, ``alphas``) in ``x``'s dtype; None when the points do not fit
    in one chunk (or memory ran out), so that the general path takes over."""
    n, N = alphas.shape[0], core.batch
    if core.internal_batch_size is None and x.device.type == "cpu":
        # the planner's rule, inline (read at call time: tests lower the cap)
        fits = batching.CPU_CHUNK_ELEMENTS // max(1, x.numel()) >= n
    else:
        fits = core.planner(n, (x,)).steps >= n
    if not fits:
        return None
    try:
        return _attribute(core, x, b, weights, alphas, multiply_by_inputs, n, N)
    except Exception as err:  # noqa: BLE001 - only OOM is handled, others re-raised
        if not is_out_of_memory(err):
            raise
        del err  # its traceback holds the chunk's tensors
        release_memory(x.device)
        return None


def _attribute(
    core: Core,
    x: torch.Tensor,
    b: torch.Tensor,
    weights: torch.Tensor,
    alphas: torch.Tensor,
    multiply_by_inputs: bool,
    n: int,
    N: int,
) -> Attribution:
    kN = n * N
    diff = x - b
    fold = x.numel() <= FOLD_ENDS_MAX_ELEMENTS
    ends = None if fold else core.endpoint_outputs((x,), (b,))
    pts = torch.addcmul(b, alphas.view((-1,) + (1,) * x.dim()), diff)
    rows = pts.reshape((kN,) + x.shape[1:])  # a view, unless an odd layout forbids it
    if fold:
        rows = torch.cat([rows, x, b])
    rows.requires_grad_()  # a fresh tensor: no detach needed
    reps = n + 2 if fold else n
    with torch.enable_grad():
        out = core.forward(rows, reps)
        sel = core.target.select(out.detach(), reps)  # F at every row; checks the target
        if out.requires_grad:
            seed = _seed(core.target, out, kN, reps)
            (grad,) = torch.autograd.grad(out, rows, seed, allow_unused=True)
        else:  # no differentiable path from the input to the output
            grad = None
    if fold:
        ends = (sel[kN : kN + N], sel[kN + N :])
    if grad is None:
        grad = torch.zeros_like(rows)
    if fold:
        grad = grad[:kN]
    # ``weights @ g`` is exactly this product (matmul of a vector and a matrix is mm
    # of the vector as one row), in one dispatch instead of three
    total = torch.mm(weights.view(1, n), grad.reshape(n, -1))
    core.report(n, n)
    attr = total.reshape(x.shape)
    if multiply_by_inputs:
        attr = attr * diff
    out_x, out_b = ends
    if attr.dim() == 2 and attr.dtype == out_x.dtype == accumulation_dtype(out_x.dtype):
        gap = attr.sum(1) - (out_x - out_b)  # ``core.delta`` without its casts and reshape
    else:
        gap = delta((attr,), out_x, out_b)
    return Attribution(
        attributions=(attr,),
        delta=gap,
        output=out_x,
        baseline_output=out_b,
        n_evals=n,
        n_forward=n + 2,
    )


def _seed(target: Target, out: torch.Tensor, path_rows: int, reps: int) -> torch.Tensor:
    """``grad_outputs`` for the model's output: 1 where ``target`` selects on the first
    ``path_rows`` rows, 0 elsewhere; cached. Autograd only reads it, but a backward hook
    on the model sees it as its ``grad_output`` and could write into it: a seed whose
    version counter moved since it was cached is built again."""
    device = out.device
    # a per-example target without its host copy has no safe key: build the seed afresh
    cacheable = target.per_example is None or target.indices is not None
    stream = None
    if device.type == "cuda":
        # a seed made on one stream and read by kernels on another could be handed back
        # to the first stream's pool while the other still reads it: one seed per stream
        stream = torch.cuda.current_stream(device).stream_id
    elif device.type != "cpu":
        cacheable = False  # other accelerators: no stream bookkeeping here, build afresh
    key = (
        tuple(out.shape),
        out.dtype,
        device,
        stream,
        path_rows,
        reps,
        target.shared,
        target.indices,
    )
    kept = _SEEDS.get(key) if cacheable else None
    seed = None
    if kept is not None and kept[0]._version == kept[1]:
        seed = kept[0]
    if seed is None:
        seed = torch.zeros(out.shape, dtype=out.dtype, device=out.device)
        head = seed[:path_rows]
        if target.per_example is not None:
            steps = path_rows // target.batch
            rows = torch.arange(path_rows, device=out.device)
            head[(rows,) + tuple(i.repeat(steps) for i in target.per_example)] = 1
        elif target.shared is not None:
            head[(slice(None),) + target.shared] = 1
        else:
            head.fill_(1)
        if cacheable and seed.numel() <= MAX_SEED_ELEMENTS:
            # the widget's worker and the user's own calls may both be here: counting,
            # clearing and adding happen under one lock (a lookup alone is atomic)
            with _SEEDS_LOCK:
                kept_values = sum(s.numel() for s, _ in _SEEDS.values())
                if len(_SEEDS) >= MAX_SEEDS or kept_values + seed.numel() > MAX_SEED_TOTAL:
                    _SEEDS.clear()
                _SEEDS[key] = (seed, seed._version)
    return seed


#: (output shape, dtype, device, CUDA stream, path rows, reps, shared index,
#: per-example indices) -> (seed, its version counter when cached)
_SEEDS: dict[tuple, tuple[torch.Tensor, int]] = {}
_SEEDS_LOCK = threading.Lock()


def clear_seeds() -> None:
    """Drop every kept seed (``release_memory`` does, after an out-of-memory error)."""
    with _SEEDS_LOCK:
        _SEEDS.clear()


batching.ON_RELEASE.append(clear_seeds)
