"""Every bad input to the engine gets the exact kind of error, naming problem and fix.

``ENGINE_CASES`` is the table: one row per distinct bad input. It overlaps with
tests/engine/test_validation.py on purpose, so this suite is complete on its own.
The widget's table is in test_bad_inputs_widget.py; test_count_of_bad_inputs counts both.
"""

from __future__ import annotations

import warnings

import pytest
import torch

from ig_widget import IntegratedGradients
from ig_widget.paths import AllOrderings, Custom, Extremal

from .cases import Case, assert_names_problem_and_fix, check_raises

torch.manual_seed(0)
NET = torch.nn.Linear(4, 3).eval()
X = torch.randn(2, 4, generator=torch.Generator().manual_seed(1))
META = torch.device("meta")


def attr(forward=NET, inputs=X, **kw):
    """``IntegratedGradients(forward).attribute(inputs, **kw)`` as a deferred call."""
    return lambda: IntegratedGradients(forward).attribute(inputs, **kw)


def _raises(exc):
    def forward(x):
        raise exc

    return forward


class _OOMAbove(torch.nn.Module):
    """Raises CUDA's out-of-memory error for batches above ``rows``."""

    def __init__(self, rows: int) -> None:
        super().__init__()
        self.lin = torch.nn.Linear(4, 3)
        self.rows = rows

    def forward(self, x):
        if x.shape[0] > self.rows:
            raise torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return self.lin(x)


def _nan_at(x: torch.Tensor) -> torch.Tensor:
    x = x.clone()
    x[0, 1] = float("nan")
    return x


def _inference_mode_call():
    with torch.inference_mode():
        IntegratedGradients(NET).attribute(X, target=0)


