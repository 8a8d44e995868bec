"""The shipped gallery bundle (ig_widget/static/browser.js and .css) is built from the
current sources of js/browser/, by the same esbuild commands as `npm run build:browser`."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REQUIRED = os.environ.get("IGW_REQUIRE_BROWSER") == "1"


def test_shipped_browser_bundle_is_up_to_date(tmp_path):
    esbuild = ROOT / "node_modules" / ".bin" / "esbuild"
    if not esbuild.exists():
        if REQUIRED:
            pytest.fail("node_modules/.bin/esbuild missing: run `npm ci`")
        pytest.skip("esbuild not installed (npm ci)")
    script = json.loads((ROOT / "package.json").read_text())["scripts"]["build:browser"]
    for command in script.split("&&"):
        words = shlex.split(command)
        shipped = next(ROOT / w.split("=", 1)[1] for w in words if w.startswith("--outfile="))
        out = tmp_path / shipped.name
        args = [str(esbuild)] + [
            f"--outfile={out}" if w.startswith("--outfile=") else w for w in words[1:]
        ]
        subprocess.run(args, cwd=ROOT, check=True, capture_output=True, timeout=120)
        assert shipped.read_bytes() == out.read_bytes(), (
            f"{shipped.relative_to(ROOT)} is stale: run `npm run build:browser`"
        )
