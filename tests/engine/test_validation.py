"""Bad input gets a TypeError/ValueError that names the argument and the fix."""

import pytest
import torch

from ig_widget import IntegratedGradients
from ig_widget.paths import AllOrderings, Custom, Extremal

torch.manual_seed(0)
NET = torch.nn.Sequential(torch.nn.Linear(4, 3)).eval()
X = torch.randn(2, 4)


def ig(f=NET):
    return IntegratedGradients(f)


@pytest.mark.parametrize(
    "kwargs, err, pattern",
    [
        (dict(baselines=torch.zeros(2, 5)), ValueError, r"baselines has shape \(2, 5\).*\(1, 4\)"),
        (dict(baselines=torch.zeros(3, 4)), ValueError, "batch size 3.*batch size 1"),
        (
            dict(baselines=torch.zeros(2, 4, dtype=torch.float64)),
            TypeError,
            r"dtype.*\.to\(torch.float32\)",
        ),
        (dict(baselines="zeros"), TypeError, "baselines must be None, a number or a tensor"),
        (dict(baselines=float("nan")), ValueError, "not finite"),
        (dict(target=3), ValueError, r"target 3 is out of range.*0\.\.2"),
        (dict(target=-1), ValueError, "negative"),
        (dict(target=1.0), TypeError, "int class index"),
        (dict(target=[0]), ValueError, "list of 1 but the batch has 2"),
        (dict(target=torch.tensor([0.0, 1.0])), TypeError, "integers"),
        (dict(target=None), ValueError, r"3 outputs per example.*target="),
        (dict(target=0, n_steps=0), ValueError, "n_steps=0 is too small"),
        (dict(target=0, n_steps=-5), ValueError, "n_steps=-5"),
        (dict(target=0, n_steps=2.5), TypeError, "n_steps must be an int"),
        (dict(target=0, n_steps=10**7), ValueError, "20,000,000 forward and backward passes"),
        (dict(target=0, method="simpson"), ValueError, "not a known integration method"),
        (dict(target=0, path="zigzag"), ValueError, "not a known path"),
        (dict(target=0, path=Extremal([0, 1, 1, 2])), ValueError, "exactly once"),
        (dict(target=0, internal_batch_size=0), ValueError, "internal_batch_size"),
        (
            dict(target=0, additional_forward_args=torch.zeros(3, 1)),
            ValueError,
            "first dimension 3",
        ),
        (dict(target=(0, 1)), ValueError, "only 1 dimension"),
    ],
)
def test_bad_arguments(kwargs, err, pattern):
    with pytest.raises(err, match=pattern):
        ig().attribute(X, **kwargs)


def test_integer_inputs_point_to_embedding_layer():
    with pytest.raises(TypeError, match="embedding layer"):
        ig().attribute(torch.tensor([[1, 2, 3, 4]]), target=0)


@pytest.mark.parametrize(
    "forward, pattern",
    [
        (lambda x: (NET(x),), "returned a tuple.*\\[0\\]"),
        (lambda x: {"scores": NET(x)}, "returned a dict.*'scores'"),
        (lambda x: NET(x).tolist(), "returned a list"),
        (lambda x: None, "returned None"),
        (lambda x: 3.0, "returned a float"),
    ],
)
def test_forward_that_returns_no_tensor(forward, pattern):
    with pytest.raises(TypeError, match=pattern):
        ig(forward).attribute(X, target=0)


def test_forward_reducing_over_the_batch():
    with pytest.raises(ValueError, match="one result per row"):
        ig(lambda x: NET(x).sum()).attribute(X)


def test_nan_output_is_refused():
    with pytest.raises(ValueError, match="NaN or inf"):
        ig(lambda x: NET(x) * float("nan")).attribute(X, target=0)


def test_nan_input_is_refused():
    x = X.clone()
    x[0, 1] = float("nan")
    with pytest.raises(ValueError, match="NaN or inf"):
        ig().attribute(x, target=0)


def test_no_differentiable_path_warns_in_result():
    f = lambda x: NET(x.detach())  # noqa: E731
    res = ig(f).attribute_detailed(X, target=0, baselines=1.0)
    assert any("no differentiable path" in w for w in res.warnings)
    assert all(bool((a == 0).all()) for a in res.attributions)


def test_forward_func_must_be_callable():
    with pytest.raises(TypeError, match="callable"):
        IntegratedGradients(42)


def test_model_and_inputs_on_different_devices():
    net = torch.nn.Linear(4, 3).to("meta")
    with pytest.raises(ValueError, match="parameters are on meta"):
        IntegratedGradients(net).attribute(X, target=0)


def test_exact_shapley_refuses_too_many_features():
    with pytest.raises(ValueError, match="samples=k"):
        IntegratedGradients(lambda x: x.sum(1)).attribute(torch.randn(1, 30), path=AllOrderings())


def test_custom_path_must_end_at_input():
    with pytest.raises(ValueError, match="end at the input"):
        ig().attribute(X, target=0, path=Custom(lambda a: a.view(-1, 1, 1) * X * 0.5))


def test_custom_path_wrong_shape():
    with pytest.raises(ValueError, match="must return"):
        ig().attribute(X, target=0, path=Custom(lambda a: a.view(-1, 1) * X[0]))


def test_multiply_by_inputs_false_only_for_straight_line():
    with pytest.raises(ValueError, match="straight-line"):
        IntegratedGradients(NET, multiply_by_inputs=False).attribute(X, target=0, path=Extremal())


def test_inference_mode_is_explained():
    with torch.inference_mode():
        with pytest.raises(RuntimeError, match="inference_mode"):
            ig().attribute(X, target=0)


def test_inputs_are_not_modified(guard):
    x = X.clone()
    b = torch.rand(2, 4)
    b0 = b.clone()
    ig(guard(NET)).attribute(x, b, target=1)
    assert torch.equal(x, X) and torch.equal(b, b0)
    assert not x.requires_grad
