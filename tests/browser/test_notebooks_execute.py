"""Every example notebook runs top to bottom in a fresh kernel (no browser needed)."""

from __future__ import annotations

import time

import nbformat
import pytest
from nbclient import NotebookClient

from .helpers import EXAMPLES

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


@pytest.mark.parametrize("name", ["quickstart.ipynb"])
def test_example_notebook_runs(name):
    nb = nbformat.read(str(EXAMPLES / name), as_version=4)
    t0 = time.monotonic()
    # raises CellExecutionError, with the cell and traceback, if any cell fails
    NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(EXAMPLES)}}
    ).execute()
    print(f"\n[notebook] {name} ran in {time.monotonic() - t0:.1f} s")
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    views = [o for o in outputs if WIDGET_VIEW in o.get("data", {})]
    assert len(views) == 3, f"expected one widget per modality, got {len(views)}"
    # the saved widget state (what an HTML export draws) holds each widget's final result
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    kinds = []
    for v in views:
        model = state[v["data"][WIDGET_VIEW]["model_id"]]["state"]
        kinds.append(model.get("_payload", {}).get("kind"))
        assert (model["status"], model["_provisional"], model["error"]) == ("idle", False, ""), (
            kinds[-1],
            model["status"],
            model["_provisional"],
            model["error"],
        )
        assert model["_payload"]["readout"]["n_steps"] == model["n_steps"]
    assert sorted(kinds) == ["image", "tabular", "text"]
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "delta" in text
