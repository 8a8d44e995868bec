"""Every bad input to the widget: a clear error, the last good result kept, still usable.

``CONSTRUCTION_CASES``: bad arguments to ``IGWidget(...)`` raise at once (there is
nothing to show yet), with the exact exception type and a message naming problem and fix.

``RUNTIME_CASES``: bad things after a good result (a value from the controls, a model
that starts failing) end in ``status == "error"`` with ``error`` naming problem and fix,
the previous ``_payload`` unchanged on screen, and the widget computing fine afterwards.

``WIDGET_CASES`` is both; ``test_count_of_bad_inputs`` adds the engine's table
(test_bad_inputs.py) and prints the total.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pytest
import torch
from torch import nn
from traitlets import TraitError

from ig_widget import IGWidget, IntegratedGradients
from ig_widget._serialize import decode_array

from . import models
from .cases import (
    TIMEOUT,
    Case,
    assert_names_problem_and_fix,
    check_raises,
    from_front_end,
    unique_ids,
)
from .test_bad_inputs import ENGINE_CASES


def build(model_factory=models.Switchable, x_factory=models.row, **kw):
    """A deferred ``IGWidget(model, x, **kw)``; a widget that does get built is closed."""

    def call():
        w = IGWidget(model_factory(), x_factory(), **kw)
        w.close()
        return w

    return call


def _const(value):
    return lambda: value


class _NeedsMask(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.lin = nn.Linear(5, 3).double()

    def forward(self, x, mask):
        return self.lin(x * mask)


class _Raises(nn.Module):
    def forward(self, x):
        raise RuntimeError("mat1 and mat2 shapes cannot be multiplied (1x5 and 7x3)")


def _nan_on_class_1(x):
    out = torch.cat([x[:, :1], x[:, :1]], 1)
    out[:, 1] = float("nan")
    return out


def _nan_row() -> torch.Tensor:
    x = models.row()
    x[2] = float("nan")
    return x


def _inf_image() -> torch.Tensor:
    x = models.image()
    x[1, 4, 5] = float("inf")
    return x


#: 8000 x 8000 x 3 float32 would be 768 MB; a broadcast view holds one value
def _huge_image() -> torch.Tensor:
    return torch.zeros(1, 1, 1).expand(3, 8000, 8000)


CONSTRUCTION_CASES: list[Case] = [
    # ---- the input
    Case(
        "x-not-a-tensor",
        build(x_factory=lambda: [0.5, -1.0, 2.0, 0.25, -0.75]),
        TypeError,
        r"x must be a torch\.Tensor \(or a numpy array\), got list",
        r"torch\.as_tensor\(x\)",
    ),
    Case(
        "x-a-batch",
        build(x_factory=lambda: torch.rand(2, 5, dtype=torch.float64)),
        ValueError,
        r"looks like a batch of 2 examples",
        r"pass x\[0\]",
    ),
    Case(
        "x-shape-unclear",
        build(x_factory=lambda: torch.rand(2, 2, 2, 2, 2)),
        ValueError,
        r"Cannot tell what kind of input has shape \(2, 2, 2, 2, 2\)",
        r"pass modality='image', 'text' or 'tabular'",
    ),
    Case(
        "modality-unknown",
        build(modality="audio"),
        ValueError,
        r"modality='audio' is not known",
        r"use one of image, text, tabular",
    ),
    Case(
        "image-of-integers",
        build(models.Image, lambda: torch.zeros(3, 8, 8, dtype=torch.uint8), modality="image"),
        ValueError,
        r"modality='image' needs a float tensor .* dtype torch\.uint8",
        r"x\.float\(\) / 255",
    ),
    Case(
        "text-of-floats",
        build(models.Text, lambda: torch.rand(5), modality="text"),
        ValueError,
        r"modality='text' needs an integer tensor of token ids",
        r"x\.long\(\)",
    ),
    Case(
        "tabular-empty",
        build(x_factory=lambda: torch.zeros(0, dtype=torch.float64)),
        ValueError,
        r"x is empty \(shape \(0,\)",
        r"pass a row with at least one feature",
    ),
    Case(
        "text-0-tokens",
        build(models.Text, lambda: torch.zeros(0, dtype=torch.long)),
        ValueError,
        r"no token ids \(0 tokens\)",
        r"pass at least one token id",
    ),
    Case(
        "image-empty",
        build(models.Image, lambda: torch.zeros(3, 0, 4)),
        ValueError,
        r"an image with no pixels",
        r"at least 1x1 pixel",
    ),
    Case(
        "image-8000x8000",
        build(models.Image, _huge_image),
        ValueError,
        r"x is a 8000x8000 image \(64,000,000 pixels\); the widget takes at most 4,194,304",
        r"Resize or crop it first.*interpolate",
    ),
    Case(
        "x-nan",
        build(x_factory=_nan_row),
        ValueError,
        r"x contains 1 NaN or infinite value\(s\) \(the first at index \(2,\)\)",
        r"torch\.nan_to_num\(x\)",
    ),
    Case(
        "image-inf",
        build(models.Image, _inf_image),
        ValueError,
        r"x contains 1 NaN or infinite value\(s\) \(the first at index \(1, 4, 5\)\)",
        r"Replace them before explaining",
    ),
    # ---- the model
    Case(
        "model-not-callable",
        build(lambda: 42),
        TypeError,
        r"got int",
        r"model must be callable \(a torch\.nn\.Module\)",
    ),
    Case(
        "model-is-a-class",
        build(lambda: models.Switchable),
        TypeError,
        r"model is the class Switchable, not a model",
        r"pass an instance with its trained weights",
    ),
    Case(
        "model-returns-tuple",
        build(lambda: lambda x: (x[:, :3],)),
        TypeError,
        r"returned a tuple, not a tensor",
        r"model\(\*a\)\[0\]",
    ),
    Case(
        "model-returns-dict",
        build(lambda: lambda x: {"scores": x[:, :3]}),  # no "logits" key
        TypeError,
        r"returned a dict, not a tensor",
        r"model\(\*a\)\['(?:logits|scores)'\]",  # the engine's hint names the key
    ),
    Case(
        "model-returns-none",
        build(lambda: lambda x: None),
        TypeError,
        r"forward returned None",
        r"forget a return statement",
    ),
    Case(
        "model-returns-3-d",
        build(lambda: lambda x: x[:, :, None]),
        ValueError,
        r"returned shape \(1, 5, 1\)",
        r"Wrap the model to return those",
    ),
    Case(
        "model-returns-argmax",
        build(lambda: lambda x: x.argmax(1)),
        ValueError,
        r"returned shape \(1,\) and dtype torch\.int64",
        r"needs float outputs of shape",
    ),
    Case(
        "model-raises-at-construction",
        build(_Raises),
        RuntimeError,
        r"mat1 and mat2 shapes cannot be multiplied",
        r"raised by the model when IGWidget ran it once on x.*check that the model runs",
    ),
    Case(
        "model-needs-more-arguments",
        build(_NeedsMask),
        TypeError,
        r"missing 1 required positional argument: 'mask'",
        r"additional_forward_args=",
    ),
    Case(
        "model-output-nan-for-target",
        build(lambda: _nan_on_class_1, target=1),
        ValueError,
        r"output for target 1 \('class 1'\) on x is nan",
        r"pick a target whose output is finite",
    ),
    Case(
        "text-model-without-embedding",
        build(lambda: nn.Linear(5, 2), models.ids, modality="text"),
        ValueError,
        r"no nn\.Embedding layer",
        r"pass layer=<the module",
    ),
    Case(
        "text-layer-not-in-model",
        build(models.Text, models.ids, layer=nn.Embedding(50, 6)),
        ValueError,
        r"layer is not a submodule of the model",
        r"pass one of model's modules",
    ),
    # ---- settings
    Case(
        "target-out-of-range",
        build(target=7),
        TraitError,
        r"target=7 is out of range: the model has 3 output\(s\)",
        r"use 0\.\.2",
    ),
    Case(
        "target-negative", build(target=-1), TraitError, r"target=-1 is out of range", r"use 0\.\.2"
    ),
    Case(
        "target-a-string",
        build(target="cat"),
        TraitError,
        r"'target' trait .* not the str 'cat'",
        r"expected an int",
    ),
    Case(
        "n-steps-zero",
        build(n_steps=0),
        TraitError,
        r"n_steps=0 is too small",
        r"at least 1 step .*50 is a good default",
    ),
    Case(
        "n-steps-huge",
        build(n_steps=10**7),
        TraitError,
        r"n_steps=10,000,000 is over the widget's limit of 2,000: it would cost 10,000,000 "
        r"forward and backward passes",
        r"50-300 steps is accurate",
    ),
    Case(
        "n-steps-float",
        build(n_steps=2.5),
        TraitError,
        r"'n_steps' trait .* not the float 2\.5",
        r"expected an int",
    ),
    Case(
        "method-unknown",
        build(method="simpson"),
        TraitError,
        r"method='simpson' is not offered",
        r"use one of 'gausslegendre'",
    ),
    Case(
        "path-not-offered-for-images",
        build(models.Image, models.image, path="spiral"),
        TraitError,
        r"path='spiral' is not offered",
        r"use one of 'straight'",
    ),
    Case(
        "baseline-name-unknown",
        build(baseline="blur"),
        TraitError,
        r"baseline='blur' is not offered",
        r"use one of 'zeros'",
    ),
    # ---- labels, names and baselines
    Case(
        "feature-names-wrong-length",
        build(feature_names=["a", "b", "c"]),
        ValueError,
        r"feature_names has 3 entries but the input has 5 features",
        r"pass one name per feature",
    ),
    Case(
        "feature-names-one-string",
        build(feature_names="abcde"),
        TypeError,
        r"not one string",
        r"a list of strings \(one per feature\)",
    ),
    Case(
        "tokens-wrong-length",
        build(models.Text, models.ids, tokens=["a", "b"]),
        ValueError,
        r"tokens has 2 entries but the input has 5 token ids",
        r"pass one string per token id",
    ),
    Case(
        "class-names-wrong-length",
        build(class_names=["cat", "dog"]),
        ValueError,
        r"class_names has 2 entries but the model has 3 output\(s\)",
        r"pass one label per output",
    ),
    Case(
        "baseline-wrong-shape",
        build(baselines={"b": torch.zeros(4, dtype=torch.float64)}),
        ValueError,
        r"baseline 'b' has shape \(4,\)",
        r"needs the input's shape \(5,\)",
    ),
    Case(
        "baselines-wrong-type",
        build(baselines=[0.0, 1.0]),
        TypeError,
        r"got list",
        r"baselines must be a tensor or a dict \{name: tensor\}",
    ),
    Case(
        "text-baseline-ids-wrong-length",
        build(models.Text, models.ids, baselines={"unk": torch.tensor([4, 4, 4])}),
        ValueError,
        r"baseline 'unk' holds 3 token ids but the input has 5",
        r"one token id per input token",
    ),
    Case(
        "background-wrong-shape",
        build(background=torch.zeros(10, 4, dtype=torch.float64)),
        ValueError,
        r"background has shape \(10, 4\)",
        r"shape \(n_rows, 5\)",
    ),
    Case(
        "argument-for-another-modality",
        build(tokens=["a"] * 5),
        ValueError,
        r"tokens= applies to text inputs, but this input is tabular",
        r"drop it, or pass modality=",
    ),
    Case(
        "pad-token-id-not-an-int",
        build(models.Text, models.ids, pad_token_id="0"),
        TypeError,
        r"pad_token_id must be an int token id, got '0'",
        r"an int token id",
    ),
]


@pytest.mark.parametrize("case", [c.param() for c in CONSTRUCTION_CASES])
def test_bad_construction(case: Case):
    check_raises(case)


# ------------------------------------------------------------------- after a result
@dataclass(frozen=True)
class Runtime:
    """A bad thing done to a working widget; ``controls``: refused at the trait (the
    computation's result stays valid) rather than failing in the worker."""

    id: str
    act: Callable[[IGWidget, models.Switchable], Callable[[], None] | None]
    exc: type[BaseException]
    problem: str
    fix: str
    controls: bool = False
    #: run (and waited for) before the good result is taken
    prepare: Callable[[IGWidget, models.Switchable], None] | None = None


def _mode(mode: str, **attrs) -> Callable:
    def act(w, model):
        model.mode = mode
        for k, v in attrs.items():
            setattr(model, k, v)
        w.n_steps = 7  # a setting not computed yet: the model runs again

    return act


def _front(**state) -> Callable:
    return lambda w, model: from_front_end(w, **state)


def _set(**traits) -> Callable:
    def prepare(w, model):
        for k, v in traits.items():
            setattr(w, k, v)

    return prepare


def _trapezoid(w, model):
    w.method = "riemann_trapezoid"


MODEL_FIX = r"Fix the model, then call widget\.refresh\(\) to compute again"
RUNTIME_CASES: list[Runtime] = [
    # ---- values the front end sends (or a user sets the way it does)
    Runtime(
        "controls-target-out-of-range",
        _front(target=99),
        TraitError,
        r"Refused a change from the controls: target=99 is out of range",
        r"use 0\.\.2",
        True,
    ),
    Runtime(
        "controls-target-negative",
        _front(target=-3),
        TraitError,
        r"target=-3 is out of range",
        r"use 0\.\.2",
        True,
    ),
    Runtime(
        "controls-target-a-string",
        _front(target="cat"),
        TraitError,
        r"'target' trait .* not the str 'cat'",
        r"expected an int",
        True,
    ),
    Runtime(
        "controls-n-steps-zero",
        _front(n_steps=0),
        TraitError,
        r"n_steps=0 is too small",
        r"50 is a good default",
        True,
    ),
    Runtime(
        "controls-n-steps-huge",
        _front(n_steps=10**7),
        TraitError,
        r"n_steps=10,000,000 is over the widget's limit of 2,000: it would cost "
        r"10,000,000 forward and backward passes of the model, about .* measured here",
        r"50-300 steps is accurate",
        True,
    ),
    Runtime(
        "controls-n-steps-float",
        _front(n_steps=2.5),
        TraitError,
        r"not the float 2\.5",
        r"expected an int",
        True,
    ),
    Runtime(
        "controls-n-steps-bool",
        _front(n_steps=True),
        TraitError,
        r"n_steps=True is a bool",
        r"a whole number of steps such as 50",
        True,
    ),
    Runtime(
        "controls-method-unknown",
        _front(method="simpson"),
        TraitError,
        r"method='simpson' is not offered",
        r"use one of 'gausslegendre'",
        True,
    ),
    Runtime(
        "controls-path-unknown",
        _front(path="zigzag"),
        TraitError,
        r"path='zigzag' is not offered",
        r"use one of 'straight', 'extremal'",
        True,
    ),
    Runtime(
        "controls-baseline-unknown",
        _front(baseline="<img src=x onerror=alert(1)>"),
        TraitError,
        r"baseline='<img src=x onerror=alert\(1\)>' is not offered",
        r"use one of 'zeros'",
        True,
    ),
    Runtime(
        "controls-colormap-unknown",
        _front(colormap="jet"),
        TraitError,
        r"colormap='jet' is not offered",
        r"use one of 'RdBu_r'",
        True,
    ),
    Runtime(
        "controls-opacity-out-of-range",
        _front(opacity=3),
        TraitError,
        r"'opacity' trait .* a value of 3\.0",
        r"should not be greater than 1\.0",
        True,
    ),
    # ---- failures in the worker
    Runtime(
        "trapezoid-with-one-step",
        _trapezoid,
        ValueError,
        r"n_steps=1 is too small for method='riemann_trapezoid'",
        r"at least 2",
        prepare=_set(n_steps=1),
    ),
    Runtime(
        "model-starts-raising",
        _mode("raise"),
        RuntimeError,
        r"The model raised RuntimeError: the model broke on purpose \(in its forward pass "
        r"on a batch of \d+ path points",
        MODEL_FIX,
    ),
    Runtime(
        "model-raises-keyboard-interrupt",
        _mode("keyboard_interrupt"),
        KeyboardInterrupt,
        r"The model raised KeyboardInterrupt",
        MODEL_FIX,
    ),
    Runtime(
        "model-starts-returning-nan",
        _mode("nan"),
        ValueError,
        r"produced NaN or inf \(F\(x\) is not finite\)",
        r"Check the input and baseline",
    ),
    Runtime(
        "model-starts-returning-inf",
        _mode("inf"),
        ValueError,
        r"produced NaN or inf",
        r"model for overflow",
    ),
    Runtime(
        "model-starts-returning-tuple",
        _mode("tuple"),
        TypeError,
        r"returned a tuple, not a tensor",
        r"model\(\*a\)\[0\]",
    ),
    Runtime(
        "model-starts-returning-dict",
        _mode("dict"),
        TypeError,
        r"returned a dict, not a tensor",
        r"model\(\*a\)\['scores'\]",
    ),
    Runtime(
        "model-starts-returning-none",
        _mode("none"),
        TypeError,
        r"forward returned None",
        r"forget a return statement",
    ),
    Runtime(
        "model-starts-returning-argmax",
        _mode("argmax"),
        TypeError,
        r"returned dtype torch\.int64",
        r"not argmax indices",
    ),
    Runtime(
        "model-starts-reducing-the-batch",
        _mode("sum"),
        ValueError,
        r"returned shape \(\) for a batch of \d+ rows",
        r"do not reduce over the batch",
    ),
    Runtime(
        "model-loses-the-target-output",
        _mode("two_outputs"),
        ValueError,
        r"target 2 is out of range: the model has 2 outputs",
        r"use an index in 0\.\.1",
        prepare=_set(target=2),
    ),
    Runtime(
        "model-out-of-memory-at-every-size",
        _mode("oom"),
        MemoryError,
        r"out of memory even at one path step per forward pass \(3 row\(s\) of the model.*"
        r"the model said: CUDA out of "
        r"memory\. Tried to allocate 2\.00 GiB",
        r"Free memory on the device .* or use a smaller input, then call widget\.refresh\(\)",
    ),
]


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in RUNTIME_CASES])
def test_bad_input_after_a_good_result(widgets, case: Runtime):
    model = models.Switchable()
    w = widgets(model, models.row(), n_steps=6)  # no coarse pass: one result per request
    if case.prepare is not None:
        case.prepare(w, model)
    good = w.wait(TIMEOUT)
    payload = w._payload
    undo = case.act(w, model)
    if case.controls:
        assert w.wait(TIMEOUT) is good  # the settings in force did not change
    else:
        with pytest.raises(RuntimeError) as info:
            w.wait(TIMEOUT)
        assert str(info.value) == w.error
    assert w.status == "error"
    assert type(w.last_exception) is case.exc, repr(w.last_exception)
    assert_names_problem_and_fix(
        w.error, Case(case.id, lambda: None, case.exc, case.problem, case.fix)
    )
    assert w._payload is payload and w.result is good and w._provisional is False
    # the widget recovers: the next change computes and clears the error
    model.mode = "ok"
    if undo is not None:
        undo()
    w.n_steps = 11
    res = w.wait(TIMEOUT)
    assert w.status == "idle" and w.error == "" and w._payload["readout"]["n_steps"] == 11
    ref = IntegratedGradients(model).attribute_detailed(
        models.row()[None], target=w.target, n_steps=11, method=w.method
    )
    assert torch.equal(res.attributions, ref.attributions[0][0])