ENGINE_CASES: list[Case] = [
    # ---- inputs
    Case(
        "inputs-not-a-tensor",
        attr(inputs=X.numpy()),
        TypeError,
        r"inputs must be a torch\.Tensor, got ndarray",
        r"torch\.as_tensor",
    ),
    Case(
        "inputs-0-d",
        attr(inputs=torch.tensor(1.0), target=0),
        ValueError,
        r"0-d tensor",
        r"x\.reshape\(1, -1\)",
    ),
    Case(
        "inputs-empty-batch",
        attr(inputs=torch.zeros(0, 4), target=0),
        ValueError,
        r"empty batch \(shape \(0, 4\)\)",
        r"at least one example",
    ),
    Case(
        "inputs-no-features",
        attr(inputs=torch.zeros(2, 0), target=0),
        ValueError,
        r"no features \(shape \(2, 0\)\)",
        r"at least one feature",
    ),
    Case(
        "inputs-complex",
        attr(inputs=X.to(torch.complex64), target=0),
        TypeError,
        r"inputs is complex",
        r"needs real inputs",
    ),
    Case(
        "inputs-integer-without-embedding-layer",
        attr(inputs=torch.tensor([[1, 2, 3, 4]]), target=0),
        TypeError,
        r"dtype torch\.int64.*gradients need floating-point",
        r"embedding layer's output",
    ),
    Case(
        "inputs-tuple-batch-mismatch",
        attr(inputs=(X, torch.randn(3, 4)), target=0),
        ValueError,
        r"inputs\[1\] has batch size 3 but inputs\[0\] has 2",
        r"same first \(batch\) dimension",
    ),
    Case(
        "inputs-tuple-device-mismatch",
        attr(inputs=(X, torch.zeros(2, 4, device=META)), target=0),
        ValueError,
        r"inputs\[1\] is on meta but inputs\[0\] is on cpu",
        r"move them to one device",
    ),
    Case(
        "inputs-nan",
        attr(inputs=_nan_at(X), target=0),
        ValueError,
        r"NaN or inf \(F\(x\) is not finite\)",
        r"Check the input and baseline for NaN/inf",
    ),
    # ---- baselines
    Case(
        "baseline-wrong-shape",
        attr(baselines=torch.zeros(2, 5), target=0),
        ValueError,
        r"baselines has shape \(2, 5\) but the input has shape \(2, 4\)",
        r"\(1, 4\) to share",
    ),
    Case(
        "baseline-wrong-batch-size",
        attr(baselines=torch.zeros(3, 4), target=0),
        ValueError,
        r"baselines has batch size 3 but the input has 2",
        r"one baseline per example or a single one with batch size 1",
    ),
    Case(
        "baseline-wrong-dtype",
        attr(baselines=torch.zeros(2, 4, dtype=torch.float64), target=0),
        TypeError,
        r"dtype torch\.float64 but the input has torch\.float32",
        r"cast it with \.to\(torch\.float32\)",
    ),
    Case(
        "baseline-wrong-device",
        attr(baselines=torch.zeros(2, 4, device=META), target=0),
        ValueError,
        r"baselines is on meta but the input is on cpu",
        r"baselines\.to\(inputs\.device\)",
    ),
    Case(
        "baseline-wrong-type",
        attr(baselines="zeros", target=0),
        TypeError,
        r"got str",
        r"must be None, a number or a tensor",
    ),
    Case(
        "baseline-nan-number",
        attr(baselines=float("nan"), target=0),
        ValueError,
        r"baselines=nan is not finite",
        r"use a finite number",
    ),
    Case(
        "baseline-inf-tensor",
        attr(baselines=torch.full((2, 4), float("inf")), target=0),
        ValueError,
        r"NaN or inf \(F\(baseline\) is not finite\)",
        r"Check the input and baseline for NaN/inf",
    ),
    Case(
        "baselines-tuple-length",
        attr(inputs=(X, X), baselines=(0.0,), target=0),
        ValueError,
        r"baselines has 1 entries but inputs has 2",
        r"one baseline \(tensor or number\) per input",
    ),
    Case(
        "baseline-tensor-for-tuple-inputs",
        attr(inputs=(X, X), baselines=torch.zeros(2, 4), target=0),
        ValueError,
        r"inputs is a tuple of 2 tensors",
        r"baselines must be a tuple too",
    ),
    # ---- target
    Case(
        "target-out-of-range",
        attr(target=3),
        ValueError,
        r"target 3 is out of range: the model has 3 outputs",
        r"use an index in 0\.\.2",
    ),
    Case(
        "target-negative",
        attr(target=-1),
        ValueError,
        r"target=-1 is negative",
        r"class indices count from 0",
    ),
    Case(
        "target-float",
        attr(target=1.0),
        TypeError,
        r"got float 1\.0",
        r"must be an int class index",
    ),
    Case(
        "target-string",
        attr(target="cat"),
        TypeError,
        r"got str 'cat'",
        r"must be an int class index",
    ),
    Case("target-bool", attr(target=True), TypeError, r"not a bool", r"must be an int class index"),
    Case(
        "target-float-tensor",
        attr(target=torch.tensor([0.0, 1.0])),
        TypeError,
        r"target has dtype torch\.float32",
        r"target\.long\(\)",
    ),
    Case(
        "target-list-wrong-length",
        attr(target=[0]),
        ValueError,
        r"list of 1 but the batch has 2",
        r"one target per example or a single int",
    ),
    Case(
        "target-tensor-wrong-shape",
        attr(target=torch.tensor([[0], [1]])),
        ValueError,
        r"target has shape \(2, 1\)",
        r"shape \(2,\)\) or a single int",
    ),
    Case(
        "target-missing-for-multi-output",
        attr(target=None),
        ValueError,
        r"returns 3 outputs per example, so a target is needed",
        r"pass target=<class index>",
    ),
    Case(
        "target-too-many-indices",
        attr(target=(0, 1)),
        ValueError,
        r"target has 2 index\(es\) but the model output has only 1 dimension",
        r"pass one index per output dimension",
    ),
    Case(
        "target-too-few-indices",
        attr(forward=lambda x: torch.stack([NET(x), NET(x)], 2), target=0),
        ValueError,
        r"target selects \(2,\) values per example",
        r"e\.g\. target=\(i, j\)",
    ),
    # ---- n_steps, method, path and friends
    Case(
        "n-steps-zero",
        attr(target=0, n_steps=0),
        ValueError,
        r"n_steps=0 is too small",
        r"at least 1 step\(s\); 50 is a good default",
    ),
    Case(
        "n-steps-negative",
        attr(target=0, n_steps=-5),
        ValueError,
        r"n_steps=-5 is too small",
        r"at least 1 step",
    ),
    Case(
        "n-steps-float",
        attr(target=0, n_steps=2.5),
        TypeError,
        r"got float 2\.5",
        r"whole number of integration steps such as 50",
    ),
    Case(
        "n-steps-huge",
        attr(target=0, n_steps=10**7),
        ValueError,
        r"n_steps=10000000 with 2 example\(s\) asks for 20,000,000 forward and backward "
        r"passes, over the limit of 1,000,000: that would take hours",
        r"50-300 steps is accurate",
    ),
    Case(
        "n-steps-one-for-trapezoid",
        attr(target=0, n_steps=1, method="riemann_trapezoid"),
        ValueError,
        r"n_steps=1 is too small for method='riemann_trapezoid'",
        r"at least 2",
    ),
    Case(
        "method-unknown",
        attr(target=0, method="simpson"),
        ValueError,
        r"method='simpson' is not a known integration method",
        r"use one of riemann_left",
    ),
    Case(
        "path-unknown",
        attr(target=0, path="zigzag"),
        ValueError,
        r"path='zigzag' is not a known path",
        r"use StraightLine\(\), Extremal",
    ),
    Case(
        "path-extremal-bad-order",
        attr(target=0, path=Extremal([0, 1, 1, 2])),
        ValueError,
        r"missing \[3\]; duplicates",
        r"must list each of the 4 .* exactly once",
    ),
    Case(
        "path-custom-not-ending-at-input",
        attr(target=0, path=Custom(lambda a: a.view(-1, 1, 1) * X * 0.5)),
        ValueError,
        r"must end at the input: \|g\(1\) - inputs\| reaches",
        r"g\(1\) the input",
    ),
    Case(
        "path-exact-shapley-too-many-features",
        attr(forward=lambda x: x.sum(1), inputs=torch.randn(1, 30), path=AllOrderings()),
        ValueError,
        r"30",
        r"samples=k",
    ),
    Case(
        "multiply-by-inputs-false-off-straight-line",
        lambda: IntegratedGradients(NET, multiply_by_inputs=False).attribute(
            X, target=0, path=Extremal()
        ),
        ValueError,
        r"defined for the straight-line path only",
        r"use multiply_by_inputs=True",
    ),
    Case(
        "auto-tol-out-of-range",
        attr(target=0, n_steps="auto", tol=2),
        ValueError,
        r"tol=2 must be a number between 0 and 1",
        r"0\.01 is 1%",
    ),
    Case(
        "internal-batch-size-zero",
        attr(target=0, internal_batch_size=0),
        ValueError,
        r"internal_batch_size=0 must be a positive int",
        r"or None to let the engine choose",
    ),
    Case(
        "additional-args-wrong-batch",
        attr(target=0, additional_forward_args=torch.zeros(3, 1)),
        ValueError,
        r"additional_forward_args\[0\] has first dimension 3 but the inputs have "
        r"batch size 2",
        r"pass a 0-d tensor or a non-tensor to share",
    ),
    # ---- the model
    Case(
        "forward-not-callable",
        lambda: IntegratedGradients(42),
        TypeError,
        r"forward_func must be callable",
        r"a model or a function",
    ),
    Case(
        "model-returns-tuple",
        attr(forward=lambda x: (NET(x),), target=0),
        TypeError,
        r"returned a tuple, not a tensor",
        r"lambda \*a: model\(\*a\)\[0\]",
    ),
    Case(
        "model-returns-dict",
        attr(forward=lambda x: {"scores": NET(x)}, target=0),
        TypeError,
        r"returned a dict, not a tensor",
        r"model\(\*a\)\['scores'\]",
    ),
    Case(
        "model-returns-list",
        attr(forward=lambda x: NET(x).tolist(), target=0),
        TypeError,
        r"returned a list, not a tensor",
        r"model\(\*a\)\[0\]",
    ),
    Case(
        "model-returns-float",
        attr(forward=lambda x: 3.0, target=0),
        TypeError,
        r"returned a float, not a tensor",
        r"[Rr]eturn a tensor",
    ),
    Case(
        "model-returns-none",
        attr(forward=lambda x: None, target=0),
        TypeError,
        r"forward returned None",
        r"forget a return statement",
    ),
    Case(
        "model-returns-argmax",
        attr(forward=lambda x: NET(x).argmax(1)),
        TypeError,
        r"returned dtype torch\.int64",
        r"return logits or probabilities, not argmax",
    ),
    Case(
        "model-reduces-over-batch",
        attr(forward=lambda x: NET(x).sum()),
        ValueError,
        r"returned shape \(\) for a batch of",
        r"do not reduce over the batch",
    ),
    Case(
        "model-returns-nan",
        attr(forward=lambda x: NET(x) * float("nan"), target=0),
        ValueError,
        r"produced NaN or inf",
        r"model for overflow",
    ),
    Case(
        "model-returns-inf",
        attr(forward=lambda x: NET(x) + float("inf"), target=0),
        ValueError,
        r"produced NaN or inf \(F\(x\) is not finite\)",
        r"try float32",
    ),
    Case(
        "model-raises-inside-forward",
        attr(forward=_raises(KeyError("inside forward")), target=0),
        KeyError,
        r"inside forward",
        r"raised inside the model's forward",
    ),
    Case(
        "model-on-another-device",
        attr(forward=torch.nn.Linear(4, 3).to(META), target=0),
        ValueError,
        r"parameters are on meta but the inputs are on cpu",
        r"x\.to\('meta'\)",
    ),
    Case(
        "model-out-of-memory-at-one-row",
        attr(forward=_OOMAbove(0), target=0),
        MemoryError,
        r"Out of memory even with one path step per forward pass \(2 row\(s\)",
        r"free memory on the device",
    ),
    Case(
        "inference-mode",
        _inference_mode_call,
        RuntimeError,
        r"torch\.inference_mode\(\) disables",
        r"call attribute\(\) outside that block",
    ),
]


