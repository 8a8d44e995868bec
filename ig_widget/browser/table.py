"""The gallery's arithmetic on predictions (numpy only): per-example scores, filters,
sort orders, the confusion matrix and pages.

Everything the gallery shows is derived from one (N, C) probability matrix and the
optional true labels, so these are pure functions that tests check against plain numpy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: what the gallery can sort by; "loss" needs true labels
SORT_KEYS = ("index", "loss", "confidence", "margin")
#: -log of this is the largest loss reported (a probability of exactly 0 would be inf)
_TINY = 1e-12


@dataclass(frozen=True)
class Scores:
    """Per-example figures of a prediction pass over N examples with C classes."""

    probs: np.ndarray  #: (N, C) float64 softmax probabilities
    predicted: np.ndarray  #: (N,) int64 arg-max class
    confidence: np.ndarray  #: (N,) probability of the predicted class
    margin: np.ndarray  #: (N,) top-1 minus top-2 probability (1.0 with one class)
    labels: np.ndarray | None  #: (N,) int64 true classes, or None
    loss: np.ndarray | None  #: (N,) cross-entropy -log p[label], or None without labels

    @property
    def n_classes(self) -> int:
        return int(self.probs.shape[1])

    def __len__(self) -> int:
        return int(self.probs.shape[0])


def scores(probs: np.ndarray, labels: np.ndarray | None = None) -> Scores:
    """``Scores`` of ``probs`` (N, C) and optional integer ``labels`` (N,)."""
    p = np.asarray(probs, dtype=np.float64)
    if p.ndim != 2 or p.shape[1] < 1:
        raise ValueError(f"probs must be (N, C) with C >= 1, got shape {p.shape}.")
    predicted = p.argmax(axis=1).astype(np.int64)
    confidence = p[np.arange(len(p)), predicted]
    if p.shape[1] >= 2:
        top2 = np.sort(p, axis=1)[:, -2:]
        margin = top2[:, 1] - top2[:, 0]
    else:
        margin = np.ones(len(p))
    loss = None
    if labels is not None:
        labels = np.asarray(labels, dtype=np.int64)
        loss = -np.log(np.maximum(p[np.arange(len(p)), labels], _TINY))
    return Scores(p, predicted, confidence, margin, labels, loss)


def select(
    s: Scores,
    misclassified: bool = False,
    true_class: int = -1,
    predicted_class: int = -1,
) -> np.ndarray:
    """Indices (ascending) of the examples that pass every filter; -1 means any class.
    Filters on true labels need labels."""
    keep = np.ones(len(s), dtype=bool)
    if (misclassified or true_class >= 0) and s.labels is None:
        raise ValueError(
            "filtering by true class or to misclassified examples needs labels; pass "
            "labels= to IGBrowser (or a dataset that yields (x, y) pairs)."
        )
    if misclassified:
        keep &= s.predicted != s.labels
    if true_class >= 0:
        keep &= s.labels == true_class
    if predicted_class >= 0:
        keep &= s.predicted == predicted_class
    return np.flatnonzero(keep)


def order(s: Scores, indices: np.ndarray, sort_by: str = "index", descending: bool = False):
    """``indices`` sorted by ``sort_by`` (one of ``SORT_KEYS``); ties keep index order."""
    indices = np.asarray(indices, dtype=np.int64)
    if sort_by not in SORT_KEYS:
        raise ValueError(f"sort_by={sort_by!r} is not known; use one of {', '.join(SORT_KEYS)}.")
    if sort_by == "index":
        return indices[::-1].copy() if descending else indices
    key = getattr(s, sort_by)
    if key is None:
        raise ValueError("sorting by loss needs labels; pass labels= to IGBrowser.")
    values = key[indices]
    # lexsort: last key is primary; the index breaks ties in ascending order either way
    primary = -values if descending else values
    return indices[np.lexsort((indices, primary))]


def confusion(s: Scores) -> np.ndarray:
    """(C, C) int64 counts: row = true class, column = predicted class."""
    if s.labels is None:
        raise ValueError("a confusion matrix needs labels; pass labels= to IGBrowser.")
    c = s.n_classes
    n_labels = int(s.labels.max()) + 1 if len(s.labels) else 0
    c = max(c, n_labels)
    m = np.zeros((c, c), dtype=np.int64)
    np.add.at(m, (s.labels, s.predicted), 1)
    return m


def page_slice(n: int, page: int, page_size: int) -> tuple[int, int, int]:
    """(start, stop, page) of ``page`` among ``n`` items, the page clamped into range."""
    if page_size < 1:
        raise ValueError(f"page_size must be at least 1, got {page_size}.")
    n_pages = max(1, -(-n // page_size))
    page = min(max(0, page), n_pages - 1)
    start = page * page_size
    return start, min(n, start + page_size), page