@pytest.mark.mutates_model("moves the model to another device on purpose")
def test_model_moved_to_another_device_after_construction(widgets):
    model = models.Switchable()
    w = widgets(model, models.row(), n_steps=6)
    good = w.wait(TIMEOUT)
    payload = w._payload
    model.to("meta")  # what model.cuda() does on a machine with a GPU
    w.n_steps = 7
    with pytest.raises(RuntimeError):
        w.wait(TIMEOUT)
    assert type(w.last_exception) is ValueError
    assert_names_problem_and_fix(
        w.error,
        Case(
            "model-moved-to-another-device",
            lambda: None,
            ValueError,
            r"The model is on meta now, but it was on cpu when the widget was built",
            r"move the model back with model\.to\('cpu'\), or build a new IGWidget",
        ),
    )
    assert w._payload is payload and w.result is good


def test_refresh_recomputes_after_the_model_is_fixed(widgets):
    model = models.Switchable()
    w = widgets(model, models.row(), n_steps=6)
    w.wait(TIMEOUT)
    model.mode = "raise"
    w.n_steps = 7
    with pytest.raises(RuntimeError, match="refresh"):
        w.wait(TIMEOUT)
    model.mode = "ok"
    w.refresh()  # same settings, computed again
    assert w.wait(TIMEOUT).settings["n_steps"] == 7
    assert w.status == "idle" and w.error == ""


