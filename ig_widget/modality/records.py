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

    def key(self, uses_gradients: bool) -> tuple:
        """Forward-only paths ignore ``n_steps`` and ``method``, so they share results."""
        if uses_gradients:
            return (
                self.n_steps,
                self.method,
                self.baseline,
                self.path,
                self.target,
                self.step,
                self.tol,
            )
        return (None, None, self.baseline, self.path, self.target, self.step, None)

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
