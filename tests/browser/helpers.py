"""Shared by the browser tests and their fixtures: paths, the widget notebook's cells,
the markup strings that must stay text, and small page helpers."""

from __future__ import annotations

import importlib.util
import json
import math
import os
import sys
import urllib.request
from pathlib import Path

import nbformat
import pytest
import torch

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
EXAMPLES = ROOT / "example_notebooks"
# the offline HTML export the quick-start script uses, tested here as it ships
_spec = importlib.util.spec_from_file_location("offline_html", ROOT / "scripts" / "offline_html.py")
offline_html = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(offline_html)
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
REQUIRED = os.environ.get("IGW_REQUIRE_BROWSER") == "1"
ARTIFACTS = Path(os.environ.get("BROWSER_ARTIFACTS", ROOT / "tests" / "artifacts"))
#: require.js and the widget html-manager for exported HTML (git-ignored, fetched once)
ASSETS = Path(os.environ.get("WIDGET_HTML_ASSETS", ROOT / "tests" / "assets"))
TOKEN = "igw-browser-test"

#: markup that must show as text wherever the widget puts it
XSS_TOKEN = "<img src=x onerror=alert(1)>"
XSS_FEATURE = "</script><script>window.__pwned=1</script>"
#: the text widget's sentence (whitespace tokens, all in the vocabulary)
SENTENCE = "the acting was wonderful, the ending felt dull and slow"

#: the widget notebook: cell 0 trains the models, the others show one widget each and
#: wait for its first result *inside the cell*: a result that lands after its cell has
#: finished never reaches nbclient's saved widget state (see test_notebooks_execute.py)
CELLS = {
    "setup": (
        "from ig_widget import IGWidget\n"
        "from quickstart_models import image_model, tabular_model, text_model\n"
        f"digits, sentiment, cancer = image_model(), text_model({SENTENCE!r}), tabular_model()"
    ),
    "image": (
        "w_image = IGWidget(digits.model, digits.image, class_names=digits.class_names)\n"
        "display(w_image)\n"
        "w_image.wait(120)"
    ),
    "text": (
        "w_text = IGWidget(sentiment.model, sentiment.ids, tokens=sentiment.tokens,\n"
        "                  pad_token_id=sentiment.pad_token_id,\n"
        "                  class_names=sentiment.class_names)\n"
        "display(w_text)\n"
        "w_text.wait(120)"
    ),
    "tabular": (
        "w_tabular = IGWidget(cancer.model, cancer.row, feature_names=cancer.feature_names,\n"
        "                     class_names=cancer.class_names, background=cancer.background,\n"
        "                     baseline='background mean')\n"
        "display(w_tabular)\n"
        "w_tabular.wait(120)"
    ),
    "xss_text": (
        "xss_tokens = list(sentiment.tokens)\n"
        f"xss_tokens[1] = {XSS_TOKEN!r}\n"
        "w_xss_text = IGWidget(sentiment.model, sentiment.ids, tokens=xss_tokens,\n"
        "                      class_names=sentiment.class_names)\n"
        "display(w_xss_text)\n"
        "w_xss_text.wait(120)"
    ),
    "xss_tabular": (
        "xss_names = list(cancer.feature_names)\n"
        f"xss_names[0] = {XSS_FEATURE!r}\n"
        "w_xss_tabular = IGWidget(cancer.model, cancer.row, feature_names=xss_names,\n"
        "                         class_names=cancer.class_names, top_k=len(xss_names))\n"
        "display(w_xss_tabular)\n"
        "w_xss_tabular.wait(120)"
    ),
    # a 224x224 RGB image: the size the display-only redraw is timed at
    "large_image": (
        "import torch\n"
        "torch.manual_seed(0)\n"
        "big_model = torch.nn.Sequential(torch.nn.Conv2d(3, 8, 5, stride=4), torch.nn.ReLU(),\n"
        "    torch.nn.AdaptiveAvgPool2d(4), torch.nn.Flatten(), torch.nn.Linear(128, 10)).eval()\n"
        "w_large = IGWidget(big_model, torch.rand(3, 224, 224))\n"
        "display(w_large)\n"
        "w_large.wait(120)"
    ),
}
CELL_INDEX = {name: i for i, name in enumerate(CELLS)}
WIDGET_CELLS = ["image", "text", "tabular", "xss_text", "xss_tabular", "large_image"]


