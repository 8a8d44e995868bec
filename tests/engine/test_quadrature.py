import numpy as np
import pytest
import torch

from ig_widget.engine import quadrature

METHODS = quadrature.METHODS


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("n", [2, 3, 10, 64])
def test_weights_sum_to_one_and_nodes_lie_in_unit_interval(method, n):
    w, a = quadrature.rule(method, n)
    assert w.shape == a.shape == (n,)
    assert abs(w.sum() - 1.0) < 1e-14
    assert a.min() >= 0.0 and a.max() <= 1.0
    assert np.all(np.diff(a) > 0)


def test_gauss_legendre_is_exact_for_polynomials_of_degree_2n_minus_1():
    w, a = quadrature.rule("gausslegendre", 5)
    for k in range(10):
        assert abs(np.sum(w * a**k) - 1.0 / (k + 1)) < 1e-14


def test_trapezoid_spans_both_ends_with_half_weights():
    w, a = quadrature.rule("riemann_trapezoid", 5)
    assert a[0] == 0.0 and a[-1] == 1.0
    np.testing.assert_allclose(w, [0.125, 0.25, 0.25, 0.25, 0.125])


def test_rules_are_cached_and_read_only():
    assert quadrature.rule("gausslegendre", 50) is quadrature.rule("gausslegendre", 50)
    w, _ = quadrature.rule("gausslegendre", 50)
    with pytest.raises(ValueError):
        w[0] = 1.0
    t1 = quadrature.rule_tensors("gausslegendre", 50, torch.device("cpu"), torch.float64)
    t2 = quadrature.rule_tensors("gausslegendre", 50, torch.device("cpu"), torch.float64)
    assert t1[0] is t2[0]


def test_nodes_keep_float64_precision():
    _, a = quadrature.rule_tensors("riemann_middle", 7, torch.device("cpu"), torch.float64)
    assert a[0].item() == 1.0 / 14.0  # captum's nodes pass through float32 and miss this


@pytest.mark.parametrize("bad", ["simpson", "", None, 3])
def test_unknown_method_names_the_choices(bad):
    with pytest.raises(ValueError, match="gausslegendre"):
        quadrature.check_method(bad)


def test_single_step_rules():
    assert quadrature.rule("riemann_right", 1)[1].tolist() == [1.0]
    with pytest.raises(ValueError, match="at least 2"):
        quadrature.rule("riemann_trapezoid", 1)
