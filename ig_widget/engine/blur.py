"""Blur IG: the path from a strongly blurred image to the image (Xu et al., CVPR 2020).

"Attribution in Scale and Space" integrates gradients along the path
g(alpha) = blur(x, sigma(alpha)) with sigma(alpha) = max_sigma (1 - alpha): at alpha = 0
the image blurred with a Gaussian of standard deviation ``max_sigma`` (the baseline, which
the path makes itself), at alpha = 1 the image. The blur only removes information as
sigma grows, so the path adds detail at ever finer scales on the way to the input.

The blur is separable and, with zero padding beyond the border (scipy's
``mode='constant'``, as in the PAIR ``saliency`` library), is the product
``B_H(sigma) x B_W(sigma)^T`` of two banded matrices per channel. The kernel spans the whole
image (no truncation radius), so the path is smooth in sigma; it is normalised to sum to
one over all offsets that can matter (-(L-1) .. L-1 for an axis of length L). The slope
dg/dalpha uses the exact derivative of the normalised kernel with respect to sigma, where
the ``saliency`` library takes a finite difference with ``grad_step=0.01``; no
``grad_step`` is needed here. Below sigma = 0.01 the kernel is the identity to the last bit
(exp(-5000) is 0), so the path reaches the input exactly.

Defaults follow the ``saliency`` library: ``max_sigma=50``; it integrates with 100 left
Riemann steps (``n_steps=100, method="riemann_left"`` here), but every quadrature rule of
the engine and ``n_steps="auto"`` apply.

The image changes fastest at small sigma (the last few percent of a linear schedule), so
``power=p`` traverses the same curve as sigma = max_sigma (1 - alpha)^p: the attribution
is the same path integral (it does not depend on the speed along the curve), but the
quadrature nodes gather where the integrand lives, and fewer steps reach a given delta.
"""

from __future__ import annotations

import torch

from .core import Tensors
from .paths import GradientPath

#: sigmas below this blur nothing: the kernel's off-centre weights underflow to zero
MIN_SIGMA = 0.01


def blur_matrix(length: int, sigma: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The zero-padded Gaussian blur of one axis as (k, L, L) matrices, and d/dsigma of them.

    ``sigma`` (k,) in the dtype and device wanted; values below ``MIN_SIGMA`` act as 0.
    """
    s = sigma.clamp_min(MIN_SIGMA).view(-1, 1)
    offsets = torch.arange(-(length - 1), length, dtype=sigma.dtype, device=sigma.device)
    sq = offsets.view(1, -1) ** 2
    e = torch.exp(-sq / (2 * s**2))  # (k, 2L-1) unnormalised kernel
    de = e * sq / s**3  # d e / d sigma
    total, dtotal = e.sum(1, keepdim=True), de.sum(1, keepdim=True)
    w = e / total
    dw = (de * total - e * dtotal) / total**2
    idx = torch.arange(length, device=sigma.device)
    diff = (idx.view(-1, 1) - idx.view(1, -1)) + (length - 1)  # (L, L) offset i - j, shifted
    return w[:, diff], dw[:, diff]


def gaussian_blur(x: torch.Tensor, sigma: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """blur(x, sigma_j) and d blur / d sigma for (N, C, H, W) ``x`` and (k,) sigmas.

    Returns two tensors shaped (k, N, C, H, W); channels are blurred independently.
    """
    bh, dbh = blur_matrix(x.shape[-2], sigma)
    bw, dbw = blur_matrix(x.shape[-1], sigma)
    rows = torch.einsum("kih,nchw->knciw", bh, x)
    drows = torch.einsum("kih,nchw->knciw", dbh, x)
    out = torch.einsum("knciw,kjw->kncij", rows, bw)
    dout = torch.einsum("knciw,kjw->kncij", drows, bw) + torch.einsum("knciw,kjw->kncij", rows, dbw)
    return out, dout


def check_image(x: torch.Tensor, who: str) -> None:
    if x.dim() != 4:
        raise ValueError(
            f"{who} blurs images shaped (N, C, H, W); got an input of shape "
            f"{tuple(x.shape)}. Pass image batches with a channel dimension "
            "(x.unsqueeze(1) for one-channel (N, H, W) images)."
        )


class BlurPath(GradientPath):
    """Blur IG: from ``blur(x, max_sigma)`` (alpha = 0) to ``x`` (alpha = 1).

    For image inputs shaped (N, C, H, W) (each tensor of a tuple must be). The path makes
    its own baseline: baselines passed to ``attribute`` are ignored. The delta compares
    the attributions with F(x) - F(blur(x, max_sigma)).
    """

    def __init__(self, max_sigma: float = 50.0, power: float = 1.0) -> None:
        if (
            isinstance(max_sigma, bool)
            or not isinstance(max_sigma, (int, float))
            or not max_sigma > 0
            or max_sigma == float("inf")
        ):
            raise ValueError(
                f"BlurPath(max_sigma={max_sigma!r}): max_sigma must be a positive finite "
                "number of pixels (the blur of the starting image; 50 as in Blur IG)."
            )
        if isinstance(power, bool) or not isinstance(power, (int, float)) or not 1 <= power <= 8:
            raise ValueError(
                f"BlurPath(power={power!r}): power must be a number from 1 (sigma linear in "
                "alpha, as in Blur IG) to 8."
            )
        self.max_sigma, self.power = float(max_sigma), float(power)

    def __repr__(self) -> str:
        extra = "" if self.power == 1 else f", power={self.power:g}"
        return f"BlurPath(max_sigma={self.max_sigma:g}{extra})"

    def sigma(self, alphas: torch.Tensor) -> torch.Tensor:
        """The blur at each alpha: max_sigma (1 - alpha)^power, decreasing to 0 at the input."""
        return self.max_sigma * (1 - alphas).clamp_min(0) ** self.power

    def sigma_slope(self, alphas: torch.Tensor) -> torch.Tensor:
        """d sigma / d alpha."""
        if self.power == 1:
            return torch.full_like(alphas, -self.max_sigma)
        return -self.power * self.max_sigma * (1 - alphas).clamp_min(0) ** (self.power - 1)

    def points(
        self, xs: Tensors, bs: Tensors, alphas: torch.Tensor
    ) -> tuple[Tensors, Tensors | None]:
        sig, dsig = self.sigma(alphas), self.sigma_slope(alphas)
        points, slopes = [], []
        for x in xs:
            check_image(x, "BlurPath")
            out, dout = gaussian_blur(x, sig)
            points.append(out)
            slopes.append(dsig.view((-1,) + (1,) * x.dim()) * dout)
        return tuple(points), tuple(slopes)

    def endpoints(self, xs: Tensors, bs: Tensors) -> tuple[Tensors, Tensors]:
        for x in xs:
            check_image(x, "BlurPath")
        full = torch.tensor([self.max_sigma], dtype=xs[0].dtype, device=xs[0].device)
        return xs, tuple(gaussian_blur(x, full)[0][0] for x in xs)

    def values_at(self, xs: Tensors, bs: Tensors, alphas: torch.Tensor) -> Tensors:
        with torch.no_grad():
            sig = self.sigma(alphas)
            out = []
            for x in xs:
                bh, _ = blur_matrix(x.shape[-2], sig)
                bw, _ = blur_matrix(x.shape[-1], sig)
                rows = torch.einsum("kih,nchw->knciw", bh, x)
                out.append(torch.einsum("knciw,kjw->kncij", rows, bw))
            return tuple(out)
