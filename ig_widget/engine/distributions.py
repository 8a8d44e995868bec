"""Attributions averaged over a distribution: Expected Gradients and SmoothGrad on IG.

One baseline (or one input) is one arbitrary choice; averaging IG over many of them
removes the dependence on that choice and shows how much the attribution varies:

- ``expected_gradients``: the mean of IG over baselines drawn from a background set the
  user passes (training images, table rows). Erion et al. (2021, "Improving performance
  of deep learning models with axiomatic attribution priors and expected gradients")
  draw one baseline *and one random alpha* per sample, a Monte Carlo estimate of the
  double integral. Here each drawn baseline gets a full IG integral (``n_steps`` nodes of
  ``method``), and the result is the mean of those IG maps: less variance per sample, and
  on a linear model the mean over the whole background is exactly w * (x - mean(background)).
- ``smooth_ig``: SmoothGrad (Smilkov et al., 2017) applied to IG: the mean of IG at inputs
  x + N(0, stdevs^2) noise, all with the same baseline.

Both return the mean map and the standard deviation across samples (a second map: where
the attribution is unstable), with the completeness delta of the mean. All samples go
through the engine in one call (the inputs repeated, one baseline per row), so batching,
chunking and out-of-memory retries are the engine's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import torch

from .integrated_gradients import IntegratedGradients


@dataclass
class DistributionResult:
    """Mean and spread of IG over ``n_samples`` draws, per example.

    ``mean``, ``std``: shaped like the input; ``std`` is the sample standard deviation
    across draws (zero for one draw). ``delta`` (N,): sum(mean) minus the mean over draws
    of F(input_s) - F(baseline_s). ``sample_deltas`` (n_samples, N): each draw's own
    delta. ``samples`` (n_samples, N, ...): every draw's attribution, if asked for.
    ``indices`` (n_samples, N): for Expected Gradients, the background rows drawn.
    """

    mean: torch.Tensor
    std: torch.Tensor
    delta: torch.Tensor
    sample_deltas: torch.Tensor
    n_samples: int
    samples: torch.Tensor | None = None
    indices: torch.Tensor | None = None


def expected_gradients(
    forward: Callable,
    inputs: torch.Tensor,
    background: torch.Tensor,
    k: int | None = None,
    n_steps: int = 50,
    method: str = "gausslegendre",
    target: Any = None,
    seed: int = 0,
    internal_batch_size: int | None = None,
    keep_samples: bool = False,
) -> DistributionResult:
    """Expected Gradients: the mean of IG over baselines drawn from ``background``.

    ``forward``: the model (any callable ``IntegratedGradients`` takes) or an
    ``IntegratedGradients`` instance.
    ``inputs`` (N, ...) and ``background`` (B, ...) share their per-example shape.
    ``k=None`` uses every background row once for every input (the exact mean over the
    background set); ``k=int`` draws ``k`` rows with replacement per input, with
    ``torch.Generator().manual_seed(seed)``. ``target`` as in ``attribute``.
    """
    x = _check_tensor(inputs, "inputs")
    bg = _check_tensor(background, "background")
    if tuple(bg.shape[1:]) != tuple(x.shape[1:]):
        raise ValueError(
            f"background rows have shape {tuple(bg.shape[1:])} but inputs have "
            f"{tuple(x.shape[1:])}: pass background shaped (B, *inputs.shape[1:])."
        )
    if bg.shape[0] == 0:
        raise ValueError("background is empty: pass at least one row to draw baselines from.")
    N, B = x.shape[0], bg.shape[0]
    if k is None:
        idx = torch.arange(B).unsqueeze(1).expand(B, N)
    else:
        _check_count(k, "k")
        gen = torch.Generator().manual_seed(int(seed))
        idx = torch.randint(B, (k, N), generator=gen)
    baselines = bg[idx.to(bg.device)].to(x.dtype)  # (k, N, ...)
    inputs_rep = x.unsqueeze(0).expand_as(baselines)
    res = _run(forward, inputs_rep, baselines, target, n_steps, method, internal_batch_size)
    return _summarise(res, keep_samples, idx)


def smooth_ig(
    forward: Callable,
    inputs: torch.Tensor,
    baselines: Any = None,
    stdevs: float = 0.1,
    nt_samples: int = 10,
    n_steps: int = 50,
    method: str = "gausslegendre",
    target: Any = None,
    seed: int = 0,
    internal_batch_size: int | None = None,
    keep_samples: bool = False,
) -> DistributionResult:
    """SmoothGrad on IG: the mean of IG at ``inputs + N(0, stdevs^2)`` noise.

    ``forward``: the model or an ``IntegratedGradients`` instance.
    ``stdevs`` is the noise's standard deviation in input units (as captum's
    ``NoiseTunnel``); ``nt_samples`` noisy copies per input, drawn with
    ``torch.Generator().manual_seed(seed)``. ``baselines`` as in ``attribute`` (a tensor
    shaped like ``inputs``, a number, or None for zeros), the same for every copy.
    """
    x = _check_tensor(inputs, "inputs")
    if isinstance(stdevs, bool) or not isinstance(stdevs, (int, float)) or not stdevs >= 0:
        raise ValueError(
            f"stdevs={stdevs!r} must be a number >= 0 (the noise's standard deviation in "
            "input units; 0 gives plain IG)."
        )
    _check_count(nt_samples, "nt_samples")
    if baselines is None:
        base = torch.zeros_like(x)
    elif isinstance(baselines, (int, float)) and not isinstance(baselines, bool):
        base = torch.full_like(x, float(baselines))
    else:
        base = _check_tensor(baselines, "baselines").to(x.dtype).expand_as(x)
    gen = torch.Generator().manual_seed(int(seed))
    noise = torch.randn((nt_samples, *x.shape), generator=gen, dtype=torch.float64)
    noisy = x.unsqueeze(0) + (float(stdevs) * noise).to(x.dtype).to(x.device)
    base_rep = base.unsqueeze(0).expand_as(noisy)
    res = _run(forward, noisy, base_rep, target, n_steps, method, internal_batch_size)
    return _summarise(res, keep_samples, None)


def _check_tensor(t: Any, name: str) -> torch.Tensor:
    if not isinstance(t, torch.Tensor) or not t.is_floating_point() or t.dim() < 1:
        raise TypeError(
            f"{name} must be a floating-point tensor with a batch dimension first, got "
            f"{type(t).__name__}{'' if not isinstance(t, torch.Tensor) else f' {t.dtype}'}."
        )
    return t


def _check_count(n: Any, name: str) -> None:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"{name}={n!r} must be a positive int (the number of samples).")


def _repeat_target(target: Any, k: int, batch: int) -> Any:
    """A per-example target repeated for k stacked copies of the batch (sample-major)."""
    if isinstance(target, torch.Tensor) and target.dim() >= 1 and target.shape[0] == batch:
        return target.repeat((k,) + (1,) * (target.dim() - 1))
    if isinstance(target, list) and len(target) == batch:
        return target * k
    return target


def _run(
    forward: Callable,
    inputs: torch.Tensor,
    baselines: torch.Tensor,
    target: Any,
    n_steps: int,
    method: str,
    internal_batch_size: int | None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """IG of k stacked copies (k, N, ...) in one engine call -> attributions and deltas."""
    k, N = inputs.shape[:2]
    flat_x = inputs.reshape((k * N,) + inputs.shape[2:])
    flat_b = baselines.reshape((k * N,) + inputs.shape[2:])
    ig = forward if isinstance(forward, IntegratedGradients) else IntegratedGradients(forward)
    res = ig.attribute_detailed(
        flat_x,
        flat_b,
        target=_repeat_target(target, k, N),
        n_steps=n_steps,
        method=method,
        internal_batch_size=internal_batch_size,
    )
    return res.attributions[0].reshape(inputs.shape), res.delta.reshape(k, N)


def _summarise(
    res: tuple[torch.Tensor, torch.Tensor], keep_samples: bool, idx: torch.Tensor | None
) -> DistributionResult:
    attrs, deltas = res
    k = attrs.shape[0]
    mean = attrs.mean(0)
    std = attrs.std(0, correction=1) if k > 1 else torch.zeros_like(mean)
    return DistributionResult(
        mean=mean,
        std=std,
        delta=deltas.mean(0),
        sample_deltas=deltas,
        n_samples=k,
        samples=attrs if keep_samples else None,
        indices=idx,
    )
