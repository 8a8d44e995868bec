"""``IGWidget.save("view.html")``: one file that opens offline from file://, draws the
saved result with the widget's own front end, keeps display controls working, disables
what needs a kernel, fetches nothing, and shows malformed state as a message."""

from __future__ import annotations

import copy

import pytest
import torch

from ig_widget import IGWidget
from ig_widget.export.files import widget_state
from ig_widget.export.page import standalone_html

from .helpers import artifact, canvas_colours, playwright_expect, tiny_image_model

expect = playwright_expect()

pytestmark = pytest.mark.browser

MARKUP = "<img src=x onerror=window.__pwned=1>"


@pytest.fixture
def image_widget(widgets):
    model = tiny_image_model()
    w = widgets(model, torch.rand(3, 12, 12), n_steps=20)
    w.wait(60)
    w.note = f"{MARKUP} the centre matters"
    return w


def _open(page, path):
    pg = page.page
    requests: list[str] = []
    pg.on("request", lambda r: requests.append(r.url))
    pg.goto(path.as_uri())
    expect(pg.locator("body[data-igw-rendered]")).to_have_count(1, timeout=20_000)
    return pg, requests


def test_standalone_page(image_widget, page, tmp_path):
    (path,) = image_widget.save(tmp_path / "view.html")
    pg, requests = _open(page, path)
    root = pg.locator(".igw-root")
    expect(root.locator(".igw-delta")).to_contain_text("δ")
    for sel in (".igw-steps", ".igw-steps-number", ".igw-method", ".igw-baseline", ".igw-target"):
        expect(root.locator(sel)).to_be_disabled()
    expect(root.locator(".igw-compute-note")).to_contain_text("open in Jupyter with a kernel")
    canvas = root.locator("canvas.igw-heatmap")
    before = canvas_colours(canvas)["digest"]
    root.locator(".igw-colormap").select_option("PiYG")
    pg.wait_for_timeout(100)
    assert canvas_colours(canvas)["digest"] != before
    expect(root.locator(".igw-note")).to_have_value(f"{MARKUP} the centre matters")
    with pg.expect_download() as dl:  # the page carries the kernel's picture
        root.locator(".igw-download-png").click()
    assert open(dl.value.path(), "rb").read(4) == b"\x89PNG"
    pg.wait_for_timeout(300)
    assert pg.locator("img[src='x']").count() == 0
    assert pg.evaluate("() => typeof window.__pwned") == "undefined"
    assert [u for u in requests if not u.startswith("file://")] == []
    pg.screenshot(path=artifact("standalone_page.png"), full_page=True)


def test_standalone_page_of_a_loaded_result(image_widget, page, tmp_path, static_widgets):
    json_path, _ = image_widget.save(tmp_path / "result.json")
    loaded = IGWidget.load(json_path)
    static_widgets.append(loaded)
    (path,) = loaded.save(tmp_path / "loaded.html")
    pg, _ = _open(page, path)
    root = pg.locator(".igw-root")
    expect(root.locator(".igw-delta")).to_contain_text("δ")
    expect(root.locator(".igw-steps-number")).to_be_disabled()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: s["_payload"]["attr"].update(shape=[10**9]), "needs 4000000000 bytes"),
        (lambda s: s["_payload"]["readout"].update(delta="<b>1</b>"), "expected a number"),
        (lambda s: s["_payload"].update(height=2**31), "larger than"),
    ],
)
def test_standalone_page_with_malformed_state(image_widget, page, tmp_path, change, message):
    state = copy.deepcopy(widget_state(image_widget))
    change(state)
    path = tmp_path / "bad.html"
    path.write_text(standalone_html(state), encoding="utf-8")
    pg, requests = _open(page, path)
    err = pg.locator(".igw-render-error")
    expect(err).to_contain_text(message)
    assert (
        pg.locator("canvas.igw-heatmap").count() == 0
        or not pg.locator("canvas.igw-heatmap").is_visible()
    )
    assert [u for u in requests if not u.startswith("file://")] == []
