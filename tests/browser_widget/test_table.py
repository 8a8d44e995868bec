"""The gallery's arithmetic against plain numpy: scores, filters, orders, confusion
matrix and pages."""

from __future__ import annotations

import numpy as np
import pytest

from ig_widget.browser import table


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(500, 4)) * 2
    probs = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    labels = rng.integers(0, 4, size=500)
    return probs, labels


def test_scores_match_numpy(data):
    probs, labels = data
    s = table.scores(probs, labels)
    np.testing.assert_array_equal(s.predicted, probs.argmax(1))
    np.testing.assert_allclose(s.confidence, probs.max(1))
    top = np.sort(probs, 1)
    np.testing.assert_allclose(s.margin, top[:, -1] - top[:, -2])
    np.testing.assert_allclose(s.loss, -np.log(probs[np.arange(500), labels]))
    assert table.scores(probs).loss is None


def test_loss_of_a_zero_probability_is_finite():
    s = table.scores(np.array([[1.0, 0.0]]), np.array([1]))
    assert np.isfinite(s.loss).all() and s.loss[0] > 20


def test_filters(data):
    probs, labels = data
    s = table.scores(probs, labels)
    pred = probs.argmax(1)
    np.testing.assert_array_equal(table.select(s), np.arange(500))
    np.testing.assert_array_equal(
        table.select(s, misclassified=True), np.flatnonzero(pred != labels)
    )
    np.testing.assert_array_equal(table.select(s, true_class=2), np.flatnonzero(labels == 2))
    np.testing.assert_array_equal(
        table.select(s, predicted_class=1, true_class=3),
        np.flatnonzero((pred == 1) & (labels == 3)),
    )
    both = table.select(s, misclassified=True, true_class=0, predicted_class=0)
    assert len(both) == 0  # a diagonal cell holds no misclassified example
    with pytest.raises(ValueError, match="labels="):
        table.select(table.scores(probs), misclassified=True)


@pytest.mark.parametrize("key", ["loss", "confidence", "margin"])
@pytest.mark.parametrize("descending", [False, True])
def test_order_matches_numpy_and_breaks_ties_by_index(data, key, descending):
    probs, labels = data
    s = table.scores(probs, labels)
    chosen = table.select(s, misclassified=True)
    got = table.order(s, chosen, key, descending)
    values = getattr(s, key)[got]
    diffs = np.diff(values)
    assert (diffs <= 0).all() if descending else (diffs >= 0).all()
    assert sorted(got.tolist()) == chosen.tolist()


def test_order_ties_and_index():
    probs = np.array([[0.5, 0.5], [0.9, 0.1], [0.5, 0.5], [0.9, 0.1]])
    s = table.scores(probs, np.array([0, 0, 1, 1]))
    np.testing.assert_array_equal(table.order(s, np.arange(4), "confidence"), [0, 2, 1, 3])
    np.testing.assert_array_equal(table.order(s, np.arange(4), "confidence", True), [1, 3, 0, 2])
    np.testing.assert_array_equal(table.order(s, np.arange(4), "index", True), [3, 2, 1, 0])
    with pytest.raises(ValueError, match="sort_by"):
        table.order(s, np.arange(4), "nope")
    with pytest.raises(ValueError, match="labels="):
        table.order(table.scores(probs), np.arange(4), "loss")


def test_confusion_matches_a_loop(data):
    probs, labels = data
    s = table.scores(probs, labels)
    m = table.confusion(s)
    want = np.zeros((4, 4), dtype=int)
    for t, p in zip(labels, probs.argmax(1), strict=True):
        want[t, p] += 1
    np.testing.assert_array_equal(m, want)
    assert m.sum() == 500
    assert m.sum() - np.trace(m) == len(table.select(s, misclassified=True))


def test_page_slice_clamps():
    assert table.page_slice(100, 0, 48) == (0, 48, 0)
    assert table.page_slice(100, 2, 48) == (96, 100, 2)
    assert table.page_slice(100, 7, 48) == (96, 100, 2)
    assert table.page_slice(0, 3, 48) == (0, 0, 0)
    assert table.page_slice(96, -1, 48) == (0, 48, 0)
    with pytest.raises(ValueError, match="page_size"):
        table.page_slice(10, 0, 0)
