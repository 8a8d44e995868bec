"""Expected Gradients and SmoothGrad on IG in the widget: one result averaged over samples.

One baseline (or one input) is one arbitrary choice. The widget's ``distribution``
setting averages straight-line IG over many of them with the engine's functions
(``engine/distributions.py``), one engine call per computation with every sample in it:

- "expected_gradients": IG from baselines drawn from the ``background=`` rows the user
  passed (``samples`` draws with replacement; when ``samples`` reaches the number of
  rows, every row once: the exact mean over the background set). For text the rows are
  token ids of the input's length (or embeddings), taken to the embedding layer.
- "smoothgrad": IG at ``samples`` noisy copies of the input, all from the selected
  baseline; the noise's standard deviation is ``noise`` times the input's range
  (max - min of the attributed input: pixels as the model gets them, features, or the
  text's embeddings).

The draws use the fixed seed ``SEED``, so the same settings give the same result (the
cache, pins and saved results agree). The view shows the mean as usual and the standard
deviation across samples of each display value (a pixel summed over channels, a token,
a feature) as ``spread``.

Completeness holds on average: for Expected Gradients the sum of the mean equals
F(x) - mean F(drawn baselines) up to the quadrature error, so the readout's F(x') is that
mean; for SmoothGrad the delta is the mean of the per-sample deltas, and the readout's
F(x) is the mean output over the noisy inputs (F at x itself is in ``delta_note``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import torch

from .. import payload
from .._serialize import encode_array
from ..engine.distributions import DistributionResult, expected_gradients, smooth_ig
from ..engine.inputs import expand_additional_args
from ..engine.model_state import buffers_kept
from ..engine.outputs import output_tensor
from .records import Result, Settings

if TYPE_CHECKING:
    from .explainer import Explainer

#: what the distribution select offers, in this order (expected gradients only with a
#: background set of at least ``MIN_BACKGROUND`` rows)
DISTRIBUTIONS = ("none", "smoothgrad", "expected_gradients")
MIN_BACKGROUND = 2
#: the seed of every draw: same settings, same samples
SEED = 0
DEFAULT_SAMPLES = 16
MAX_SAMPLES = 256
DEFAULT_NOISE = 0.1
#: what background= holds per modality (for the message that says how to enable EG)
SHAPES = {
    "image": "(B, C, H, W) images",
    "tabular": "(B, F) rows",
    "text": "(B, T) token-id rows of the input's length",
}


def check_background(background: Any, x: torch.Tensor, what: str) -> torch.Tensor:
    """``background`` as a (B, *example) tensor in ``x``'s dtype and device; ``x`` has its
    batch dimension of 1. ``what`` names the expected shape in the message."""
    bg = torch.as_tensor(background)
    example = tuple(x.shape[1:])
    if bg.dim() == len(example):
        bg = bg.unsqueeze(0)
    if tuple(bg.shape[1:]) != example or bg.shape[0] == 0 or bg.is_complex():
        raise ValueError(
            f"background has shape {tuple(torch.as_tensor(background).shape)}; it needs "
            f"{what} shaped like x: (B, {', '.join(map(str, example))})."
        )
    bg = bg.to(torch.float64)
    if not torch.isfinite(bg).all():
        raise ValueError("background holds NaN or infinite values; pass finite rows.")
    return bg.to(dtype=x.dtype, device=x.device)


def unavailable(explainer: Explainer, name: str) -> str:
    """Why ``distribution=name`` is not offered, and how to enable it."""
    if name in DISTRIBUTIONS and explainer.modality not in SHAPES:
        return (
            f"distribution={name!r} is not offered for several inputs (x holds more than "
            "one tensor): the distributions average one input; use 'none'."
        )
    if name == "expected_gradients":
        rows = explainer.background_rows
        have = "none was passed" if rows is None else f"it has {int(rows.shape[0])} row"
        return (
            "distribution='expected_gradients' draws its baselines from a background set, "
            f"and {have}: build the widget with IGWidget(model, x, background=...) holding "
            f"at least {MIN_BACKGROUND} {SHAPES[explainer.modality]} shaped like x "
            "(examples from the training data)."
        )
    return (
        f"distribution={name!r} is not offered; use one of "
        f"{', '.join(map(repr, explainer.distribution_options))}."
    )


def noise_sigma(x: torch.Tensor, noise: float) -> float:
    """The noise's standard deviation: ``noise`` times the range of ``x``."""
    return float(noise) * float(x.detach().double().max() - x.detach().double().min())


def _forward(explainer: Explainer, rows_total: int, progress: Callable | None) -> Callable:
    """The function the engine integrates, with the explainer's extra arguments repeated
    for every row, the progress reported per call, and the model's failures as
    ``ModelError``. A newer request makes ``progress`` raise ``Cancelled``, which ends
    the engine call at its next chunk."""
    fwd = explainer._watched(explainer.forward)
    args = explainer.args
    done = [0]

    def run(rows: torch.Tensor) -> Any:
        if progress is not None:
            progress(min(0.99, done[0] / rows_total))
        out = fwd(rows, *expand_additional_args(args, int(rows.shape[0])))
        done[0] += int(rows.shape[0])
        return out

    return run


