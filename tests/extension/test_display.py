"""An engine ``Attribution`` shown in a notebook draws itself once the extension is
loaded, and only then: in the shell's formatters, and in the saved output of a notebook
executed in a fresh kernel."""

from __future__ import annotations

import base64
import io
import os
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest
import torch
from torch import nn

from ig_widget import IntegratedGradients
from ig_widget.engine import Attribution

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(os.environ.get("BROWSER_ARTIFACTS", ROOT / "tests" / "artifacts"))
PNG = b"\x89PNG\r\n\x1a\n"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


@pytest.fixture
def record() -> Attribution:
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(4, 6), nn.Tanh(), nn.Linear(6, 2)).double().eval()
    x = torch.randn(1, 4, dtype=torch.float64)
    return IntegratedGradients(net).attribute_detailed(x, target=1, n_steps=8)


def test_loaded_shell_draws_the_record(shell, record):
    data, _ = shell.display_formatter.format(record)
    assert data["image/png"][:8] == PNG
    text = data["text/plain"]
    assert text.startswith("Attribution(1 example, attributions (1, 4)")
    assert f"{float(record.delta.abs().max()):.3g}" in text and "8 gradient evaluations" in text
    assert "tensor(" not in text  # a summary, not a dump


def test_unload_removes_the_display(shell, record):
    shell.run_line_magic("unload_ext", "ig_widget")
    data, _ = shell.display_formatter.format(record)
    assert "image/png" not in data
    assert data["text/plain"].startswith("Attribution(attributions=(tensor(")  # the dataclass
    shell.run_line_magic("load_ext", "ig_widget")


def test_unload_restores_a_formatter_that_was_there_before(shell, record):
    shell.run_line_magic("unload_ext", "ig_widget")
    png = shell.display_formatter.formatters["image/png"]
    mine = lambda r: PNG + b"mine"
    png.for_type(Attribution, mine)
    try:
        shell.run_line_magic("load_ext", "ig_widget")
        assert shell.display_formatter.format(record)[0]["image/png"] != PNG + b"mine"
        shell.run_line_magic("unload_ext", "ig_widget")
        assert shell.display_formatter.format(record)[0]["image/png"] == PNG + b"mine"
    finally:
        png.pop(Attribution, None)
        shell.run_line_magic("load_ext", "ig_widget")


def test_undrawable_shape_falls_back_to_text(shell):
    x = torch.randn(1, 2, 3, 4, 5, dtype=torch.float64)
    rec = IntegratedGradients(lambda t: t.flatten(1).sum(1)).attribute_detailed(x)
    data, _ = shell.display_formatter.format(rec)
    assert "image/png" not in data and data["text/plain"].startswith("Attribution(")


NOTEBOOK = [
    """import sys
sys.path.insert(0, {root!r})  # this checkout's ig_widget""",
    "%load_ext ig_widget",
    """import ig_widget, torch
from torch import nn
from ig_widget import IntegratedGradients
print(ig_widget.__file__)""",
    """torch.manual_seed(0)
net = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.Tanh(), nn.Flatten(),
                    nn.Linear(4 * 14 * 14, 3)).double().eval()
yy, xx = torch.meshgrid(torch.arange(14.0), torch.arange(14.0), indexing="ij")
x = torch.stack([torch.sin(xx / 3), torch.cos(yy / 4), (xx + yy) / 28]).double()[None]
record = IntegratedGradients(net).attribute_detailed(x, target=2, n_steps=32)
record""",
    """mlp = nn.Sequential(nn.Linear(6, 8), nn.Tanh(), nn.Linear(8, 2)).double().eval()
row = torch.linspace(-1, 1, 6, dtype=torch.float64)
IntegratedGradients(mlp).attribute_detailed(row[None], target=0)""",
    "%ig mlp row --steps 8 --wait",
]


def test_executed_notebook_saves_the_picture(tmp_path):
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src.format(root=str(ROOT))) for src in NOTEBOOK]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    NotebookClient(
        nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    nbformat.write(nb, str(tmp_path / "attribution_display.ipynb"))
    outputs = [c.outputs for c in nb.cells]
    assert not [o for out in outputs for o in out if o.output_type == "error"]
    assert outputs[2][0]["text"].strip() == str(ROOT / "ig_widget" / "__init__.py")
    for cell in (3, 4):
        (result,) = [o for o in outputs[cell] if o.output_type == "execute_result"]
        assert set(result["data"]) == {"image/png", "text/plain"}
        assert result["data"]["text/plain"].startswith("Attribution(1 example")
        assert base64.b64decode(result["data"]["image/png"])[:8] == PNG
    assert any(WIDGET_VIEW in o.get("data", {}) for o in outputs[5])  # %ig shows a widget
    png = base64.b64decode(outputs[3][0]["data"]["image/png"])
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "attribution_display.png").write_bytes(png)
    # the saved picture is the drawing of that record: not blank, a colour heatmap
    from matplotlib.image import imread

    pixels = imread(io.BytesIO(png))
    assert pixels.shape[0] > 200 and pixels.shape[1] > 500
    rgb = pixels[..., :3]
    assert np.ptp(rgb) > 0.5
    reddish = (rgb[..., 0] - rgb[..., 2] > 0.3).mean()
    bluish = (rgb[..., 2] - rgb[..., 0] > 0.3).mean()
    assert reddish > 0.001 and bluish > 0.001, (reddish, bluish)


if sys.platform == "win32":  # pragma: no cover - kernels are tested on POSIX
    pytest.skip("notebook execution is tested on POSIX", allow_module_level=True)
