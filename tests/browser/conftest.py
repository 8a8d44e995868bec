"""Fixtures for the real-browser tests: a private JupyterLab server, headless Chromium
(Debian's, never a downloaded one), and one notebook page with a widget per modality
that every in-lab test shares (opening it and training the models costs ~10 s).

Without Chromium (or Playwright) the browser tests skip, unless ``IGW_REQUIRE_BROWSER=1``
(CI sets it): then they fail, so a broken install step cannot pass as a green run.
See /work/shared/recipes/browser_test_recipe.md for where each setting comes from.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from .helpers import (
    ASSETS,
    CELL_INDEX,
    CELLS,
    CHROMIUM,
    EXAMPLES,
    ROOT,
    TOKEN,
    WIDGET_CELLS,
    need,
    offline_html,
    playwright_expect,
    write_notebook,
)


def server_env(base: Path) -> dict:
    """The environment of a server and its kernels: private JUPYTER_* dirs, the examples
    folder importable (quickstart_models), and the repository (ig_widget)."""
    env = dict(os.environ)
    paths = [str(EXAMPLES), str(ROOT), env.get("PYTHONPATH", "")]
    env["PYTHONPATH"] = os.pathsep.join(p for p in paths if p)
    for var, sub in [
        ("JUPYTER_CONFIG_DIR", "cfg"),
        ("JUPYTER_DATA_DIR", "data"),
        ("JUPYTER_RUNTIME_DIR", "runtime"),
        ("IPYTHONDIR", "ipython"),
        ("JUPYTERLAB_SETTINGS_DIR", "settings"),
        ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"),
    ]:
        (base / sub).mkdir(parents=True, exist_ok=True)
        env[var] = str(base / sub)
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --------------------------------------------------------------------- server
def _serve(base: Path, app: str, flags: list[str]):
    """Start ``python -m app`` (jupyterlab or notebook) on a free port with root
    ``base/root`` holding widgets.ipynb (the CELLS); yields its URL, stops it after."""
    root = base / "root"
    root.mkdir(exist_ok=True)
    write_notebook(root / "widgets.ipynb", CELLS.values())
    env = server_env(base)
    settings = base / "settings" / "@jupyterlab"
    (settings / "apputils-extension").mkdir(parents=True, exist_ok=True)
    # no "get notified about news?" toast over the screenshots
    (settings / "apputils-extension" / "notification.jupyterlab-settings").write_text(
        '{"fetchNews": "false", "checkForUpdates": false}'
    )
    # every cell stays in the DOM (no virtual scrolling), so all widgets render at once
    (settings / "notebook-extension").mkdir(parents=True, exist_ok=True)
    (settings / "notebook-extension" / "tracker.jupyterlab-settings").write_text(
        '{"windowingMode": "none"}'
    )
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        app,
        "--no-browser",
        "--allow-root",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={TOKEN}",
        f"--ServerApp.root_dir={root}",
        *flags,
    ]
    log_path = base / "server.log"
    with open(log_path, "wb") as log:  # the server keeps its own copy of the descriptor
        proc = subprocess.Popen(cmd, env=env, cwd=root, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=2)
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError(f"{app} did not start:\n" + log_path.read_text()) from None
            time.sleep(0.2)
    yield url
    try:  # clean stop; the server shuts its kernels down itself
        urllib.request.urlopen(
            urllib.request.Request(
                f"{url}/api/shutdown", method="POST", headers={"Authorization": f"token {TOKEN}"}
            ),
            timeout=10,
        )
        proc.wait(timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        proc.terminate()  # only the process this fixture started
        proc.wait(timeout=30)


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    """URL of a fresh JupyterLab whose root holds widgets.ipynb."""
    yield from _serve(
        tmp_path_factory.mktemp("lab"),
        "jupyterlab",
        [
            "--LabApp.expose_app_in_browser=True",
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.extension_manager=readonly",
        ],
    )


@pytest.fixture(scope="session")
def notebook7(tmp_path_factory):
    """URL of a fresh Jupyter Notebook 7 server whose root holds widgets.ipynb."""
    try:
        import notebook  # noqa: F401
    except ImportError:
        need(False, "the notebook package (Notebook 7) is not installed")
    yield from _serve(
        tmp_path_factory.mktemp("nb7"),
        "notebook",
        ["--JupyterNotebookApp.expose_app_in_browser=True"],
    )


# -------------------------------------------------------------------- browser
@pytest.fixture(scope="session")
def browser():
    need(Path(CHROMIUM).exists(), f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        need(False, "playwright (Python) is not installed")
    with sync_playwright() as p:
        # Playwright adds --no-sandbox itself (needed as root)
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield b
        b.close()


@dataclass
class Watched:
    """A page with what it did recorded: page errors, dialogs, frames sent to the kernel."""

    page: object
    errors: list = field(default_factory=list)
    dialogs: list = field(default_factory=list)
    sent: list = field(default_factory=list)  # (time.monotonic(), payload) per websocket frame
    console: list = field(default_factory=list)  # console errors and warnings (reported only)

    def comm_msgs_sent(self) -> int:
        """Frames sent to the kernel that carry a comm_msg (a widget state change)."""

        def has(p):
            return (b"comm_msg" in p) if isinstance(p, (bytes, bytearray)) else ("comm_msg" in p)

        return sum(1 for _, p in self.sent if has(p))


def watch(page) -> Watched:
    w = Watched(page)
    page.on("pageerror", lambda e: w.errors.append(f"{e}\n{getattr(e, 'stack', '') or ''}".strip()))
    page.on(
        "console",
        lambda m: (
            w.console.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None
        ),
    )

    def on_dialog(d):
        w.dialogs.append(f"{d.type}: {d.message}")
        d.dismiss()

    page.on("dialog", on_dialog)
    page.on(
        "websocket",
        lambda ws: ws.on("framesent", lambda payload: w.sent.append((time.monotonic(), payload))),
    )
    return w


@pytest.fixture
def page(browser):
    """A fresh page; a page error fails the test."""
    pg = browser.new_page(viewport={"width": 1200, "height": 900})
    w = watch(pg)
    yield w
    pg.close()
    assert not w.errors, f"page errors: {w.errors}"


KERNEL_IDLE = """() => {
  const w = window.jupyterapp.shell.currentWidget;
  const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
  return !!k && k.status === 'idle';
}"""


def open_and_run(pg, lab: str, name: str, run_timeout: int) -> None:
    """Open notebook ``name`` in Lab on page ``pg`` and run all its cells; returns once
    the kernel is idle again (every cell has its execute reply: a widget cell that calls
    ``wait()`` has its result)."""
    run_all_cells(
        pg,
        f"{lab}/lab/tree/{name}?reset&token={TOKEN}",
        ".jp-NotebookPanel .jp-Notebook",
        run_timeout,
    )


def run_all_cells(pg, url: str, notebook: str, run_timeout: int) -> None:
    """Open ``url`` (a notebook in JupyterLab or Notebook 7), wait for the app, the
    ``notebook`` element and an idle kernel, run all cells and wait until the kernel is
    idle again."""
    pg.goto(url)
    pg.wait_for_function("() => !!window.jupyterapp", timeout=60_000)
    pg.evaluate(
        "async () => { await window.jupyterapp.started; await window.jupyterapp.restored; }"
    )
    pg.wait_for_selector(notebook, timeout=60_000)
    pg.wait_for_function(KERNEL_IDLE, timeout=60_000)
    pg.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    pg.wait_for_function(KERNEL_IDLE, timeout=run_timeout)


class Notebook:
    """The shared widget notebook in JupyterLab, run once."""

    def __init__(self, watched: Watched) -> None:
        self.w = watched
        self.page = watched.page

    def output(self, name: str):
        """Locator of the widget root in cell ``name``'s output."""
        return (
            self.page.locator(".jp-Notebook .jp-CodeCell")
            .nth(CELL_INDEX[name])
            .locator(".jp-OutputArea .igw-root")
        )