def _output_at(explainer: Explainer, point: torch.Tensor, target: Any) -> float:
    """F at one point (batch of 1) for the target, without a graph."""
    fwd = explainer._watched(explainer.forward)
    with torch.no_grad(), buffers_kept([explainer.model]):
        out = output_tensor(fwd(point, *explainer.args))
    flat = out.detach().reshape(out.shape[0], -1)[0].double()
    return float(flat[0] if target is None else flat[int(target)])


def run(explainer: Explainer, settings: Settings, progress: Callable | None) -> DistributionResult:
    """The engine call for ``settings`` (one call, every sample in it)."""
    if settings.path != "straight":
        raise ValueError(
            f"distribution={settings.distribution!r} averages straight-line IG; set "
            f"path='straight' (now {settings.path!r}) or distribution='none'."
        )
    if settings.distribution not in explainer.distribution_options:
        raise ValueError(unavailable(explainer, settings.distribution))
    x = explainer.inputs
    target = explainer.engine_target(settings.target)
    common = {
        "n_steps": settings.n_steps,
        "method": settings.method,
        "target": target,
        "seed": SEED,
        "keep_samples": True,
    }
    if settings.distribution == "expected_gradients":
        bg = explainer.background_rows
        k = None if settings.samples >= bg.shape[0] else settings.samples
        n = bg.shape[0] if k is None else k
        fwd = _forward(explainer, n * (settings.n_steps + 2), progress)
        return expected_gradients(fwd, x, bg, k=k, **common)
    fwd = _forward(explainer, settings.samples * (settings.n_steps + 2), progress)
    return smooth_ig(
        fwd,
        x,
        baselines=explainer.baseline(settings.baseline),
        stdevs=noise_sigma(x, settings.noise),
        nt_samples=settings.samples,
        **common,
    )


def compute(explainer: Explainer, settings: Settings, progress: Callable | None) -> Result:
    """The widget's ``Result`` (with its payload) for a distribution setting."""
    res = run(explainer, settings, progress)
    mean = res.mean[0].detach()
    delta = float(res.delta[0])
    # sum(mean) - delta: the mean over samples of F(input_s) - F(baseline_s)
    change = float(mean.double().sum()) - delta
    target = explainer.engine_target(settings.target)
    at_x = _output_at(explainer, explainer.inputs, target)  # F(x) for this target and step
    if settings.distribution == "expected_gradients":
        output = at_x
        baseline_output = output - change
    else:
        baseline_output = _output_at(explainer, explainer.baseline(settings.baseline), target)
        output = baseline_output + change
    per_sample = explainer._display(res.samples[:, 0].detach(), nodes=True).double()
    spread = per_sample.std(0, correction=1) if res.n_samples > 1 else per_sample[0] * 0
    result = Result(
        attributions=mean,
        delta=delta,
        output=output,
        baseline_output=baseline_output,
        settings=settings.as_dict(),
        spread=spread,
        n_evals=res.n_samples * settings.n_steps,
        warnings=list(explainer.notes),
        input_output=at_x,
    )
    shown = explainer._display(mean).detach().double().cpu().numpy().astype(np.float32)
    view = explainer._view(result, shown)
    shape = view["attr"]["shape"]
    result.payload = {
        **view,
        "spread": encode_array(spread.cpu().numpy().astype(np.float32).reshape(shape)),
        "path_trace": payload.path_trace(
            None, None, output, baseline_output, shown, None, explainer._feature_names()
        ),
        "readout": explainer._readout(result, settings),
    }
    return result


def readout(explainer: Explainer, settings: Settings, result: Result) -> dict:
    """Readout keys saying what a distribution computed and what its delta means ({}
    without one): ``spread_detail`` for the settings line, ``delta_note`` beside the
    delta, and the settings themselves (saved records carry them)."""
    if settings.distribution == "none":
        return {}
    k = settings.samples
    if settings.distribution == "expected_gradients":
        rows = explainer.background_rows
        b = 0 if rows is None else int(rows.shape[0])
        detail = (
            f"expected gradients over all {b} background rows"
            if k >= b
            else f"expected gradients: {k} baselines drawn from {b} background rows"
        )
        note = (
            "Expected Gradients: Σ attributions = F(x) − mean F(background) + δ; F(x′) is "
            "that mean, δ the quadrature error."
        )
        return {
            "spread_detail": detail,
            "delta_note": note,
            "baseline": "background",
            "distribution": settings.distribution,
            "samples": k,
        }
    sigma = noise_sigma(explainer.inputs, settings.noise)
    detail = (
        f"SmoothGrad: {k} samples, noise {settings.noise:g} of the input's range (σ = {sigma:.3g})"
    )
    at_x = result.input_output if result.input_output is not None else result.output
    note = (
        f"SmoothGrad: δ is the mean of the {k} per-sample deltas; F(x) is the mean "
        f"output over the noisy inputs (at x itself: {at_x:.4g})."
    )
    return {
        "spread_detail": detail,
        "delta_note": note,
        "distribution": settings.distribution,
        "samples": k,
        "noise": float(settings.noise),
    }
