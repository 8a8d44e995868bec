"""Comparison pins: snapshots of finished results kept beside the live one.

A pin copies what the front end needs to draw a result next to the current one (its
attribution array, the readout with its settings and delta, and the modality's labels)
out of the result's payload, so pins cost no computation and stay valid when the
settings move on. They live in the widget's synced ``pins`` trait, so a saved notebook
keeps the comparison.
"""

from __future__ import annotations

from typing import Any

#: the most pins a widget keeps; pinning one more drops the oldest
MAX_PINS = 6

#: payload keys a pin keeps (the input image and values are the current payload's)
_KEPT = ("kind", "attr", "readout", "height", "width", "tokens", "names")


def make_pin(payload: dict, pin_id: int) -> dict:
    """The pin of a result's ``payload`` (see docs/architecture.md), numbered ``pin_id``."""
    if not payload or "attr" not in payload or "readout" not in payload:
        raise ValueError(
            "there is no finished result to pin yet; wait for the first result "
            "(w.wait()) and pin again."
        )
    pin: dict[str, Any] = {k: payload[k] for k in _KEPT if k in payload}
    pin["id"] = int(pin_id)
    return pin


def add_pin(pins: list[dict], pin: dict) -> list[dict]:
    """``pins`` with ``pin`` appended, the oldest dropped past ``MAX_PINS``."""
    return [*pins, pin][-MAX_PINS:]


def remove_pin(pins: list[dict], pin_id: Any) -> list[dict]:
    """``pins`` without the pin numbered ``pin_id``; a non-int raises TypeError, an
    unknown id ValueError."""
    if isinstance(pin_id, bool) or not isinstance(pin_id, int):
        raise TypeError(f"pin_id={pin_id!r} must be the int id of a pin (see w.pins).")
    kept = [p for p in pins if p.get("id") != pin_id]
    if len(kept) == len(pins):
        ids = ", ".join(str(p.get("id")) for p in pins) or "none"
        raise ValueError(f"pin_id={pin_id} is not pinned; pinned ids: {ids}.")
    return kept
