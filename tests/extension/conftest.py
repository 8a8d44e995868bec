"""An IPython shell with the extension loaded, and the widgets ``%ig`` displayed."""

from __future__ import annotations

import pytest
from IPython.core.interactiveshell import InteractiveShell

import ig_widget.extension as extension


@pytest.fixture
def shown(monkeypatch, widgets):
    """What ``%ig`` passed to ``display`` (the widgets are closed after the test, before
    ``widgets`` checks that no worker thread is left)."""
    out: list = []
    monkeypatch.setattr(extension, "display", out.append)
    yield out
    for w in out:
        w.close()


@pytest.fixture
def shell(shown):
    """The process's ``InteractiveShell`` with ``%load_ext ig_widget`` run; unloaded and
    its namespace cleaned after the test."""
    ip = InteractiveShell.instance()
    before = set(ip.user_ns)
    ip.run_line_magic("load_ext", "ig_widget")
    yield ip
    ip.run_line_magic("unload_ext", "ig_widget")
    for name in set(ip.user_ns) - before:
        del ip.user_ns[name]
