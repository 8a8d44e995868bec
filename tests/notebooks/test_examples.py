"""The example notebooks run top to bottom in a fresh kernel, and the committed copies
carry their outputs (they are saved executed so that they read well on GitHub).

Each notebook is executed from a copy (the committed file is never rewritten here) in a
kernel started in ``example_notebooks/``, with the repository first on ``PYTHONPATH``,
exactly as ``scripts/run_examples.py`` runs them. The understanding notebook asserts its
engine results against closed forms in its own cells, so running it checks them.
"""

from __future__ import annotations

import importlib.util
import shutil
import time
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "example_notebooks"
_spec = importlib.util.spec_from_file_location("run_examples", ROOT / "scripts" / "run_examples.py")
run_examples = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(run_examples)

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
#: notebook -> (static figures it draws at least, widgets it shows)
EXPECTED = {
    "understanding_ig.ipynb": (4, 0),
    "image.ipynb": (1, 1),
    "tabular.ipynb": (1, 1),
}
MAX_BYTES = 1_000_000


def outputs(nb: nbformat.NotebookNode) -> list[dict]:
    return [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]


def pngs(nb: nbformat.NotebookNode) -> list[str]:
    return [o["data"]["image/png"] for o in outputs(nb) if "image/png" in o.get("data", {})]


def check_widgets(nb: nbformat.NotebookNode, expected: int) -> None:
    """Each widget view has saved state holding its finished, final result."""
    views = [o for o in outputs(nb) if WIDGET_VIEW in o.get("data", {})]
    assert len(views) == expected
    if not expected:
        return
    state = nb.metadata["widgets"][WIDGET_STATE]["state"]
    for v in views:
        model = state[v["data"][WIDGET_VIEW]["model_id"]]["state"]
        assert (model["status"], model["_provisional"], model["error"]) == ("idle", False, "")
        assert model["_payload"]["readout"]["n_steps"] == model["n_steps"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_notebook_runs(name, tmp_path):
    copy = tmp_path / name
    shutil.copy(EXAMPLES / name, copy)
    nb = nbformat.read(copy, as_version=4)
    t0 = time.monotonic()
    run_examples.execute(nb)  # clears the saved outputs; raises CellExecutionError on failure
    print(f"\n[notebook] {name} ran in {time.monotonic() - t0:.1f} s")
    assert not [o for o in outputs(nb) if o.output_type == "error"]
    n_figures, n_widgets = EXPECTED[name]
    assert len(pngs(nb)) >= n_figures
    check_widgets(nb, n_widgets)
    assert run_examples.tagged_figure(nb) is not None, "no figure for the README"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_committed_notebook_is_saved_with_outputs(name):
    path = EXAMPLES / name
    assert path.stat().st_size < MAX_BYTES, "keep saved notebooks small (figures at ~90 dpi)"
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code), "run scripts/run_examples.py"
    assert not [o for o in outputs(nb) if o.output_type == "error"]
    n_figures, n_widgets = EXPECTED[name]
    assert len(pngs(nb)) >= n_figures
    check_widgets(nb, n_widgets)
    figure = (ROOT / "docs" / "img" / f"example_{path.stem}.png").read_bytes()
    assert run_examples.tagged_figure(nb) == figure, "docs/img picture is out of date"
