"""The warning line when completeness fails by more than 10%: a LayerNorm model from
the zero baseline (the case that used to give a 100% error and no warning)."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from ig_widget.explore.completeness import LIMIT, completeness_note, relative_error

TIMEOUT = 30


class NormModel(nn.Module):
    """LayerNorm first: at the all-zero input its output is constant in the input's
    scale, so IG from x' = 0 misses the change that the model's bias terms make."""

    def __init__(self) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.norm = nn.LayerNorm(8, eps=1e-12)  # the jump at 0 is narrower than any node gap
        self.head = nn.Linear(8, 3)
        self.double().eval()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.norm(x))


def test_note_says_when_and_what_to_try():
    assert completeness_note(0.05, 2.0, 1.0, n_steps=50, uses_gradients=True) == ""
    note = completeness_note(1.0, 2.0, 1.0, n_steps=50, uses_gradients=True)
    assert "100% of F(x) − F(x′) at 50 steps" in note
    assert "more steps" in note and "steps: auto" in note and "another baseline" in note
    assert relative_error(0.0, 1.0, 1.0) == 0.0
    assert relative_error(float("nan"), 1.0, 0.0) == float("inf")
    assert "sampled" in completeness_note(1.0, 2.0, 1.0, n_steps=None, uses_gradients=False)


def test_layernorm_from_zero_baseline_warns(make):
    model = NormModel()
    x = torch.linspace(-1.0, 2.0, 8, dtype=torch.float64)
    w = make(model, x, baseline="zeros")
    res = w.wait(TIMEOUT)
    rel = relative_error(res.delta, res.output, res.baseline_output)
    assert rel > LIMIT, rel  # the failure this warning is for
    assert "Completeness error" in w.warning and "another baseline" in w.warning
    assert f"{rel:.0%}" in w.warning


def test_no_note_when_completeness_holds(make, mlp, row):
    w = make(mlp, row)
    w.wait(TIMEOUT)
    assert "Completeness error" not in w.warning


@pytest.mark.parametrize("steps", [2])
def test_few_steps_on_a_curved_model_warn_then_clear(make, cnn, image, steps):
    w = make(cnn, image, n_steps=steps)
    res = w.wait(TIMEOUT)
    rel = relative_error(res.delta, res.output, res.baseline_output)
    assert ("Completeness error" in w.warning) == (rel > LIMIT)
