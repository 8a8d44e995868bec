"""The alpha scrubber in JupyterLab: the slider asks the kernel for the point at alpha
and draws it, the path chart's marker follows the slider, hovering the chart moves the
slider, and a saturating model gets the note. Screenshots:
tests/artifacts/scrubber_<modality>.png."""

from __future__ import annotations

import re

import pytest

from .helpers import artifact, check_screenshot, playwright_expect

expect = playwright_expect()

pytestmark = pytest.mark.browser

LONG = 60_000


def _slide(root, alpha: float) -> None:
    root.locator(".igw-alpha").evaluate(
        "(s, a) => { s.value = String(a); s.dispatchEvent(new Event('input', {bubbles: true}));"
        " s.dispatchEvent(new Event('change', {bubbles: true})); }",
        alpha,
    )


def test_image_scrubber_draws_the_point_and_marks_the_chart(notebook):
    root = notebook.output("image")
    root.scroll_into_view_if_needed()
    _slide(root, 0.3)
    expect(root.locator(".igw-scrub-readout")).to_contain_text("α = 0.30", timeout=LONG)
    canvas = root.locator("canvas.igw-scrub-canvas")
    expect(canvas).to_be_visible()
    distinct = canvas.evaluate(
        """c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            const s = new Set(); for (let i = 0; i < d.length; i += 4)
            s.add(d[i] + ',' + d[i+1] + ',' + d[i+2]); return s.size; }"""
    )
    assert distinct > 8, distinct
    # the marker sits at alpha 0.3 of the chart's x axis (x = 44 + 0.3 * 268 in viewBox units)
    marker = root.locator(".igw-chart-marker").first
    # (a vertical line has an empty box, so Playwright calls it hidden: check its style)
    assert marker.evaluate("m => getComputedStyle(m).display") != "none"
    assert abs(float(marker.get_attribute("x1")) - (44 + 0.3 * 268)) < 0.5
    root.locator(".igw-scrubber").scroll_into_view_if_needed()
    root.screenshot(path=artifact("scrubber_image.png"))
    check_screenshot(artifact("scrubber_image.png"), root)
    # hovering the path chart near alpha 0.9 moves the slider there
    chart = root.locator("svg.igw-path-chart")
    box = chart.bounding_box()
    chart.hover(position={"x": box["width"] * (44 + 0.9 * 268) / 320, "y": box["height"] * 0.2})
    expect(root.locator(".igw-alpha-value")).to_have_text(re.compile(r"^0\.(8[5-9]|9\d)$"))
    shown = root.locator(".igw-alpha-value").inner_text()
    expect(root.locator(".igw-scrub-readout")).to_contain_text(f"α = {shown}", timeout=LONG)


def test_text_and_tabular_scrubbers(notebook):
    text = notebook.output("text")
    text.scroll_into_view_if_needed()
    _slide(text, 0.2)
    expect(text.locator(".igw-scrub-readout")).to_contain_text("α = 0.20", timeout=LONG)
    n = text.locator(".igw-token").count()
    toks = text.locator(".igw-scrub-token")
    expect(toks).to_have_count(n)
    opacity = float(toks.first.evaluate("t => getComputedStyle(t).opacity"))
    assert opacity == pytest.approx(0.15 + 0.85 * 0.2, abs=0.01)
    text.locator(".igw-scrubber").scroll_into_view_if_needed()
    text.screenshot(path=artifact("scrubber_text.png"))

    tab = notebook.output("tabular")
    tab.scroll_into_view_if_needed()
    _slide(tab, 0.5)
    expect(tab.locator(".igw-scrub-readout")).to_contain_text("α = 0.50", timeout=LONG)
    expect(tab.locator(".igw-scrub-row[data-index]")).to_have_count(8)
    tab.locator(".igw-scrubber").scroll_into_view_if_needed()
    tab.screenshot(path=artifact("scrubber_tabular.png"))
    notes = {
        name: notebook.output(name).locator(".igw-scrub-note").inner_text()
        for name in ("image", "text", "tabular")
        if notebook.output(name).locator(".igw-scrub-note").is_visible()
    }
    print("\n[scrubber] saturation notes:", notes)
