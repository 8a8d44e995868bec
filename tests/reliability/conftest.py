"""Fixtures: a widget factory that closes what it made, and a net for escaping errors."""

from __future__ import annotations

import sys
import threading

import pytest


@pytest.fixture
def escaped(monkeypatch):
    """Records exceptions that escape a thread or a finaliser (they must not)."""
    seen: list[str] = []
    monkeypatch.setattr(
        threading,
        "excepthook",
        lambda args: seen.append(f"thread {args.thread}: {args.exc_value!r}"),
    )
    monkeypatch.setattr(
        sys, "unraisablehook", lambda u: seen.append(f"unraisable: {u.exc_value!r} in {u.object!r}")
    )
    return seen
