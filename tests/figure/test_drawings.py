"""The three drawings from plain arrays: what is drawn matches the numbers given."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from matplotlib.patches import Rectangle

from ig_widget.figure import caption_line, draw_bars, draw_image, draw_tokens, to_png
from ig_widget.figure.style import centred_norm, plain_text

RNG = np.random.default_rng(0)


def _texts(fig):
    out = list(fig.texts)
    for ax in fig.axes:
        out += list(ax.texts) + list(ax.get_yticklabels())
    return out


def test_image_panels_hold_the_input_and_the_channel_sum():
    img = RNG.random((3, 6, 5))
    attr = RNG.standard_normal((3, 6, 5))
    fig = draw_image(img, attr, readout={"delta": 0.01, "output": 1.0, "baseline_output": 0.5})
    panels = [ax for ax in fig.axes if ax.images]
    assert len(panels) == 3
    heat = panels[1].images[0]
    np.testing.assert_allclose(heat.get_array(), attr.sum(axis=0))
    shown = panels[0].images[0].get_array()
    assert shown.shape == (6, 5, 3)  # channels last for imshow
    np.testing.assert_allclose(shown.min(), 0.0)
    np.testing.assert_allclose(shown.max(), 1.0)
    # the colour scale is centred at zero: white means no attribution
    norm = heat.norm
    assert norm.vmin == -norm.vmax and norm(0.0) == pytest.approx(0.5)
    # and a colour bar exists for it
    assert any(ax.get_label() == "<colorbar>" for ax in fig.axes)


def test_image_without_input_is_the_heatmap_alone():
    attr = RNG.standard_normal((1, 1, 4, 4))
    fig = draw_image(None, attr)
    panels = [ax for ax in fig.axes if ax.images]
    assert len(panels) == 1
    np.testing.assert_allclose(panels[0].images[0].get_array(), attr[0, 0])


def test_image_shape_errors_name_the_fix():
    with pytest.raises(ValueError, match=r"\(C, H, W\)"):
        draw_image(None, np.zeros((5, 4, 4)))
    with pytest.raises(ValueError, match="pixels"):
        draw_image(np.zeros((3, 4, 4)), np.zeros((3, 5, 5)))


def test_tokens_are_coloured_by_their_sign_and_drawn_as_plain_text():
    tokens = ["good", "<b>bad</b>", "$x^2$", "line\nbreak"]
    attr = np.array([2.0, -2.0, 0.0, 1.0])
    fig = draw_tokens(tokens, attr)
    drawn = {t.get_text(): t for t in fig.texts if t.get_bbox_patch() is not None}
    assert set(drawn) == {"good", "<b>bad</b>", "$x^2$", "line\\nbreak"}
    assert all(not t.get_parse_math() for t in drawn.values())
    red, _, blue, _ = drawn["good"].get_bbox_patch().get_facecolor()
    assert red > blue  # positive: the red end of RdBu_r
    red, _, blue, _ = drawn["<b>bad</b>"].get_bbox_patch().get_facecolor()
    assert blue > red
    r, g, b, _ = drawn["$x^2$"].get_bbox_patch().get_facecolor()
    assert min(r, g, b) > 0.9  # zero is (near) white


def test_tokens_accept_embeddings_and_check_lengths():
    attr = RNG.standard_normal((3, 4))
    fig = draw_tokens(["a", "b", "c"], attr, max_tokens=2, readout={"delta": 0.0})
    boxes = [t for t in fig.texts if t.get_bbox_patch() is not None]
    assert [t.get_text() for t in boxes] == ["a", "b"]
    assert any("first 2 of 3 tokens" in t.get_text() for t in fig.texts)
    with pytest.raises(ValueError, match="3 attributions"):
        draw_tokens(["a", "b"], attr)
    with pytest.raises(TypeError, match="list of strings"):
        draw_tokens("abc", np.zeros(3))


def test_bars_are_the_top_k_by_magnitude_with_their_signs():
    attr = np.array([0.1, -3.0, 2.0, 0.0, -0.5, 1.0])
    names = [f"f{i}" for i in range(6)]
    fig = draw_bars(names, np.arange(6.0), attr, top_k=3)
    ax = next(a for a in fig.axes if a.patches)
    bars = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert sorted(round(b.get_width(), 6) for b in bars) == [-3.0, 1.0, 2.0]
    placed = zip(ax.get_yticks(), [t.get_text() for t in ax.get_yticklabels()], strict=True)
    top_to_bottom = [label for _, label in sorted(placed, reverse=True)]
    assert top_to_bottom == ["f1 = 1", "f2 = 2", "f5 = 5"]
    assert any("top 3 of 6 features" in t.get_text() for t in fig.texts)


def test_bars_label_features_without_names_and_check_lengths():
    fig = draw_bars(None, None, np.array([1.0, -2.0]))
    ax = next(a for a in fig.axes if a.patches)
    assert {t.get_text() for t in ax.get_yticklabels()} == {"feature 0", "feature 1"}
    with pytest.raises(ValueError, match="one label per feature"):
        draw_bars(["a"], None, np.zeros(2))
    with pytest.raises(ValueError, match="top_k"):
        draw_bars(None, None, np.zeros(2), top_k=0)


def test_untrusted_names_never_go_through_math_text():
    names = ["$\\frac{a}{b}$", "<script>alert(1)</script>"]
    fig = draw_bars(names, None, np.array([1.0, -1.0]))
    labels = [t for t in _texts(fig) if t.get_text().startswith(("$", "<"))]
    assert len(labels) == 2 and all(not t.get_parse_math() for t in labels)
    to_png(fig)  # math text would fail or render differently; plain text draws


def test_caption_gives_delta_and_completeness_error():
    text = caption_line(
        {
            "target": 3,
            "target_label": "cat",
            "n_steps": 64,
            "method": "riemann_trapezoid",
            "baseline": "blur",
            "output": 2.0,
            "baseline_output": 1.0,
            "delta": -0.05,
        }
    )
    assert "target 3 (cat)" in text and "64 steps" in text and "baseline blur" in text
    assert "delta = -0.05" in text
    assert "completeness error 5.00%" in text  # |-0.05| / |2 - 1|
    assert caption_line(None) == ""


def test_plain_text_escapes_control_characters_and_cuts():
    assert plain_text("a\nb\tc\x00") == "a\\nb\\tc\\x00"
    assert plain_text("x" * 100, 10) == "x" * 9 + "\u2026"


def test_colour_limit_ignores_non_finite_and_all_zero():
    norm = centred_norm(np.array([np.nan, np.inf, 2.0, -1.0]), 100.0)
    assert norm.vmax == 2.0
    assert centred_norm(np.zeros(4)).vmax == 1.0
    with pytest.raises(ValueError, match="clip_percentile"):
        centred_norm(np.ones(3), 0.0)


def test_png_holds_the_whole_drawing():
    fig = draw_bars(None, None, np.array([1.0, -2.0, 0.5]), readout={"note": "n" * 300})
    data = to_png(fig, dpi=50)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(data[16:20], "big")
    # the 120-character caption line is wider than the 8-inch figure: the PNG grows to it
    assert width > fig.get_figwidth() * 50


def test_drawing_leaves_pyplot_alone():
    code = (
        "import sys, numpy as np\n"
        "from ig_widget.figure import draw_image, draw_tokens, draw_bars, to_png\n"
        "to_png(draw_image(np.ones((3,4,4)), np.ones((3,4,4))))\n"
        "to_png(draw_tokens(['a'], np.ones(1))); to_png(draw_bars(None, None, np.ones(2)))\n"
        "assert 'matplotlib.pyplot' not in sys.modules, 'pyplot was imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
