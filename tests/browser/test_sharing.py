"""A notebook shared without a kernel: the saved .ipynb carries a picture and a true
line, the exported HTML draws the saved result with the compute controls disabled and
the display controls working, nothing is fetched off the machine, and hand-made
malformed widget state ends as a message in the view, with nothing injected.

The notebook is executed by nbclient (as ``scripts/run_examples.py`` does), exported by
``scripts/offline_html.py``, then opened from file:// in headless Chromium.
"""

from __future__ import annotations

import base64
import copy
import json
import os
import re
import struct
import uuid

import nbformat
import pytest

from ig_widget import IGWidget

from .helpers import ROOT, artifact, canvas_colours, offline_html, playwright_expect

expect = playwright_expect()

pytestmark = pytest.mark.browser

VIEW = "application/vnd.jupyter.widget-view+json"
STATE = "application/vnd.jupyter.widget-state+json"
MARKUP = "<img src=x onerror=window.__pwned=1>"
NOTE = f"{MARKUP} mean radius pushes towards malignant"

CELLS = [
    "import torch\n"
    "from ig_widget import IGWidget\n"
    "torch.manual_seed(0)\n"
    "mlp = torch.nn.Sequential(torch.nn.Linear(6, 8), torch.nn.Tanh(),\n"
    "                          torch.nn.Linear(8, 2)).double().eval()\n"
    "row = torch.randn(6, dtype=torch.float64)\n"
    "cnn = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3, padding=1), torch.nn.Tanh(),\n"
    "                          torch.nn.AdaptiveAvgPool2d(2), torch.nn.Flatten(),\n"
    "                          torch.nn.Linear(16, 3)).eval()\n"
    "img = torch.rand(3, 10, 10)",
    "w_tab = IGWidget(mlp, row, n_steps=40, class_names=['benign', 'malignant'],\n"
    "                 feature_names=['radius', 'texture', 'area', 'smoothness', 'symmetry',\n"
    f"                                {MARKUP!r}])\n"
    f"w_tab.note = {NOTE!r}\n"
    "display(w_tab)\n"
    "w_tab.wait(120)",
    "w_img = IGWidget(cnn, img, n_steps=24)\ndisplay(w_img)\nw_img.wait(120)",
    # a later cell changes the first widget: its own output keeps what its cell showed
    "w_tab.n_steps = 7\nw_tab.wait(120)",
]


def _execute(nb) -> None:
    from nbclient import NotebookClient

    old = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in [str(ROOT), old] if p)
    try:
        NotebookClient(nb, timeout=180, kernel_name="python3").execute()
    finally:
        if old is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = old


@pytest.fixture(scope="module")
def executed():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in CELLS]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    _execute(nb)
    return nb


def _outputs(nb, cell: int) -> list:
    """The widget outputs of a cell (``wait()``'s result line is left out)."""
    return [o for o in nb.cells[cell].outputs if VIEW in o.get("data", {})]


def _widget_state(nb) -> dict:
    return nb.metadata["widgets"][STATE]["state"]


def test_saved_notebook_shows_the_result_without_a_kernel(executed):
    (tab,) = _outputs(executed, 1)
    (img,) = _outputs(executed, 2)
    for out, kind, mime, magic in (
        (tab, "tabular", "image/png", b"\x89PNG"),
        (img, "image", "image/jpeg", b"\xff\xd8"),
    ):
        data = out["data"]
        assert VIEW in data
        picture = base64.b64decode(data[mime])
        assert picture.startswith(magic) and len(picture) > 5000
        text = data["text/plain"]
        assert text.startswith(f"IGWidget({kind}, finished:"), text
        assert "running" not in text and "delta=" in text and "F(x)=" in text
        with open(artifact(f"saved_ipynb_{kind}.{mime.split('/')[1]}"), "wb") as f:
            f.write(picture)
    # the tabular output keeps what its own cell computed (40 steps), though a later cell
    # moved the widget to 7 steps; the note is in the line (plain text)
    assert "40 steps" in tab["data"]["text/plain"] and "7 steps" not in tab["data"]["text/plain"]
    assert "mean radius pushes towards malignant" in tab["data"]["text/plain"]
    state = _widget_state(executed)[tab["data"][VIEW]["model_id"]]["state"]
    assert state["n_steps"] == 7 and state["note"] == NOTE and state["computable"] is True


@pytest.fixture(scope="module")
def exported(executed, html_assets, tmp_path_factory):
    site = tmp_path_factory.mktemp("shared")
    nbformat.write(executed, str(site / "shared.ipynb"))
    return offline_html.write_site(executed, site, html_assets, "shared.html")


def _requests(pg) -> list[str]:
    seen: list[str] = []
    pg.on("request", lambda r: seen.append(r.url))
    return seen


def _off_machine(urls: list[str]) -> list[str]:
    local = ("file://", "http://127.0.0.1", "data:", "blob:", "about:")
    return [u for u in urls if not u.startswith(local)]


