"""Every widget output carries a static picture and a true text line for readers without
the widget (GitHub, nbviewer, a page with scripts off), refreshed by ``update_display``
when a result lands, and frozen once another cell runs."""

from __future__ import annotations

import base64
import itertools
import types

import IPython.display
import pytest
import torch

TIMEOUT = 60
VIEW = "application/vnd.jupyter.widget-view+json"


class Outputs:
    """Stands in for the notebook: what ``display`` and ``update_display`` published."""

    def __init__(self) -> None:
        self.shown: dict[str, dict] = {}
        self.updates: list[tuple[str, dict]] = []
        self._ids = itertools.count()

    def display(self, data, raw=False, display_id=None):
        assert raw and display_id is True
        did = f"d{next(self._ids)}"
        self.shown[did] = data
        return types.SimpleNamespace(display_id=did)

    def update(self, data, raw=False, display_id=None):
        assert raw and display_id in self.shown
        self.shown[display_id] = data
        self.updates.append((display_id, data))


@pytest.fixture
def outputs(monkeypatch):
    out = Outputs()
    monkeypatch.setattr(IPython.display, "display", out.display)
    monkeypatch.setattr(IPython.display, "update_display", out.update)
    return out


def test_output_holds_view_png_and_a_true_line(make, mlp, row, outputs):
    w = make(mlp, row, n_steps=40)
    w._ipython_display_()
    w.wait(TIMEOUT)
    (did,) = outputs.shown
    data = outputs.shown[did]
    assert data[VIEW]["model_id"] == w.model_id
    png = base64.b64decode(data["image/png"])
    assert png.startswith(b"\x89PNG") and w._picture == ("image/png", png)
    text = data["text/plain"]
    assert "finished" in text and "running" not in text
    r = w._payload["readout"]
    assert f"delta={r['delta']:.4g}" in text and f"F(x)={r['output']:.4g}" in text
    assert f"target {r['target']}" in text
    assert "text/html" not in data  # one copy of the picture per output


def test_new_result_refreshes_the_picture(make, mlp, row, outputs):
    w = make(mlp, row, n_steps=40)
    w._ipython_display_()
    w.wait(TIMEOUT)
    before = outputs.shown["d0"]["image/png"]
    w.n_steps = 7
    w.wait(TIMEOUT)
    after = outputs.shown["d0"]
    assert after["image/png"] != before
    assert "7 steps" in after["text/plain"]


def test_note_reaches_picture_and_line(make, mlp, row, outputs):
    w = make(mlp, row)
    w._ipython_display_()
    w.wait(TIMEOUT)
    before = outputs.shown["d0"]["image/png"]
    w.set_state({"note": "<script>alert(1)</script> feature 2 dominates"})  # from the box
    w.wait(TIMEOUT)  # also waits for the picture
    data = outputs.shown["d0"]
    assert "feature 2 dominates" in data["text/plain"]
    assert data["image/png"] != before
    assert w._picture == ("image/png", base64.b64decode(data["image/png"]))


def test_an_error_says_so(make, mlp, row, outputs):
    w = make(mlp, row)
    w._ipython_display_()
    w.wait(TIMEOUT)
    mlp.fail = True
    w.n_steps = 9
    with pytest.raises(RuntimeError):
        w.wait(TIMEOUT)
    assert "failed" in repr(w) and "finished" not in repr(w)


def test_not_displayed_costs_no_picture(make, mlp, row):
    w = make(mlp, row)
    w.wait(TIMEOUT)
    assert w._picture is None and w._pictures is None


def test_display_freezes_when_another_cell_runs(make, mlp, row, outputs, monkeypatch):
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    w = make(mlp, row, n_steps=40)
    w._ipython_display_()
    w.wait(TIMEOUT)
    shown = outputs.shown["d0"]["image/png"]
    shell.events.trigger("pre_run_cell", None)  # the next cell starts
    assert w._shown["n_steps"] == 40  # what the kept output showed, for the saved page
    w.n_steps = 5
    w.wait(TIMEOUT)
    assert outputs.shown["d0"]["image/png"] == shown  # the output keeps its own cell's result
    assert w._picture[1] != base64.b64decode(shown)  # the widget's own picture follows
    w._ipython_display_()  # shown again: a new output with the new result
    assert "5 steps" in outputs.shown["d1"]["text/plain"]


def test_image_widget_picture(make, cnn, image, outputs):
    w = make(cnn, image, n_steps=12)
    w._ipython_display_()
    w.wait(TIMEOUT)
    data = outputs.shown["d0"]
    # images as JPEG: a heatmap is noise to PNG's compression
    assert "image/png" not in data
    assert base64.b64decode(data["image/jpeg"]).startswith(b"\xff\xd8")
    assert isinstance(image, torch.Tensor)


def test_download_button_gets_the_picture_by_message(make, mlp, row, monkeypatch):
    w = make(mlp, row)
    w.wait(TIMEOUT)
    sent = []
    monkeypatch.setattr(w, "send", lambda content, buffers=None: sent.append((content, buffers)))
    w._on_front_end_msg(w, {"type": "png"}, [])
    ((content, buffers),) = sent
    assert content == {"type": "png"} and bytes(buffers[0]).startswith(b"\x89PNG")
    w._on_front_end_msg(w, {"type": "something else"}, [])
    w._on_front_end_msg(w, "<b>not a dict</b>", [])
    assert len(sent) == 1
