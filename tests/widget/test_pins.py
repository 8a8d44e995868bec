"""Comparison pins: snapshots of results kept in the synced ``pins`` trait."""

from __future__ import annotations

import numpy as np
import pytest

from ig_widget._serialize import decode_array
from ig_widget.explore.pins import MAX_PINS, remove_pin

TIMEOUT = 20


def _front_end(w, content):
    """What the pin and unpin buttons send (an anywidget custom message)."""
    w._handle_custom_msg(content, [])


def test_pin_keeps_the_result_beside_later_settings(make, cnn, image):
    w = make(cnn, image, n_steps=4)
    first = w.wait(TIMEOUT)
    pin = w.pin()
    assert [p["id"] for p in w.pins] == [pin["id"]]
    assert pin["readout"]["n_steps"] == 4 and pin["kind"] == "image"
    assert pin["readout"]["delta"] == pytest.approx(float(first.delta))
    np.testing.assert_array_equal(decode_array(pin["attr"]), decode_array(w._payload["attr"]))
    w.n_steps = 32
    second = w.wait(TIMEOUT)
    w.pin()
    steps = [p["readout"]["n_steps"] for p in w.pins]
    assert steps == [4, 32]
    # the pinned map is the 4-step one, not the current 32-step map
    assert not np.array_equal(decode_array(w.pins[0]["attr"]), decode_array(w._payload["attr"]))
    assert w.pins[1]["readout"]["delta"] == pytest.approx(float(second.delta))


def test_buttons_pin_and_unpin_through_messages(make, text_model, ids):
    w = make(text_model, ids)
    w.wait(TIMEOUT)
    _front_end(w, {"type": "pin"})
    _front_end(w, {"type": "pin"})
    a, b = (p["id"] for p in w.pins)
    assert a != b and w.pins[0]["tokens"] == w._payload["tokens"]
    _front_end(w, {"type": "unpin", "id": a})
    assert [p["id"] for p in w.pins] == [b]
    _front_end(w, {"type": "unpin", "id": 999})  # stale button: a message, no raise
    assert "pin_id=999 is not pinned" in w.error
    assert [p["id"] for p in w.pins] == [b]


def test_pins_are_capped_and_bad_ids_say_so(make, mlp, row):
    w = make(mlp, row)
    w.wait(TIMEOUT)
    for _ in range(MAX_PINS + 2):
        w.pin()
    assert len(w.pins) == MAX_PINS
    assert w.pins[0]["id"] == 3  # the two oldest dropped
    with pytest.raises(TypeError, match="must be the int id"):
        w.unpin("3")
    with pytest.raises(ValueError, match="pinned ids: 3, 4"):
        remove_pin(w.pins[:2], 42)


def test_pins_are_read_only_for_the_front_end(make, mlp, row):
    w = make(mlp, row)
    w.wait(TIMEOUT)
    w.pin()
    w.set_state({"pins": []})  # dropped: not a front-end trait
    assert len(w.pins) == 1