def test_exported_html_is_offline_and_disables_what_needs_a_kernel(exported, page, static_widgets):
    pg = page.page
    requests = _requests(pg)
    pg.set_viewport_size({"width": 1400, "height": 1000})
    pg.goto(exported.as_uri())
    views = pg.locator(".igw-root")
    expect(views).to_have_count(2, timeout=30_000)
    tab, img = views.nth(0), views.nth(1)
    expect(tab.locator(".igw-bar")).to_have_count(6, timeout=30_000)
    # compute controls: disabled, with the reason; typing steps cannot move anything
    for sel in (
        ".igw-steps",
        ".igw-steps-number",
        ".igw-method",
        ".igw-baseline",
        ".igw-path",
        ".igw-target",
    ):
        expect(tab.locator(sel)).to_be_disabled()
    expect(tab.locator(".igw-compute-note")).to_have_text(
        "Saved result: open in Jupyter with a kernel to recompute."
    )
    expect(tab.locator(".igw-readout")).to_contain_text("7 steps")
    # a later cell changed it: the view says so (its own output's picture shows 40 steps)
    expect(tab.locator(".igw-changed")).to_contain_text("output showed target 1, 40 steps")
    expect(tab.locator(".igw-changed")).to_contain_text("this view shows target 1, 7 steps")
    expect(img.locator(".igw-changed")).to_be_hidden()
    # display controls still redraw: top k, sign, colour map, opacity, clip, hover
    topk = tab.locator(".igw-topk")
    expect(topk).to_be_enabled()
    topk.fill("3")
    expect(tab.locator(".igw-bar")).to_have_count(3)
    before = tab.locator(".igw-bar-fill").first.get_attribute("style")
    tab.locator(".igw-colormap").select_option("viridis")
    pg.wait_for_timeout(100)
    assert tab.locator(".igw-bar-fill").first.get_attribute("style") != before
    canvas = img.locator("canvas.igw-heatmap")
    digest = canvas_colours(canvas)["digest"]
    img.locator(".igw-sign").select_option("positive")
    pg.wait_for_timeout(100)
    assert canvas_colours(canvas)["digest"] != digest
    expect(img.locator(".igw-opacity")).to_be_enabled()
    expect(img.locator(".igw-clip")).to_be_enabled()
    canvas.hover()
    # the note, with its markup as text, and the downloads (the PNG came from the kernel)
    expect(tab.locator(".igw-note")).to_have_value(NOTE)
    # without a kernel: the heatmap canvas downloads as PNG; bars need the kernel's
    # picture, so their PNG button is off and says why; the JSON works everywhere
    expect(tab.locator(".igw-download-png")).to_be_disabled()
    expect(tab.locator(".igw-download-png")).to_have_attribute(
        "title", re.compile("needs a kernel")
    )
    with pg.expect_download() as dl:
        img.locator(".igw-download-png").click()
    assert open(dl.value.path(), "rb").read(4) == b"\x89PNG"
    with pg.expect_download() as dl:
        tab.locator(".igw-download-json").click()
    doc = json.loads(open(dl.value.path(), encoding="utf-8").read())
    assert doc["note"] == NOTE and doc["feature_names"][5] == MARKUP
    # the page's JSON loads back into a widget, without the model
    back = IGWidget.load(dl.value.path())
    static_widgets.append(back)
    assert back.note == NOTE and back._payload["names"][5] == MARKUP
    assert back._payload["readout"]["n_steps"] == 7
    pg.wait_for_timeout(300)
    assert pg.locator("img[src='x']").count() == 0
    assert pg.evaluate("() => typeof window.__pwned") == "undefined"
    assert page.dialogs == []
    assert _off_machine(requests) == [], _off_machine(requests)
    assert not any("mathjax" in u.lower() for u in requests)
    pg.screenshot(path=artifact("shared_html_1400.png"), full_page=True)
    pg.set_viewport_size({"width": 800, "height": 1000})
    pg.wait_for_timeout(200)
    pg.screenshot(path=artifact("shared_html_800.png"), full_page=True)


# ------------------------------------------------------------ malformed saved state
def _f32(*values: float) -> str:
    return base64.b64encode(struct.pack(f"<{len(values)}f", *values)).decode("ascii")


def _corrupt_payload(model: dict, fn) -> None:
    fn(model["state"]["_payload"], model)


def _set_buffer(model: dict, path: list, data: str) -> None:
    for b in model["buffers"]:
        if b["path"] == path:
            b["data"] = data
            return
    raise AssertionError(f"no buffer at {path}")


def _drop_buffer(model: dict, path: list) -> None:
    model["buffers"] = [b for b in model["buffers"] if b["path"] != path]