@pytest.mark.parametrize("case", [c.param() for c in ENGINE_CASES])
def test_engine_bad_input(case: Case):
    check_raises(case)


# ---- no differentiable path: a warning, never a silently blank map


def _detached(x):
    return NET(x.detach())


def test_no_differentiable_path_is_reported_in_the_detailed_result():
    res = IntegratedGradients(_detached).attribute_detailed(X, target=0, baselines=1.0)
    assert all(bool((a == 0).all()) for a in res.attributions)
    text = " ".join(res.warnings)
    assert_names_problem_and_fix(
        text,
        Case(
            "no-differentiable-path",
            lambda: None,
            UserWarning,
            r"All attributions are exactly zero although F\(x\) != F\(baseline\)",
            r"no differentiable path .*detached tensors, integer casts or argmax",
        ),
    )


def test_no_differentiable_path_warns_from_attribute():
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        IntegratedGradients(_detached).attribute(X, target=0, baselines=1.0)
    assert any("no differentiable path" in str(w.message) for w in seen)


def test_inputs_are_never_modified_by_a_failure():
    x, b = X.clone(), torch.rand(2, 4)
    b0 = b.clone()
    with pytest.raises(ValueError):
        IntegratedGradients(NET).attribute(x, b, target=7)
    assert torch.equal(x, X) and torch.equal(b, b0) and not x.requires_grad
