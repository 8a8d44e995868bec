"""What one computation depends on (``Settings``) and what it produced (``Result``)."""

from __future__ import annotations

from dataclasses import dataclass, field

import torch

from ..engine import PathTrace


# -------------------------------------------------------------------- records
@dataclass(frozen=True)
class Settings:
    """What one computation depends on (the cache key)."""

    n_steps: int
    method: str
    baseline: str
    path: str
    target: int
    #: a causal LM with generated tokens: which generated token's logits are explained
    #: (0: the token right after the prompt)
    step: int = 0
    #: "steps: auto": the completeness tolerance, n_steps then the most steps to spend
    tol: float | None = None
    #: averaging over a distribution (``distribution.py``): "none", "smoothgrad" or
    #: "expected_gradients"; ``samples`` draws, ``noise`` (SmoothGrad) the noise's
    #: standard deviation as a fraction of the input's range (max - min)
    distribution: str = "none"
    samples: int = 0
    noise: float = 0.0
    #: image grouped paths (extremal, all orderings): the patch size in pixels (0: the
    #: default grid of ``explore/image_paths.py``)
    patch: int = 0

    def key(self, uses_gradients: bool) -> tuple:
        """Forward-only paths ignore ``n_steps`` and ``method``, so they share results;
        the distribution's controls count only for the distribution that uses them."""
        spread = (self.distribution, self.samples, self.noise if self.smoothgrad else 0.0)
        if self.distribution == "none":
            spread = ("none", 0, 0.0)
        if uses_gradients:
            return (
                self.n_steps,
                self.method,
                self.baseline,
                self.path,
                self.target,
                self.step,
                self.tol,
                *spread,
                self.patch,
            )
        return (
            None,
            None,
            self.baseline,
            self.path,
            self.target,
            self.step,
            None,
            *spread,
            self.patch,
        )

    @property
    def smoothgrad(self) -> bool:
        return self.distribution == "smoothgrad"

    def as_dict(self) -> dict:
        out = {
            "n_steps": self.n_steps,
            "method": self.method,
            "baseline": self.baseline,
            "path": self.path,
            "target": self.target,
        }
        if self.step:
            out["step"] = self.step
        if self.tol is not None:  # only "steps: auto" results say their tolerance
            out["tol"] = self.tol
        if self.distribution != "none":  # only averaged results say how
            out["distribution"] = self.distribution
            out["samples"] = self.samples
            if self.smoothgrad:
                out["noise"] = self.noise
        if self.patch:
            out["patch"] = self.patch
        return out


@dataclass
class Result:
    """One finished Integrated Gradients computation for the widget's example.

    ``attributions`` is shaped like the example without its batch dimension: (C, H, W)
    for an image, (F,) for a tabular row, (T, D) (the embeddings) for text, where
    ``token_attributions`` (T,) sums it over the embedding dimension. ``delta`` is
    sum(attributions) - (output - baseline_output). ``trace`` holds the path's alphas and
    outputs (its per-feature integrand is dropped to keep the cache small).
    """

    attributions: torch.Tensor
    delta: float
    output: float
    baseline_output: float
    settings: dict
    token_attributions: torch.Tensor | None = None
    #: several inputs: one attribution tensor per attributed input, shaped like it
    #: (``attributions`` then holds them flattened and concatenated)
    input_attributions: tuple[torch.Tensor, ...] | None = None
    trace: PathTrace | None = None
    #: a distribution's result: the standard deviation across its samples of each
    #: display value (pixel summed over channels, token, feature), flattened
    spread: torch.Tensor | None = None
    #: a distribution's F at x itself (SmoothGrad's ``output`` is the mean over the noisy
    #: inputs; Expected Gradients' is F(x))
    input_output: float | None = None
    n_evals: int = 0
    warnings: list[str] = field(default_factory=list)
    #: the whole ``_payload`` the front end draws for this result (docs/architecture.md)
    payload: dict = field(default_factory=dict, repr=False)

    def __repr__(self) -> str:
        s = self.settings
        return (
            f"Result(target={s.get('target')}, baseline={s.get('baseline')!r}, "
            f"path={s.get('path')!r}, n_steps={s.get('n_steps')}, "
            f"method={s.get('method')!r}, output={self.output:.6g}, "
            f"baseline_output={self.baseline_output:.6g}, delta={self.delta:.3g}, "
            f"attributions={tuple(self.attributions.shape)})"
        )
