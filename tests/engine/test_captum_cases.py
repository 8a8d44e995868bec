"""The scenarios of captum's own IntegratedGradients tests, run against our class.

captum's ``tests/attr/test_integrated_gradients_basic.py`` exercises its class on small
models from ``captum.testing.helpers.basic_models`` (the examples of the IG paper, models
with several arguments and inputs, a batched multi-layer model) with every method, bare
and inside ``NoiseTunnel`` (smoothgrad, smoothgrad_sq, vargrad), with scalar, tensor and
mixed baselines and with extra forward arguments of several kinds. Here the same
scenarios run on both classes side by side, with the properties captum's tests check
(closed-form values, completeness, delta shapes, the delta equals
``compute_convergence_delta``, a batch equals its examples one by one) asserted for ours.
"""

import numpy as np
import pytest
import torch

captum_attr = pytest.importorskip("captum.attr")
bm = pytest.importorskip("captum.testing.helpers.basic_models")

from ig_widget import IntegratedGradients  # noqa: E402

METHODS = ["riemann_right", "riemann_left", "riemann_middle", "riemann_trapezoid", "gausslegendre"]
NT_TYPES = ["smoothgrad", "smoothgrad_sq", "vargrad"]
N_STEPS = 100


def _t(*rows):
    return torch.tensor(rows if len(rows) > 1 else rows[0])


# name -> (model factory, inputs, baselines, target, additional_forward_args)
SCENARIOS = {
    "paper model 2": (bm.BasicModel2, (_t([3.0]), _t([1.0])), (_t([0.0]), _t([0.0])), None, None),
    "paper model 3": (bm.BasicModel3, (_t([3.0]), _t([1.0])), (_t([0.0]), _t([0.0])), None, None),
    "univariable +1": (bm.BasicModel, _t([1.0]), _t([0.0]), None, None),
    "univariable 0": (bm.BasicModel, _t([0.0]), _t([0.0]), None, None),
    "univariable -1, scalar baseline": (bm.BasicModel, _t([-1.0]), 0.00001, None, None),
    "multi-args, tensor arg": (
        bm.BasicModel4_MultiArgs,
        (_t([[1.5, 2.0, 34.3]]), _t([[3.0, 3.5, 23.2]])),
        (0.0, torch.zeros(1, 3)),
        None,
        torch.arange(1.0, 4.0).reshape(1, 3),
    ),
    "multi-args, batched tensor and int args": (
        bm.BasicModel4_MultiArgs,
        (_t([1.5, 2.0, 34.3], [3.4, 1.2, 2.0]), _t([3.0, 3.5, 23.2], [2.3, 1.2, 0.3])),
        (torch.zeros(2, 3), 0.0),
        None,
        (torch.arange(1.0, 7.0).reshape(2, 3), 1),
    ),
    "multi-args, list arg, scalar baselines": (
        bm.BasicModel5_MultiArgs,
        (_t([1.5, 2.0, 34.3], [3.4, 1.2, 2.0]), _t([3.0, 3.5, 23.2], [2.3, 1.2, 0.3])),
        (0.0, 0.00001),
        None,
        ([2, 3], 1),
    ),
    "multi-args, shared tensor baseline": (
        bm.BasicModel5_MultiArgs,
        (_t([1.5, 2.0, 34.3], [3.4, 1.2, 2.0]), _t([3.0, 3.5, 23.2], [2.3, 1.2, 0.3])),
        (torch.zeros(1, 3), 0.00001),
        None,
        ([2, 3], 1),
    ),
    "multi-tensor": (
        bm.BasicModel6_MultiTensor,
        (_t([[1.5, 2.0, 3.3]]), _t([[3.0, 3.5, 2.2]])),
        None,
        None,
        None,
    ),
    "batched multi-layer": (
        bm.BasicModel_MultiLayer,
        _t([1.5, 2.0, 1.3], [0.5, 0.1, 2.3], [1.5, 2.0, 1.3]),
        None,
        0,
        None,
    ),
    "batched multi-layer, two inputs": (
        bm.BasicModel_MultiLayer,
        (_t([1.5, 2.1, 1.9], [0.5, 0.0, 0.7], [1.5, 2.1, 1.1]),),
        None,
        0,
        None,
    ),
}


def _kw(name, method):
    factory, inputs, baselines, target, args = SCENARIOS[name]
    torch.manual_seed(0)
    model = factory()
    kw = dict(
        baselines=baselines,
        target=target,
        additional_forward_args=args,
        method=method,
        n_steps=N_STEPS,
    )
    return model, inputs, kw


def _close(ours, theirs, rtol=2e-6, atol=1e-6):
    ours = ours if isinstance(ours, tuple) else (ours,)
    theirs = theirs if isinstance(theirs, tuple) else (theirs,)
    for a, b in zip(ours, theirs, strict=True):
        assert a.shape == b.shape
        # captum's float32 quadrature weights (and, for riemann_trapezoid, weights that sum
        # to (n-1)/n: README, "Where we differ from captum") bound the agreement
        torch.testing.assert_close(a, b, rtol=rtol, atol=atol)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("name", list(SCENARIOS))
