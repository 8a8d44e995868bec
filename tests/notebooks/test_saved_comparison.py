"""A notebook run headlessly keeps a two-model comparison: the saved widget state holds
the pins of both models, labelled, and the model control's labels (what a reopened
notebook or an HTML export draws without a kernel)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("run_examples", ROOT / "scripts" / "run_examples.py")
run_examples = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(run_examples)

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
CELLS = [
    "import torch\n"
    "from ig_widget import IGWidget\n"
    "def mlp(seed):\n"
    "    torch.manual_seed(seed)\n"
    "    return torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(),\n"
    "                               torch.nn.Linear(8, 2)).eval()\n"
    "w = IGWidget(mlp(0), torch.randn(4), compare_model=('seed 1', mlp(1)))\n"
    "display(w)\n"
    "w.wait(60)",
    "w.compare_models()  # pin the first model's result, explain the second\n"
    "w.wait(60)\n"
    "w.pin()\n"
    "print([p['readout']['model'] for p in w.pins])",
]


def test_saved_notebook_keeps_both_models_pins(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    run_examples.execute(nb, cwd=tmp_path)
    out = [o for c in nb.cells for o in c.outputs]
    assert not [o for o in out if o.output_type == "error"]
    assert "['Sequential', 'seed 1']" in "".join(o.get("text", "") for o in out)
    view = next(o for o in out if WIDGET_VIEW in o.get("data", {}))
    state = nb.metadata["widgets"][WIDGET_STATE]["state"]
    saved = state[view["data"][WIDGET_VIEW]["model_id"]]["state"]
    assert [p["readout"]["model"] for p in saved["pins"]] == ["Sequential", "seed 1"]
    assert saved["model_labels"] == {"main": "Sequential", "compare": "seed 1"}
    assert saved["model_choice"] == "compare"
    assert saved["_payload"]["readout"]["model"] == "seed 1"
