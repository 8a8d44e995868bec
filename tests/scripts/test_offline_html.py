"""``scripts/offline_html.py`` writes a page that loads nothing from the network: no
CDN script (MathJax, Mermaid, require.js, the widget manager), only files beside it."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("offline_html", ROOT / "scripts" / "offline_html.py")
offline_html = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(offline_html)


def test_page_has_no_remote_scripts(tmp_path):
    assets = tmp_path / "assets"
    assets.mkdir()
    for name in ("require.js", "embed-amd.js"):
        (assets / name).write_text("// stand-in\n")
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell("Completeness: $\\sum_i a_i = F(x) - F(x')$")]
    )
    page = offline_html.write_site(nb, tmp_path / "site", assets)
    html = page.read_text(encoding="utf-8")
    assert "mathjax" not in html.lower() and "mermaid.esm" not in html
    remote = re.findall(r"""<(?:script|link|img)[^>]+(?:src|href)=["']?(https?:[^"' >]+)""", html)
    assert remote == []
    assert re.search(r"""src=["']?require\.js""", html)
    for name in ("require.js", "embed-amd.js", "anywidget.js"):
        assert (tmp_path / "site" / name).is_file()
