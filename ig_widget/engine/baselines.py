"""Named baselines per modality: pure torch, no widget code.

Every builder takes the input with its batch dimension (one example or more) and
returns a tensor of the same shape, dtype and device. Image inputs are (N, C, H, W);
text baselines live in embedding space (N, T, D); tabular inputs are (N, F).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import torch
from torch.nn import functional as F

from .layer import embedding_forward

#: seed of the "noise" baseline, so the same input always gets the same noise
NOISE_SEED = 0


# ------------------------------------------------------------------------- images
def _check_image(x: torch.Tensor) -> None:
    if not isinstance(x, torch.Tensor) or x.dim() != 4 or not x.is_floating_point():
        shape = tuple(x.shape) if isinstance(x, torch.Tensor) else type(x).__name__
        raise ValueError(f"image baselines need a float tensor (N, C, H, W), got {shape}.")


def zero(x: torch.Tensor) -> torch.Tensor:
    """All zeros, shaped like ``x``: a black image when the model takes values in [0, 1],
    the zero embedding for text, every feature at 0 (its mean, when standardised) for
    tabular data. The one zero baseline of every modality."""
    return torch.zeros_like(x)


def blur_sigma(height: int, width: int) -> float:
    """The default blur: a tenth of the longer side (at least one pixel)."""
    return max(1.0, 0.1 * max(height, width))


def gaussian_blur(x: torch.Tensor, sigma: float | None = None) -> torch.Tensor:
    """The input blurred by a Gaussian of standard deviation ``sigma`` pixels (default
    ``blur_sigma(H, W)``); separable ``conv2d`` per channel, edges replicated."""
    _check_image(x)
    _, c, h, w = x.shape
    sigma = blur_sigma(h, w) if sigma is None else float(sigma)
    if not sigma > 0:
        raise ValueError(f"sigma={sigma} must be positive.")
    radius = max(1, math.ceil(3.0 * sigma))
    offsets = torch.arange(-radius, radius + 1, dtype=torch.float64)
    kernel = torch.exp(-0.5 * (offsets / sigma) ** 2)
    kernel = (kernel / kernel.sum()).to(dtype=x.dtype, device=x.device)
    k = kernel.numel()
    out = F.pad(x, (radius, radius, 0, 0), mode="replicate")
    out = F.conv2d(out, kernel.view(1, 1, 1, k).expand(c, 1, 1, k), groups=c)
    out = F.pad(out, (0, 0, radius, radius), mode="replicate")
    out = F.conv2d(out, kernel.view(1, 1, k, 1).expand(c, 1, k, 1), groups=c)
    return out.detach()


def uniform_noise(x: torch.Tensor, seed: int = NOISE_SEED) -> torch.Tensor:
    """Uniform noise between the input's smallest and largest value, from a fixed seed
    (drawn on the CPU, so the noise does not depend on the device)."""
    lo, hi = x.detach().min(), x.detach().max()
    gen = torch.Generator().manual_seed(int(seed))
    u = torch.rand(x.shape, generator=gen, dtype=torch.float64)
    return (lo.double().cpu() + u * (hi - lo).double().cpu()).to(dtype=x.dtype, device=x.device)


def channel_mean(x: torch.Tensor) -> torch.Tensor:
    """Each channel filled with that channel's mean value over the image."""
    _check_image(x)
    return x.detach().mean(dim=(2, 3), keepdim=True).expand_as(x).clone()


IMAGE: dict[str, Callable[[torch.Tensor], torch.Tensor]] = {
    "zero": zero,
    "blur": gaussian_blur,
    "noise": uniform_noise,
    "mean colour": channel_mean,
}


# --------------------------------------------------------------------------- text
def pad_embeddings(
    model: Any, layer: torch.nn.Module, ids: torch.Tensor, pad_token_id: int, *args: Any
) -> torch.Tensor:
    """``layer``'s output when every token of ``ids`` is ``pad_token_id`` (the model runs
    once on the padded ids, so position embeddings inside ``layer`` are kept)."""
    pad = torch.full_like(ids, int(pad_token_id))
    emb, _ = embedding_forward(model, layer, pad, *args)
    return emb


# ------------------------------------------------------------------------ tabular
def background_mean(x: torch.Tensor, background: Any) -> torch.Tensor:
    """Every example set to the mean row of ``background`` (rows x features)."""
    bg = torch.as_tensor(background)
    feats = x.shape[1:]
    if bg.dim() == len(feats):
        bg = bg.unsqueeze(0)
    if tuple(bg.shape[1:]) != tuple(feats) or bg.shape[0] == 0:
        raise ValueError(
            f"background has shape {tuple(torch.as_tensor(background).shape)}; it needs "
            f"rows of {tuple(feats)} features, shape (n_rows, {', '.join(map(str, feats))})."
        )
    mean = bg.to(dtype=torch.float64).mean(0, keepdim=True)
    return mean.to(dtype=x.dtype, device=x.device).expand_as(x).clone()
