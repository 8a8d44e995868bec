"""The code passes the project's ruff rules and format (config in pyproject.toml).

Runs the ruff installed next to this Python (``python -m ruff``), so the suite checks the
same rules a contributor's pre-commit hook does."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: the folders holding Python (and notebooks) that ruff checks
TARGETS = ["ig_widget", "tests", "benchmarks", "example_notebooks", "scripts"]


def _ruff(*args: str) -> subprocess.CompletedProcess:
    targets = [t for t in TARGETS if (ROOT / t).exists()]
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args, *targets],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_ruff_check_passes():
    proc = _ruff("check", "--no-cache")
    assert proc.returncode == 0, f"ruff check found problems:\n{proc.stdout}{proc.stderr}"


def test_ruff_format_is_applied():
    proc = _ruff("format", "--check", "--no-cache")
    assert proc.returncode == 0, (
        f"ruff format would change files (run `ruff format`):\n{proc.stdout}{proc.stderr}"
    )
