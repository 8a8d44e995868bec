"""Export an executed notebook with its widgets to HTML that works offline.

nbconvert's default HTML loads require.js, the widget html-manager and anywidget from
CDNs, so without a network the widgets stay blank. This writes the page with local
copies beside it: require.js and the html-manager come from the npm registry (`npm pack`,
once, cached in the given assets folder), anywidget's AMD module from its Python wheel.
The page asks nothing of the network: MathJax (a CDN script nbconvert adds to every
page) and the Mermaid loader are left out by a small template on top of nbconvert's
"lab" template, so LaTeX in Markdown cells shows as its source.

    python scripts/offline_html.py executed.ipynb [out_dir]
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

HTML_MANAGER = "@jupyter-widgets/html-manager@1.0.15"
REQUIREJS = "requirejs@2.3.8"
#: tarball name prefix -> (member inside it, file name we keep)
_WANTED = {
    "jupyter-widgets-html-manager-": ("package/dist/embed-amd.js", "embed-amd.js"),
    "requirejs-": ("package/require.js", "require.js"),
}


def fetch_assets(dest: Path) -> Path:
    """``dest`` holding require.js and embed-amd.js, fetched with npm if missing."""
    dest = Path(dest)
    if all((dest / out).is_file() for _, out in _WANTED.values()):
        return dest
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is needed once to fetch require.js and the widget html-manager")
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run(
            [npm, "pack", "--silent", HTML_MANAGER, REQUIREJS],
            cwd=tmp,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        if proc.returncode != 0:
            raise RuntimeError(f"npm pack {HTML_MANAGER} {REQUIREJS} failed: {proc.stderr[-500:]}")
        dest.mkdir(parents=True, exist_ok=True)
        for tgz in Path(tmp).glob("*.tgz"):
            for prefix, (member, out) in _WANTED.items():
                if tgz.name.startswith(prefix):
                    with tarfile.open(tgz) as tar:
                        data = tar.extractfile(member).read()
                    part = dest / (out + ".part")
                    part.write_bytes(data)
                    part.replace(dest / out)  # atomic: a half-written file is never used
    missing = [out for _, out in _WANTED.values() if not (dest / out).is_file()]
    if missing:
        raise RuntimeError(f"npm pack did not yield {missing}")
    return dest


#: nbconvert's lab page without the blocks that load scripts from CDNs
OFFLINE_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
"""


def write_site(nb, out_dir: Path, assets: Path, name: str = "index.html") -> Path:
    """Write ``nb`` (an executed notebook node) as ``out_dir/name`` with its scripts."""
    import anywidget
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    c = Config()
    c.HTMLExporter.require_js_url = "require.js"  # default: cdnjs
    c.HTMLExporter.widget_renderer_url = "embed-amd.js"  # default: unpkg
    exporter = HTMLExporter(
        config=c,
        extra_loaders=[DictLoader({"ig_widget_offline.html.j2": OFFLINE_TEMPLATE})],
        template_file="ig_widget_offline.html.j2",
    )
    html, _ = exporter.from_notebook_node(nb)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / name).write_text(html, encoding="utf-8")
    for _, out in _WANTED.values():
        shutil.copy(Path(assets) / out, out_dir / out)
    # embed-amd asks require.js for "anywidget" beside the page before any CDN
    shutil.copy(
        Path(anywidget.__file__).parent / "nbextension" / "index.js", out_dir / "anywidget.js"
    )
    return out_dir / name


def main(argv: list[str]) -> int:
    import nbformat

    if not argv:
        print(__doc__)
        return 2
    src = Path(argv[0])
    out_dir = Path(argv[1]) if len(argv) > 1 else src.parent
    assets = fetch_assets(out_dir / ".html-assets")
    page = write_site(nbformat.read(str(src), as_version=4), out_dir, assets, src.stem + ".html")
    print(page)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
