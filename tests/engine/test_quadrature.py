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


@pytest.mark.parametrize("n", [101, 257, 640])
def test_newton_gauss_legendre_matches_numpy_for_large_n(n):
    x, w = quadrature.gauss_legendre(n)
    X, W = np.polynomial.legendre.leggauss(n)
    np.testing.assert_allclose(x, X, rtol=0, atol=1e-15)
    # numpy's weights near the ends are off by ~1e-10 relative at these n; check ours
    # against a 40-digit computation instead
    mp = pytest.importorskip("mpmath")
    mp.mp.dps = 40
    for i in (n - 1, n // 2 + 1):
        r = mp.mpf(float(x[i]))
        for _ in range(5):  # polish the root in high precision
            p, q = mp.legendre(n, r), mp.legendre(n - 1, r)
            r -= p / (n * (r * p - q) / (r * r - 1))
        dp = n * (r * mp.legendre(n, r) - mp.legendre(n - 1, r)) / (r * r - 1)
        exact = 2 / ((1 - r * r) * dp * dp)
        assert abs(w[i] - float(exact)) / float(exact) < 1e-11
    for k in (0, 2, 10, 2 * n - 2):
        assert abs(np.sum(w * x**k) - 2.0 / (k + 1)) < 1e-13


def test_large_gauss_legendre_rule_is_symmetric_and_exact():
    w, a = quadrature.rule("gausslegendre", 2000)
    assert abs(w.sum() - 1.0) < 1e-13
    np.testing.assert_allclose(a + a[::-1], 1.0, atol=1e-15)
    assert abs(np.sum(w * a**7) - 1 / 8) < 1e-13
