"""100 moves of the steps slider in the page: the widget ends on the result of the final
setting (equal to a fresh computation), with far fewer computations than moves, and the
kernel's threads and memory stay flat."""

from __future__ import annotations

import json
import random

import pytest

from .helpers import playwright_expect

expect = playwright_expect()

pytestmark = pytest.mark.browser

#: runs code in the notebook's kernel and returns what it printed
KERNEL_EXEC = """async (code) => {
  const k = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
  const future = k.requestExecute({code, silent: false, store_history: false});
  let out = '';
  future.onIOPub = (msg) => {
    if (msg.header.msg_type === 'stream') out += msg.content.text;
    if (msg.header.msg_type === 'error')
      out += 'ERROR ' + msg.content.ename + ': ' + msg.content.evalue;
  };
  await future.done;
  return out;
}"""

PROBE = """
import json, threading
def _rss_kib():
    return int(next(l for l in open('/proc/self/status') if l.startswith('VmRSS')).split()[1])
w_tabular.wait(120)
print(json.dumps({"threads": threading.active_count(), "rss_kib": _rss_kib(),
                  "computations": w_tabular._runner.computations, "n_steps": w_tabular.n_steps}))
"""

FRESH = """
import json, torch
_final = w_tabular.wait(120)
_fresh = IGWidget(cancer.model, cancer.row, feature_names=cancer.feature_names,
                  class_names=cancer.class_names, background=cancer.background,
                  baseline='background mean', n_steps=w_tabular.n_steps)
_same = torch.equal(_fresh.wait(120).attributions, _final.attributions)
_fresh.close()
print(json.dumps({"same": _same, "n_steps": _final.settings["n_steps"]}))
"""


def kernel(page, code: str) -> dict:
    out = page.evaluate(KERNEL_EXEC, code)
    assert "ERROR" not in out, out
    return json.loads(out.strip().splitlines()[-1])


def test_hundred_slider_moves(notebook):
    page = notebook.page
    root = notebook.output("tabular")
    slider = root.locator(".igw-steps")
    root.scroll_into_view_if_needed()
    before = kernel(page, PROBE)
    rng = random.Random(0)
    for _ in range(50):  # jumps: each is sent at once (input + change)
        slider.fill(str(rng.randrange(0, 1001)))
    slider.focus()
    for _ in range(50):  # key repeats: debounced
        page.keyboard.press("ArrowRight")
    shown = int(root.locator(".igw-steps-number").input_value())
    expect(root.locator(".igw-settings")).to_contain_text(f"{shown} steps", timeout=60_000)
    after = kernel(page, PROBE)
    fresh = kernel(page, FRESH)
    print(
        f"\n[load] 100 slider moves: {after['computations'] - before['computations']} "
        f"computations; threads {before['threads']} -> {after['threads']}; RSS "
        f"{before['rss_kib'] / 1024:.0f} -> {after['rss_kib'] / 1024:.0f} MiB; final n_steps "
        f"{after['n_steps']} equals a fresh computation: {fresh['same']}"
    )
    assert after["n_steps"] == shown == fresh["n_steps"]
    assert fresh["same"]
    assert after["computations"] - before["computations"] < 100
    assert after["threads"] == before["threads"]
    # the model and results are small (KiB): 200 MiB would be a leak, not noise
    assert after["rss_kib"] - before["rss_kib"] < 200 * 1024
    kernel(
        page, "w_tabular.n_steps = 50\nw_tabular.wait(120)\nprint('{}')"
    )  # as the other tests expect
