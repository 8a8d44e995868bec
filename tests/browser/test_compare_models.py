"""Two models in one widget (``compare_model=``) in JupyterLab (headless Chromium): the
model control, "pin and explain" the other model, the comparison cards labelled with
each model, and the scrubber and convergence figure of the chosen model. Screenshot
at 1400 px: tests/artifacts/compare_models.png."""

from __future__ import annotations

import pytest

from .conftest import open_and_run, watch
from .helpers import artifact, check_screenshot, playwright_expect, upload_notebook

pytestmark = pytest.mark.browser

LONG = 60_000
SECOND = "CNN, seed 1"
CELLS = [
    "from ig_widget import IGWidget\n"
    "from quickstart_models import image_model\n"
    "digits, digits_b = image_model(), image_model(seed=1)  # two CNNs, other seeds",
    f"w_two = IGWidget(digits.model, digits.image, compare_model=({SECOND!r}, digits_b.model),\n"
    "                 class_names=digits.class_names, n_steps=32)\n"
    "display(w_two)\n"
    "w_two.wait(120)",
]


@pytest.fixture(scope="module")
def two_models(browser, lab):
    expect = playwright_expect()
    upload_notebook(lab, "two_models.ipynb", CELLS)
    pg = browser.new_page(viewport={"width": 1400, "height": 2600})
    w = watch(pg)
    open_and_run(pg, lab, "two_models.ipynb", run_timeout=180_000)
    root = pg.locator(".jp-Notebook .jp-CodeCell").nth(1).locator(".jp-OutputArea .igw-root")
    expect(root.locator(".igw-delta")).to_contain_text("δ", timeout=LONG)
    yield w, root
    pg.close()
    assert not w.errors, f"page errors: {w.errors}"


def test_two_models_side_by_side(two_models):
    expect = playwright_expect()
    _, root = two_models
    root.scroll_into_view_if_needed()
    picker = root.locator("select.igw-model")
    expect(picker).to_be_visible()
    assert picker.locator("option").all_text_contents() == ["DigitCNN", SECOND]
    settings = root.locator(".igw-readout .igw-settings")
    expect(settings).to_contain_text("model: DigitCNN", timeout=LONG)
    swap = root.locator(".igw-compare-models")
    expect(swap).to_have_text(f"Pin and explain {SECOND}")
    swap.click()  # pin the first model's result, explain the second with the same settings
    expect(settings).to_contain_text(f"model: {SECOND}", timeout=LONG)
    expect(picker).to_have_value("compare")
    cards = root.locator(".igw-compare-card")
    expect(cards).to_have_count(2, timeout=LONG)
    current = root.locator(".igw-compare-current .igw-compare-title")
    expect(current).to_have_text(f"current · {SECOND}", timeout=LONG)
    pin = root.locator(".igw-compare-card[data-pin]")
    expect(pin.locator(".igw-compare-title")).to_contain_text("· DigitCNN")
    # both cards: same settings, other model
    assert pin.locator(".igw-compare-settings").inner_text() == (
        root.locator(".igw-compare-current .igw-compare-settings").inner_text()
    )
    canvases = pin.locator("canvas.igw-compare-canvas")
    expect(canvases).to_have_count(2)  # the pinned map and the difference map
    distinct = canvases.nth(1).evaluate(
        """c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            const s = new Set(); for (let i = 0; i < d.length; i += 4)
            s.add(d[i] + ',' + d[i+1] + ',' + d[i+2]); return s.size; }"""
    )
    assert distinct > 4, distinct  # two models: the difference is not blank
    # the scrubber and the convergence figure are the chosen model's
    expect(root.locator(".igw-scrub-readout")).to_contain_text(f"model: {SECOND}", timeout=LONG)
    root.locator(".igw-convergence-run").click()
    expect(root.locator(".igw-convergence-summary")).to_contain_text(
        f"Model {SECOND}", timeout=LONG
    )
    # the page is tall enough for the whole widget: the screenshot needs no scrolling
    root.scroll_into_view_if_needed()
    root.screenshot(path=artifact("compare_models.png"))
    check_screenshot(artifact("compare_models.png"), root)
    # the model control switches back; removing the pin empties the comparison
    picker.select_option("main")
    expect(settings).to_contain_text("model: DigitCNN", timeout=LONG)
    expect(current).to_have_text("current · DigitCNN", timeout=LONG)
    root.locator(".igw-unpin").click()
    expect(cards).to_have_count(0, timeout=LONG)
