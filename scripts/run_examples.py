"""Execute the example notebooks and save them in place, outputs included.

The example notebooks under ``example_notebooks/`` are committed with their outputs, so
that they read well on GitHub (figures, printed numbers, and the saved state of each
widget for an HTML export). Run this script whenever a notebook, its helper modules
(``example_figures.py``, ``quickstart_models.py``) or the package's results change, and
commit the notebooks it rewrites together with that change:

    .venv/bin/python scripts/run_examples.py               # all of them
    .venv/bin/python scripts/run_examples.py image.ipynb   # just one

Each notebook runs in a fresh IPython kernel of the Python that runs this script, started
in ``example_notebooks/`` (so the helper modules import) with the repository first on
``PYTHONPATH`` (so this checkout's ``ig_widget`` is the one used). The script also copies
the figure of the cell tagged ``readme_figure`` in each notebook to
``docs/img/example_<name>.png``, the pictures the README links. It stops with the
failing cell's traceback if any cell raises.

The quick-start notebook is not in the list: it is kept without outputs, and
``scripts/quickstart.sh --execute`` executes a copy of it.
"""

from __future__ import annotations

import argparse
import base64
import os
import sys
import time
from pathlib import Path

import nbformat
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "example_notebooks"
IMG = ROOT / "docs" / "img"
NOTEBOOKS = ("understanding_ig.ipynb", "image.ipynb", "tabular.ipynb", "from_captum.ipynb")
FIGURE_TAG = "readme_figure"
TIMEOUT_S = 300


class ThisPythonKernel(KernelSpecManager):
    """Resolves every kernel name to an IPython kernel of the Python running this script,
    so that a ``python3`` kernel spec installed elsewhere (another environment, the
    user's own) is never picked up."""

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        return KernelSpec(
            argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            display_name="Python 3 (ipykernel)",
            language="python",
            resource_dir="",
        )


def kernel_env() -> dict[str, str]:
    """This process's environment with the repository first on PYTHONPATH."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in [str(ROOT), env.get("PYTHONPATH", "")] if p)
    return env


def clear(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop outputs, execution counts and timings, and saved widget state, in place."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
            cell.metadata.pop("execution", None)
    nb.metadata.pop("widgets", None)
    return nb


def execute(nb: nbformat.NotebookNode, cwd: Path = EXAMPLES) -> nbformat.NotebookNode:
    """Clear ``nb`` and run every cell in a fresh kernel started in ``cwd``; outputs and
    widget state are written into ``nb``. Raises ``nbclient.exceptions.CellExecutionError``
    on the first cell that fails."""
    clear(nb)
    # "python3" (the name ipykernel's own spec has) also tells nbclient it is an IPython
    # kernel, so the kernel keeps its command history in memory instead of a file
    km = AsyncKernelManager(kernel_name="python3", kernel_spec_manager=ThisPythonKernel())
    client = NotebookClient(
        nb,
        km=km,
        timeout=TIMEOUT_S,
        record_timing=False,  # no timestamps: a re-run changes only what really changed
        resources={"metadata": {"path": str(cwd)}},
    )
    client.execute(env=kernel_env())
    return nb


def tagged_figure(nb: nbformat.NotebookNode, tag: str = FIGURE_TAG) -> bytes | None:
    """The PNG shown by the first cell tagged ``tag``, or None."""
    for cell in nb.cells:
        if cell.cell_type == "code" and tag in cell.metadata.get("tags", []):
            for out in cell.outputs:
                png = out.get("data", {}).get("image/png")
                if png:
                    return base64.b64decode(png)
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", default=list(NOTEBOOKS), help="notebook file names")
    args = parser.parse_args(argv)
    for name in args.names:
        path = EXAMPLES / name
        t0 = time.monotonic()
        nb = execute(nbformat.read(path, as_version=4))
        nbformat.write(nb, path)
        size = path.stat().st_size
        print(f"{name}: ran in {time.monotonic() - t0:.1f} s, saved {size / 1024:.0f} KiB")
        png = tagged_figure(nb)
        if png is not None:
            out = IMG / f"example_{path.stem}.png"
            out.write_bytes(png)
            print(f"  figure -> {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