def playwright_expect():
    """playwright's ``expect``; without playwright the module skips (fails in CI)."""
    try:
        from playwright.sync_api import expect
    except ImportError:
        if REQUIRED:
            raise
        pytest.skip("playwright (Python) is not installed", allow_module_level=True)
    return expect


def write_notebook(path: Path, sources) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in sources]
    # a kernelspec avoids JupyterLab's "Select Kernel" dialog
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, str(path))


def need(condition: bool, reason: str) -> None:
    """Skip with ``reason`` when ``condition`` is false, or fail under IGW_REQUIRE_BROWSER=1."""
    if condition:
        return
    if REQUIRED:
        pytest.fail(f"{reason} (IGW_REQUIRE_BROWSER=1: the browser tests must run)", pytrace=False)
    pytest.skip(reason)


def artifact(name: str) -> str:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return str(ARTIFACTS / name)


def tokens_of(sentence: str = SENTENCE) -> list[str]:
    """The tokens quickstart_models' tokenizer makes of ``sentence``."""
    name = "_igw_quickstart_models"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, EXAMPLES / "quickstart_models.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up there
        spec.loader.exec_module(module)
    return sys.modules[name].tokenize(sentence)


def log_slider_position(steps: int, lo: int = 1, hi: int = 2000, slider_max: int = 1000) -> int:
    """Position of the log-scaled steps slider meaning ``steps`` (js/lib/logscale.js)."""
    return round((math.log(steps) - math.log(lo)) / (math.log(hi) - math.log(lo)) * slider_max)


def canvas_colours(canvas) -> dict:
    """Size, number of distinct RGBA colours and a digest of a canvas's pixels."""
    return canvas.evaluate("""(c) => {
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      const seen = new Set();
      let h = 0;
      for (let i = 0; i < d.length; i += 4) {
        const v = ((d[i] << 24) | (d[i + 1] << 16) | (d[i + 2] << 8) | d[i + 3]) >>> 0;
        seen.add(v);
        h = (Math.imul(h, 31) + v) >>> 0;
      }
      return {width: c.width, height: c.height, distinct: seen.size, digest: h};
    }""")


def check_screenshot(path: str, element, min_colours: int = 64) -> None:
    """The saved screenshot shows the element drawn: its size is the element's box and
    it holds the diverging map's warm and cool colours among many others (a blank,
    half-drawn or cropped capture fails)."""
    from PIL import Image

    box = element.bounding_box()
    with Image.open(path) as im:
        rgb = im.convert("RGB")
        assert abs(rgb.width - round(box["width"])) <= 2, (rgb.size, box)
        assert abs(rgb.height - round(box["height"])) <= 2, (rgb.size, box)
        small = rgb.resize((max(1, rgb.width // 2), max(1, rgb.height // 2)))
        raw = small.tobytes()
    pixels = [tuple(raw[i : i + 3]) for i in range(0, len(raw), 3)]
    colours = set(pixels)
    assert len(colours) >= min_colours, f"{path}: only {len(colours)} colours"
    warm = sum(1 for r, g, b in pixels if r > b + 60 and r > g + 30)
    cool = sum(1 for r, g, b in pixels if b > r + 60)
    assert warm > 20 and cool > 20, f"{path}: warm {warm}, cool {cool} pixels"


def upload_notebook(lab: str, name: str, sources) -> None:
    """Put a notebook of code cells (``sources``, one string each) into the running Lab
    through its contents API, as a user's file would be."""
    cells = [
        {"cell_type": "code", "metadata": {}, "source": s, "outputs": [], "execution_count": None}
        for s in sources
    ]
    nb = {
        "cells": cells,
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    body = json.dumps({"type": "notebook", "format": "json", "content": nb}).encode()
    req = urllib.request.Request(
        f"{lab}/api/contents/{name}",
        data=body,
        method="PUT",
        headers={"Authorization": f"token {TOKEN}", "Content-Type": "application/json"},
    )
    urllib.request.urlopen(req, timeout=30)


def tiny_image_model() -> torch.nn.Module:
    """A small untrained CNN for 3x12x12 images with 3 classes, after ``manual_seed(0)``
    (so the caller's next random draws are the same on every run), in eval mode."""
    torch.manual_seed(0)
    return torch.nn.Sequential(
        torch.nn.Conv2d(3, 4, 3, padding=1),
        torch.nn.Tanh(),
        torch.nn.AdaptiveAvgPool2d(2),
        torch.nn.Flatten(),
        torch.nn.Linear(16, 3),
    ).eval()
