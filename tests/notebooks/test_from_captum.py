"""The captum notebook runs top to bottom (captum's attributions shown with
``IGWidget.from_attributions``), and the committed copy carries its outputs: a picture
for every widget, so it reads on GitHub without a kernel."""

from __future__ import annotations

import base64
import shutil

import nbformat
import pytest

from .test_examples import EXAMPLES, MAX_BYTES, WIDGET_STATE, WIDGET_VIEW, outputs, run_examples

NAME = "from_captum.ipynb"

pytest.importorskip("captum")


def _widget_outputs(nb) -> list[dict]:
    return [o for o in outputs(nb) if WIDGET_VIEW in o.get("data", {})]


def _check(nb) -> None:
    assert not [o for o in outputs(nb) if o.output_type == "error"]
    views = _widget_outputs(nb)
    assert len(views) == 3  # captum's digit, captum's bars, the live widget
    state = nb.metadata["widgets"][WIDGET_STATE]["state"]
    computable = []
    for v in views:
        data = v["data"]
        picture = base64.b64decode(data.get("image/png") or data["image/jpeg"])
        assert picture[:3] in (b"\x89PN", b"\xff\xd8\xff")  # PNG, or JPEG for images
        assert v["data"]["text/plain"].startswith("IGWidget(")
        assert "finished" in v["data"]["text/plain"]
        model = state[v["data"][WIDGET_VIEW]["model_id"]]
        assert model["model_name"] == "AnyModel"
        computable.append(model["state"]["computable"])
    assert computable == [False, False, True]
    text = "".join(o.get("text", "") for o in outputs(nb) if o.output_type == "stream")
    assert "largest difference between the two" in text and "live widget vs captum" in text


def test_from_captum_notebook_runs(tmp_path):
    copy = tmp_path / NAME
    shutil.copy(EXAMPLES / NAME, copy)
    nb = run_examples.execute(nbformat.read(copy, as_version=4))
    _check(nb)


def test_committed_from_captum_notebook_has_outputs():
    path = EXAMPLES / NAME
    assert path.stat().st_size < MAX_BYTES
    nb = nbformat.read(path, as_version=4)
    assert all(c.execution_count is not None for c in nb.cells if c.cell_type == "code")
    _check(nb)
