"""Runs the front end's type check (tsc over the JSDoc types) and pure-module unit tests
(node --test), and checks the shipped bundle is built from the current sources."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NODE = shutil.which("node")
REQUIRED = os.environ.get("IGW_REQUIRE_BROWSER") == "1"

if NODE is None and not REQUIRED:
    pytest.skip("node is not installed", allow_module_level=True)


def _dev_tool(name: str) -> Path:
    """A tool from ``npm ci`` (node_modules/.bin); skipped without node_modules unless CI."""
    tool = ROOT / "node_modules" / ".bin" / name
    if not tool.exists():
        if REQUIRED or (ROOT / "node_modules").is_dir():
            pytest.fail(f"node_modules/.bin/{name} missing: run `npm ci` (scripts/test.sh does)")
        pytest.skip(f"{name} not installed (npm ci)")
    return tool


def test_every_module_is_type_checked():
    sources = sorted((ROOT / "js").glob("*.js")) + sorted((ROOT / "js" / "lib").glob("*.js"))
    assert sources
    unchecked = [
        str(p.relative_to(ROOT)) for p in sources if not p.read_text().startswith("// @ts-check")
    ]
    assert not unchecked, f"start these with // @ts-check: {unchecked}"


def test_typescript_finds_no_errors():
    proc = subprocess.run(
        [str(_dev_tool("tsc")), "-p", "tsconfig.json", "--pretty", "false"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, f"tsc found type errors:\n{proc.stdout}{proc.stderr}"


def test_node_unit_tests_pass():
    assert NODE, "node is required in CI"
    proc = subprocess.run(
        [NODE, "--test", "js/"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    print(proc.stdout[-3000:])
    assert proc.returncode == 0, proc.stdout[-5000:] + proc.stderr[-2000:]
    assert "# fail 0" in proc.stdout and "# pass 0" not in proc.stdout


def test_shipped_bundle_is_up_to_date(tmp_path):
    esbuild = _dev_tool("esbuild")
    import json
    import shlex

    # the same esbuild command as `npm run build`, writing to a temporary file
    script = json.loads((ROOT / "package.json").read_text())["scripts"]["build"]
    first = shlex.split(script.split("&&")[0])
    out = tmp_path / "widget.js"
    args = [str(esbuild)] + [
        f"--outfile={out}" if a.startswith("--outfile=") else a for a in first[1:]
    ]
    subprocess.run(args, cwd=ROOT, check=True, capture_output=True, timeout=120)
    shipped = ROOT / "ig_widget" / "static" / "widget.js"
    assert shipped.read_bytes() == out.read_bytes(), (
        "ig_widget/static/widget.js is stale: run `npm run build`"
    )
