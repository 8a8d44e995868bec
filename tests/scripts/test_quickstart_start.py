"""`bash scripts/quickstart.sh` in a terminal starts JupyterLab and shows only what the user
needs: where the notebook is and the URL. Run under a pseudo-terminal, as a person would,
since the script executes the notebook instead when no terminal is attached."""

from __future__ import annotations

import os
import pty
import re
import select
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
URL = re.compile(rb"http://127\.0\.0\.1:\d+/lab\?token=\w+")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _read_until_url(fd: int, timeout: float) -> bytes:
    """Everything the terminal shows until the URL, plus what follows within a second."""
    out = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if URL.search(out):
            deadline = min(deadline, time.monotonic() + 1.0)
        ready, _, _ = select.select([fd], [], [], 0.2)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # the terminal closed: the server is gone
            break
        if not chunk:
            break
        out += chunk
    return out


@pytest.mark.skipif(not (ROOT / ".venv" / "bin" / "python").exists(), reason="needs the .venv")
def test_quickstart_prints_the_notebook_and_the_url_and_nothing_noisy():
    main, child = pty.openpty()
    env = dict(os.environ, JUPYTER_EXTRA_ARGS=f"--no-browser --port {_free_port()}")
    proc = subprocess.Popen(
        ["bash", "scripts/quickstart.sh"],
        cwd=ROOT,
        stdin=child,
        stdout=child,
        stderr=child,
        env=env,
        start_new_session=True,
    )
    os.close(child)
    try:
        out = _read_until_url(main, timeout=120)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        os.close(main)
    text = out.decode(errors="replace")
    assert URL.search(out), f"no URL printed:\n{text[-3000:]}"
    assert "example_notebooks/quickstart.ipynb" in text
    assert "Dynamic require" not in text and "yarn" not in text, text[:3000]
    # the server's informational chatter is off: a handful of lines, not pages
    assert len(text) < 2000, f"{len(text)} characters before the URL:\n{text}"