#: name -> (change to the tabular widget's saved model, text the view must show)
MALFORMED = {
    "wrong dtype": (lambda p, m: p["attr"].update(dtype="int64"), "unsupported dtype int64"),
    "prototype dtype": (lambda p, m: p["attr"].update(dtype="constructor"), "unsupported dtype"),
    "shape not matching bytes": (lambda p, m: p["attr"].update(shape=[7]), "needs 28 bytes"),
    "1e9-element shape": (
        lambda p, m: p["attr"].update(shape=[1_000_000_000]),
        "needs 4000000000 bytes",
    ),
    "NaN and infinity": (
        lambda p, m: _set_buffer(
            m, ["_payload", "attr", "data"], _f32(1, float("nan"), 2, float("inf"), 0, 0)
        ),
        "2 of 6 values are NaN or infinite",
    ),
    "missing attr": (
        lambda p, m: (p.pop("attr"), _drop_buffer(m, ["_payload", "attr", "data"])),
        "attr: array record missing",
    ),
    "missing names": (lambda p, m: p.pop("names"), "names: expected a list of strings"),
    "string for a number": (
        lambda p, m: p["readout"].update(output="0.5"),
        "readout.output: expected a number",
    ),
    "array data as a string": (
        lambda p, m: (
            _drop_buffer(m, ["_payload", "attr", "data"]),
            p["attr"].update(data="AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
        ),
        "array data must be binary",
    ),
    "string for a display setting": (
        lambda p, m: m["state"].update(top_k="ten"),
        "display setting top_k: expected a number, got string",
    ),
    "unknown sign mode": (
        lambda p, m: m["state"].update(sign=MARKUP),
        "display setting sign",
    ),
    "huge image": (
        lambda p, m: p.update(kind="image", height=100_000, width=100_000),
        "larger than",
    ),
    "payload a string": (
        lambda p, m: (
            m.update(buffers=[b for b in m["buffers"] if b["path"][0] != "_payload"]),
            m["state"].update(_payload=MARKUP),
        ),
        "expected an object, got string",
    ),
}


def _markup_everywhere(p: dict, m: dict) -> None:
    s = m["state"]
    p["names"] = [MARKUP] * len(p["names"])
    p["readout"].update(method=MARKUP, baseline=MARKUP, target_label=MARKUP, path=MARKUP)
    s.update(
        warning=MARKUP,
        error=MARKUP,
        note=MARKUP,
        method_options=[MARKUP],
        baseline_options=[MARKUP],
        path_options=[MARKUP],
        _version=MARKUP,
        top_classes=[{"index": 0, "label": MARKUP, "prob": "x"}, None, MARKUP],
        colormap=MARKUP,
        max_steps="many",
    )


@pytest.fixture(scope="module")
def malformed_page(executed, html_assets, tmp_path_factory):
    """The executed notebook with one extra output per malformed state: each a copy of
    the tabular widget's saved model, changed by hand, under a new model id."""
    nb = copy.deepcopy(executed)
    state = _widget_state(nb)
    (tab,) = _outputs(nb, 1)
    original = state[tab["data"][VIEW]["model_id"]]
    cases = [*MALFORMED.items(), ("markup in every string", (_markup_everywhere, None))]
    for name, (change, _) in cases:
        model = copy.deepcopy(original)
        _corrupt_payload(model, change)
        model_id = uuid.uuid4().hex
        state[model_id] = model
        view = {"model_id": model_id, "version_major": 2, "version_minor": 1}
        nb.cells.append(nbformat.v4.new_markdown_cell(f"case: {name}"))
        cell = nbformat.v4.new_code_cell("# hand-made state")
        cell.outputs = [
            nbformat.v4.new_output("display_data", data={VIEW: view, "text/plain": name})
        ]
        nb.cells.append(cell)
    site = tmp_path_factory.mktemp("malformed")
    return offline_html.write_site(nb, site, html_assets, "malformed.html"), [c[0] for c in cases]


def test_malformed_saved_state_shows_a_message_and_injects_nothing(malformed_page, page):
    path, names = malformed_page
    pg = page.page
    requests = _requests(pg)
    pg.goto(path.as_uri())
    roots = pg.locator(".igw-root")
    expect(roots).to_have_count(2 + len(names), timeout=60_000)
    for i, name in enumerate(names):
        root = roots.nth(2 + i)
        if name in MALFORMED:
            expected = MALFORMED[name][1]
            err = root.locator(".igw-render-error")
            expect(err, f"case {name!r}").to_be_visible(timeout=10_000)
            expect(err, f"case {name!r}").to_contain_text(expected)
            assert root.locator(".igw-bar, canvas.igw-heatmap").count() == 0, name
        else:  # markup everywhere: drawn, every string as text
            expect(root.locator(".igw-bar")).to_have_count(6)
            expect(root.locator(".igw-bar-name").first).to_have_text(MARKUP)
            expect(root.locator(".igw-error-message")).to_have_text(MARKUP)
            expect(root.locator(".igw-warning")).to_have_text(MARKUP)
            expect(root.locator(".igw-note")).to_have_value(MARKUP)
    # the page still answers at once (nothing froze it), and nothing was injected
    assert pg.evaluate("() => 6 * 7") == 42
    pg.wait_for_timeout(500)
    assert pg.locator("img[src='x']").count() == 0
    assert pg.evaluate("() => typeof window.__pwned") == "undefined"
    assert page.dialogs == []
    assert _off_machine(requests) == [], _off_machine(requests)
    roots.nth(2).scroll_into_view_if_needed()
    pg.screenshot(path=artifact("malformed_states.png"), full_page=True)