@pytest.fixture(scope="session")
def _lab_session(browser, lab):
    expect = playwright_expect()
    pg = browser.new_page(viewport={"width": 1280, "height": 1000})
    w = watch(pg)
    t0 = time.monotonic()
    open_and_run(pg, lab, "widgets.ipynb", run_timeout=120_000)
    nb = Notebook(w)
    for name in WIDGET_CELLS:
        expect(nb.output(name).locator(".igw-delta")).to_contain_text("δ", timeout=60_000)
    print(
        f"\n[lab] notebook open, models trained, 5 widgets drawn in {time.monotonic() - t0:.1f} s"
    )
    yield nb
    if w.console:
        print("\n[lab] browser console errors/warnings:\n  " + "\n  ".join(w.console[:20]))
    pg.close()


@pytest.fixture
def notebook(_lab_session):
    """The shared notebook page; a page error during the test fails it."""
    before = len(_lab_session.w.errors)
    yield _lab_session
    new = _lab_session.w.errors[before:]
    assert not new, f"page errors: {new}"


# --------------------------------------------------------- exported-HTML assets
@pytest.fixture(scope="session")
def html_assets():
    """Folder with require.js and embed-amd.js (the widget html-manager): tests/assets,
    filled from the npm registry on first use (it is git-ignored), by the same code the
    quick-start script exports with."""
    need(
        shutil.which("npm") is not None or (ASSETS / "require.js").is_file(),
        "npm is needed once to fetch require.js and the widget html-manager",
    )
    return offline_html.fetch_assets(ASSETS)


@pytest.fixture
def static_widgets():
    """Widgets built without a model (``IGWidget.load``), closed after the test."""
    made: list = []
    yield made
    for w in made:
        w.close()
