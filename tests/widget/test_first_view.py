"""What the first view is told by the kernel: the clip default for short inputs, which
paths ignore steps and method, and what a forward-only path computed."""

from __future__ import annotations

import torch

from ig_widget.explore.display import (
    CLIP_PERCENTILE,
    SHORT_CLIP_PERCENTILE,
    default_clip_percentile,
    display_count,
)
from ig_widget.modality.tabular import EXACT_SHAPLEY_MAX_FEATURES, SHAPLEY_SAMPLES

from .conftest import MLP

TIMEOUT = 20


def test_display_count_per_modality():
    assert display_count("image", torch.zeros(1, 3, 12, 10)) == 120
    assert display_count("text", torch.zeros(1, 7, dtype=torch.long)) == 7
    assert display_count("tabular", torch.zeros(1, 30)) == 30
    assert default_clip_percentile(49) == SHORT_CLIP_PERCENTILE
    assert default_clip_percentile(50) == CLIP_PERCENTILE


def test_short_inputs_start_at_the_short_clip(make, text_model, ids, cnn, image, mlp, row):
    assert make(text_model, ids).clip_percentile == SHORT_CLIP_PERCENTILE  # 5 tokens
    assert make(mlp, row).clip_percentile == SHORT_CLIP_PERCENTILE  # 5 features
    assert make(cnn, image).clip_percentile == CLIP_PERCENTILE  # 144 pixels
    assert make(text_model, ids, clip_percentile=95.0).clip_percentile == 95.0


def test_forward_only_paths_are_listed(make, mlp, row, cnn, image):
    assert make(mlp, row).forward_only_paths == ["extremal", "all_orderings"]
    assert make(cnn, image).forward_only_paths == ["guided", "extremal", "all_orderings"]


def test_readout_says_what_a_forward_only_path_computed(make, mlp, row):
    w = make(mlp, row, path="all_orderings")
    w.wait(TIMEOUT)
    assert w._payload["readout"]["path_detail"] == "exact over all 5! orders (32 subsets)"
    w.path = "extremal"
    w.wait(TIMEOUT)
    assert w._payload["readout"]["path_detail"] == "exact: one forward pass per feature"
    w.path = "straight"
    w.wait(TIMEOUT)
    assert w._payload["readout"]["path_detail"] == ""


def test_many_features_say_the_orders_are_sampled(make):
    d = EXACT_SHAPLEY_MAX_FEATURES + 1
    model = MLP(n_features=d)
    w = make(model, torch.linspace(-1, 1, d, dtype=torch.float64), path="all_orderings")
    w.wait(TIMEOUT)
    detail = w._payload["readout"]["path_detail"]
    assert detail == f"estimate from {SHAPLEY_SAMPLES} sampled orders"