# -------------------------------------------- bad inputs the widget handles instead
def test_no_differentiable_path_warns_instead_of_a_silent_blank_map(widgets):
    model = models.Switchable()
    model.mode = "detached"
    w = widgets(model, models.row(), n_steps=6)
    res = w.wait(TIMEOUT)
    assert w.status == "idle" and w.error == ""
    assert not res.attributions.any()
    assert_names_problem_and_fix(
        w.warning,
        Case(
            "no-differentiable-path",
            lambda: None,
            UserWarning,
            r"All attributions are exactly zero although F\(x\) != F\(baseline\)",
            r"detached tensors, integer casts or argmax",
        ),
    )


def test_image_of_one_pixel_works(widgets):
    model = models.Image()
    x = torch.rand(3, 1, 1, generator=torch.Generator().manual_seed(0))
    w = widgets(model, x, n_steps=6)
    for name in w.baseline_options:
        w.baseline = name
        res = w.wait(TIMEOUT)
        assert res.attributions.shape == (3, 1, 1) and torch.isfinite(res.attributions).all()
        ref = IntegratedGradients(model).attribute_detailed(
            x[None], baselines=w._explainer.baseline(name), target=w.target, n_steps=6
        )
        assert torch.equal(res.attributions, ref.attributions[0][0]), name
    p = w._payload
    assert (p["height"], p["width"]) == (1, 1)
    assert decode_array(p["image"]).shape == (1, 1, 4)
    assert w.status == "idle"


