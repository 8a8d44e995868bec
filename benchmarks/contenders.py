"""The three things timed per case: ig_widget, captum, and the floor both must pay.

The proxy is one forward and one backward pass over the n_steps path rows (times the
batch), built once
outside the timing. Any Integrated Gradients implementation needs at least this much
work, so ``ours / proxy`` is how much an engine spends beyond the unavoidable (building
the path, weighting and summing gradients, the two extra forward passes for the delta).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch

from benchmarks.cases import Case

METHOD = "gausslegendre"


def load_ours() -> tuple[type | None, str]:
    """ig_widget's IntegratedGradients, or None and the reason it cannot be imported."""
    try:
        from ig_widget import IntegratedGradients
    except Exception as exc:  # noqa: BLE001 - any import failure means "not available"
        return None, f"{type(exc).__name__}: {exc}"
    return IntegratedGradients, ""


def load_captum() -> type:
    from captum.attr import IntegratedGradients

    return IntegratedGradients


def attribute(ig, case: Case, n_steps, internal_batch_size=None, **extra):
    """(attributions, delta) from any captum-compatible IntegratedGradients."""
    return ig.attribute(
        case.x,
        baselines=case.baseline,
        target=case.target,
        n_steps=n_steps,
        method=METHOD,
        internal_batch_size=internal_batch_size,
        return_convergence_delta=True,
        **extra,
    )


def path_rows(case: Case, n_steps: int) -> torch.Tensor:
    """The n_steps Gauss-Legendre path points of every example as one batch that
    requires grad: (n_steps * batch, *features), step-major."""
    nodes, _ = np.polynomial.legendre.leggauss(n_steps)
    alphas = torch.as_tensor(0.5 * (nodes + 1.0), dtype=case.x.dtype, device=case.x.device)
    shape = (n_steps,) + (1,) * case.x.dim()
    rows = case.baseline.unsqueeze(0) + alphas.view(shape) * (case.x - case.baseline).unsqueeze(0)
    return rows.reshape((-1,) + tuple(case.x.shape[1:])).detach().requires_grad_(True)


def proxy_fn(case: Case, n_steps: int) -> Callable[[], object]:
    rows = path_rows(case, n_steps)
    forward = case.forward
    target = torch.as_tensor(case.target, device=case.x.device).expand(case.batch)
    target = target.repeat(n_steps).unsqueeze(1)

    def proxy():
        out = forward(rows)
        return torch.autograd.grad(out.gather(1, target).sum(), rows)

    return proxy


def contenders(case: Case, ours_cls: type | None, captum_cls: type) -> dict[str, Callable]:
    """name -> zero-argument callable, in the order they alternate."""
    fns = {}
    if ours_cls is not None:
        ours = ours_cls(case.forward)
        fns["ours"] = lambda: attribute(ours, case, case.n_steps)
    cap = captum_cls(case.forward)
    fns["captum"] = lambda: attribute(cap, case, case.n_steps)
    fns["proxy"] = proxy_fn(case, case.n_steps)
    return fns
