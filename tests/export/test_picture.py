"""The static picture of a view is drawn from the payload alone, as the view shows it."""

from __future__ import annotations

import numpy as np
import pytest

from ig_widget._serialize import decode_array
from ig_widget.export.picture import figure_bytes, note_lines, payload_figure


def _texts(fig) -> str:
    return "\n".join(t.get_text() for t in fig.texts)


@pytest.mark.parametrize("kind", ["image", "text", "tabular"])
def test_each_kind_draws_with_caption_and_note(live, kind):
    w = live(kind)
    fig = payload_figure(w._payload, note="left <b>edge</b> $a$")
    text = _texts(fig)
    delta = w._payload["readout"]["delta"]
    assert f"delta = {delta:+.3g}" in text
    assert "Note: left <b>edge</b> $a$" in text  # literal, not parsed as markup or math
    assert figure_bytes(fig, "png").startswith(b"\x89PNG")


def test_image_panels_hold_the_payload(live):
    w = live("image")
    fig = payload_figure(w._payload)
    panels = [ax for ax in fig.axes if ax.images]
    attr = decode_array(w._payload["attr"])
    np.testing.assert_allclose(panels[1].images[0].get_array(), attr, rtol=1e-6)
    img = decode_array(w._payload["image"])
    np.testing.assert_allclose(panels[0].images[0].get_array(), img / 255.0)


def test_sign_modes_draw_what_the_view_shows(live):
    w = live("image")
    attr = decode_array(w._payload["attr"]).astype(np.float64)
    assert (attr > 0).any() and (attr < 0).any()
    for sign, expected in [
        ("positive", np.where(attr > 0, attr, 0)),
        ("negative", np.where(attr < 0, attr, 0)),
        ("absolute", np.abs(attr)),
    ]:
        fig = payload_figure(w._payload, sign=sign)
        heat = [ax for ax in fig.axes if ax.images][1].images[0].get_array()
        np.testing.assert_allclose(heat, expected, rtol=1e-6)


def test_empty_payload_says_to_wait():
    with pytest.raises(ValueError, match="wait"):
        payload_figure({})


def test_note_lines_wrap_and_escape_control_characters():
    text = note_lines("a\x07b " + "word " * 40)
    assert "\\x07" in text and all(len(line) <= 100 for line in text.splitlines())
    assert len(text.splitlines()) >= 2