def test_twenty_thousand_tokens_work_in_seconds(widgets):
    model = models.Text()
    ids = torch.arange(20_000) % 50
    began = time.perf_counter()
    w = widgets(model, ids, tokens=[f"t{i}" for i in range(20_000)])
    res = w.wait(TIMEOUT)
    took = time.perf_counter() - began
    assert res.token_attributions.shape == (20_000,)
    assert abs(res.delta) < 1e-6 * max(1.0, abs(res.output - res.baseline_output))
    p = w._payload
    assert len(p["tokens"]) == 20_000 and decode_array(p["attr"]).shape == (20_000,)
    np.testing.assert_allclose(decode_array(p["attr"]), res.token_attributions.numpy(), rtol=1e-5)
    print(f"\n[20,000 tokens] first result in {took:.2f} s")


def test_numpy_and_tensor_integers_are_accepted_as_settings(widgets):
    w = widgets(models.Switchable(), models.row(), target=np.int64(1), n_steps=torch.tensor(6))
    assert (w.target, w.n_steps) == (1, 6)
    assert w.wait(TIMEOUT).settings["target"] == 1


# ----------------------------------------------------------------------- the count
WIDGET_CASES = (
    [c.id for c in CONSTRUCTION_CASES]
    + [c.id for c in RUNTIME_CASES]
    + [
        "model-moved-to-another-device",
        "no-differentiable-path-widget",
        "image-1x1",
        "text-20000-tokens",
    ]
)


def test_count_of_bad_inputs():
    ids = [f"engine:{i}" for i in unique_ids(ENGINE_CASES)] + [f"widget:{i}" for i in WIDGET_CASES]
    assert len(set(ids)) == len(ids), "a bad input is counted twice"
    engine_xfail = sum(1 for c in ENGINE_CASES if c.xfail)
    print(
        f"\n[bad inputs] {len(ids)} distinct: {len(ENGINE_CASES)} engine "
        f"({engine_xfail} waiting for an engine message, xfail), "
        f"{len(CONSTRUCTION_CASES)} widget construction, {len(RUNTIME_CASES)} widget after "
        f"a result (+1 device move), 3 handled instead of refused"
    )
    assert len(ids) >= 40