def test_vanilla_matches_captum_and_is_complete(name, method):
    model, inputs, kw = _kw(name, method)
    ig = IntegratedGradients(model)
    attr, delta = ig.attribute(inputs, **kw, return_convergence_delta=True)
    theirs = captum_attr.IntegratedGradients(model).attribute(inputs, **kw)
    if method == "riemann_trapezoid":  # captum's results are ours scaled by (n-1)/n
        theirs = (
            tuple(t * N_STEPS / (N_STEPS - 1) for t in theirs)
            if isinstance(theirs, tuple)
            else theirs * N_STEPS / (N_STEPS - 1)
        )
    _close(attr, theirs, rtol=1e-4, atol=1e-4)
    batch = (inputs[0] if isinstance(inputs, tuple) else inputs).shape[0]
    assert delta.shape == (batch,)
    assert float(delta.abs().max()) < 0.07  # captum's own bound for these models
    external = ig.compute_convergence_delta(
        attr,
        kw["baselines"],
        inputs,
        target=kw["target"],
        additional_forward_args=kw["additional_forward_args"],
    )
    torch.testing.assert_close(external, delta, rtol=0, atol=1e-6)


@pytest.mark.parametrize("multiply", [True, False])
def test_paper_examples_closed_form(multiply):
    for factory in (bm.BasicModel2, bm.BasicModel3):
        ig = IntegratedGradients(factory(), multiply_by_inputs=multiply)
        assert ig.multiplies_by_inputs is multiply
        a1, a2 = ig.attribute(
            (_t([3.0]), _t([1.0])), (_t([0.0]), _t([0.0])), method="riemann_right", n_steps=500
        )
        assert abs(a1.item() - (1.5 if multiply else 0.5)) < 0.05
        assert abs(a2.item() + 0.5) < 0.05


@pytest.mark.parametrize("nt_type", NT_TYPES)
@pytest.mark.parametrize("method", ["riemann_left", "gausslegendre"])
@pytest.mark.parametrize(
    "name", ["paper model 2", "multi-args, list arg, scalar baselines", "batched multi-layer"]
)
@pytest.mark.parametrize("nt_batch", [None, 2])
def test_noise_tunnel_matches_captum(name, method, nt_type, nt_batch):
    model, inputs, kw = _kw(name, method)
    results = []
    for cls in (IntegratedGradients, captum_attr.IntegratedGradients):
        torch.manual_seed(7)
        np.random.seed(7)
        nt = captum_attr.NoiseTunnel(cls(model))
        results.append(
            nt.attribute(
                inputs,
                nt_type=nt_type,
                nt_samples=5,
                stdevs=0.01,
                nt_samples_batch_size=nt_batch,
                return_convergence_delta=True,
                **kw,
            )
        )
    (oa, od), (ta, td) = results
    batch = (inputs[0] if isinstance(inputs, tuple) else inputs).shape[0]
    assert od.shape == td.shape == (batch * 5,)
    _close(oa, ta, rtol=1e-4, atol=1e-4)
    torch.testing.assert_close(od, td, rtol=0, atol=1e-4)
    assert float(od.abs().max()) < 0.07


def test_noise_tunnel_without_multiplying_by_inputs():
    model = bm.BasicModel_MultiLayer()
    x = _t([1.5, 2.0, 1.3], [0.5, 0.1, 2.3], [1.5, 2.0, 1.3])
    kw = dict(nt_type="smoothgrad", nt_samples=5, stdevs=0.0, target=0, n_steps=200)
    plain = captum_attr.NoiseTunnel(IntegratedGradients(model, multiply_by_inputs=False))
    full = captum_attr.NoiseTunnel(IntegratedGradients(model))
    assert plain.multiplies_by_inputs is False
    torch.testing.assert_close(plain.attribute(x, **kw) * x, full.attribute(x, **kw))


@pytest.mark.parametrize("internal_batch_size", [None, 10, 20])
@pytest.mark.parametrize("method", METHODS)
def test_a_batch_equals_its_examples_one_by_one(method, internal_batch_size):
    model = bm.BasicModel_MultiLayer()
    inputs = (
        _t([1.5, 2.1, 1.9], [0.5, 0.0, 0.7], [1.5, 2.1, 1.1]),
        _t([0.3, 1.9, 2.4], [0.5, 0.6, 2.1], [1.2, 2.1, 0.2]),
    )

    def forward(a, b):
        return model(a + b)

    ig = IntegratedGradients(forward)
    kw = dict(method=method, n_steps=100, target=0, internal_batch_size=internal_batch_size)
    attr, delta = ig.attribute(inputs, **kw, return_convergence_delta=True)
    for i in range(3):
        one, d = ig.attribute(
            tuple(t[i : i + 1] for t in inputs), **kw, return_convergence_delta=True
        )
        for a, b in zip(attr, one, strict=True):
            torch.testing.assert_close(a[i : i + 1], b, rtol=1e-5, atol=1e-6)
        # float32 outputs of size ~100: the deltas agree to float32 rounding of F
        torch.testing.assert_close(delta[i : i + 1], d, rtol=0, atol=1e-4)


def test_attribute_future_is_not_implemented():
    with pytest.raises(NotImplementedError):
        IntegratedGradients(bm.BasicModel2()).attribute_future()
