"""The path plot: end points and running attributions."""

from __future__ import annotations

import numpy as np
import pytest

from ig_widget._serialize import decode_array
from ig_widget.payload import path_trace


def unpack(tr):
    return (
        decode_array(tr["alphas"]),
        decode_array(tr["outputs"]),
        {f["name"]: decode_array(f["cumulative"]) for f in tr["features"]},
    )


def test_interior_nodes_get_both_ends():
    alphas = np.array([0.75, 0.25])  # unsorted on purpose
    outputs = np.array([3.0, 1.0])
    integrand = np.array([[0.5, 2.0], [0.25, 1.0]])
    tr = path_trace(alphas, outputs, 4.0, 0.0, integrand.sum(0), integrand, ["a", "b"])
    a, f, feats = unpack(tr)
    np.testing.assert_array_equal(a, [0.0, 0.25, 0.75, 1.0])
    np.testing.assert_array_equal(f, [0.0, 1.0, 3.0, 4.0])
    assert list(feats) == ["b", "a"]  # by |attribution|
    np.testing.assert_array_equal(feats["b"], [0.0, 1.0, 3.0, 3.0])
    np.testing.assert_array_equal(feats["a"], [0.0, 0.25, 0.75, 0.75])


def test_nodes_at_zero_and_one():
    alphas = np.array([0.0, 0.5, 1.0])  # trapezoid
    integrand = np.array([[0.25], [0.5], [0.25]])
    a, f, feats = unpack(
        path_trace(alphas, np.array([1.0, 2.0, 3.0]), 3.0, 1.0, np.array([1.0]), integrand, ["x"])
    )
    np.testing.assert_array_equal(a, alphas)
    np.testing.assert_array_equal(f, [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(feats["x"], [0.0, 0.75, 1.0])
    # riemann_left: a node at 0 but not at 1
    a, _, feats = unpack(
        path_trace(
            np.array([0.0, 0.5]),
            np.array([1.0, 2.0]),
            3.0,
            1.0,
            np.array([1.0]),
            np.array([[0.5], [0.5]]),
            ["x"],
        )
    )
    np.testing.assert_array_equal(a, [0.0, 0.5, 1.0])
    np.testing.assert_array_equal(feats["x"], [0.0, 1.0, 1.0])


def test_top_five_and_callable_names():
    d = 9
    attr = np.array([0.1, -5.0, 0.2, 4.0, -0.3, 3.0, 0.0, 2.0, 1.0])
    integrand = np.tile(attr / 2, (2, 1))
    tr = path_trace(
        np.array([0.3, 0.6]), np.zeros(2), 0.0, 0.0, attr, integrand, lambda i: f"({i}, 0)"
    )
    names = [f["name"] for f in tr["features"]]
    assert names == ["(1, 0)", "(3, 0)", "(5, 0)", "(7, 0)", "(8, 0)"]
    assert len(names) == 5 < d
    for f in tr["features"]:
        i = int(f["name"][1])
        assert decode_array(f["cumulative"])[-1] == pytest.approx(attr[i])


def test_without_integrand_or_trace():
    tr = path_trace(np.array([0.5]), np.array([1.0]), 2.0, 0.0, np.ones(3), None, ["a", "b", "c"])
    a, f, feats = unpack(tr)
    np.testing.assert_array_equal(a, [0.0, 0.5, 1.0])
    assert feats == {}
    a, f, feats = unpack(path_trace(None, None, 2.0, 0.5, np.ones(3), None, ["a", "b", "c"]))
    np.testing.assert_array_equal(a, [0.0, 1.0])
    np.testing.assert_array_equal(f, [0.5, 2.0])
    assert feats == {}
