"""Compare pins in JupyterLab: pin a result, change a setting, see both side by side on
one colour scale with the difference (image map, token highlights, paired bars), remove
the pin. Screenshots: tests/artifacts/compare_<modality>.png."""

from __future__ import annotations

import pytest

from .helpers import artifact, check_screenshot, playwright_expect

expect = playwright_expect()

pytestmark = pytest.mark.browser

LONG = 60_000


def _set_steps(root, n: int) -> None:
    box = root.locator(".igw-steps-number")
    box.fill(str(n))
    box.press("Enter")
    expect(root.locator(".igw-settings")).to_contain_text(f"{n} steps", timeout=LONG)


def _clear_pins(root) -> None:
    while root.locator(".igw-unpin").count():
        n = root.locator(".igw-unpin").count()
        root.locator(".igw-unpin").first.click()
        expect(root.locator(".igw-unpin")).to_have_count(n - 1, timeout=LONG)


def test_image_pin_compare_and_remove(notebook):
    root = notebook.output("image")
    root.scroll_into_view_if_needed()
    expect(root.locator(".igw-compare-card")).to_have_count(0)
    _set_steps(root, 4)
    root.locator(".igw-pin").click()
    try:
        expect(root.locator(".igw-compare-card")).to_have_count(2, timeout=LONG)
        _set_steps(root, 50)
        pin = root.locator(".igw-compare-card[data-pin]")
        expect(pin.locator(".igw-compare-settings")).to_contain_text("4 steps")
        expect(root.locator(".igw-compare-current .igw-compare-settings")).to_contain_text(
            "50 steps"
        )
        # the pinned map and the difference map, both the input's size
        canvases = pin.locator("canvas.igw-compare-canvas")
        expect(canvases).to_have_count(2)
        sizes = canvases.evaluate_all("cs => cs.map(c => [c.width, c.height])")
        assert sizes == [[16, 16], [16, 16]], sizes
        expect(pin.locator(".igw-compare-delta")).to_contain_text("δ")
        expect(root.locator(".igw-compare-caption")).to_contain_text("one colour scale")
        # 4 and 50 steps give different maps: the difference is not blank
        distinct = canvases.nth(1).evaluate(
            """c => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                const s = new Set(); for (let i = 0; i < d.length; i += 4)
                s.add(d[i] + ',' + d[i+1] + ',' + d[i+2]); return s.size; }"""
        )
        assert distinct > 4, distinct
        root.locator(".igw-compare").scroll_into_view_if_needed()
        root.screenshot(path=artifact("compare_image.png"))
        check_screenshot(artifact("compare_image.png"), root)
    finally:
        _clear_pins(root)
        _set_steps(root, 50)
    expect(root.locator(".igw-compare-card")).to_have_count(0)


def test_text_pin_highlights_differences(notebook):
    root = notebook.output("text")
    root.scroll_into_view_if_needed()
    root.locator(".igw-pin").click()
    # the quick-start text model offers one baseline (its pad row is the zero embedding),
    # so the comparison changes the quadrature rule instead
    method = root.locator(".igw-method")
    first = method.input_value()
    try:
        expect(root.locator(".igw-compare-card")).to_have_count(2, timeout=LONG)
        options = method.locator("option").evaluate_all("os => os.map(o => o.value)")
        other = next(v for v in options if v != first)
        pinned = root.locator(".igw-compare-card[data-pin] .igw-compare-settings").inner_text()
        method.select_option(other)
        current = root.locator(".igw-compare-current .igw-compare-settings")
        expect(current).not_to_have_text(pinned, timeout=LONG)
        pin = root.locator(".igw-compare-card[data-pin]")
        tokens = root.locator(".igw-token").count()
        # the pinned tokens and the difference tokens
        expect(pin.locator(".igw-compare-token")).to_have_count(2 * tokens)
        root.screenshot(path=artifact("compare_text.png"))
    finally:
        method.select_option(first)
        expect(root.locator(".igw-compare-current .igw-compare-settings")).to_have_text(
            root.locator(".igw-compare-card[data-pin] .igw-compare-settings").inner_text(),
            timeout=LONG,
        )
        _clear_pins(root)


def test_tabular_pin_paired_bars(notebook):
    root = notebook.output("tabular")
    root.scroll_into_view_if_needed()
    root.locator(".igw-pin").click()
    try:
        expect(root.locator(".igw-compare-card")).to_have_count(2, timeout=LONG)
        base = root.locator(".igw-baseline")
        first = base.input_value()
        base.select_option("zeros")
        expect(root.locator(".igw-compare-current .igw-compare-settings")).to_contain_text(
            "baseline: zeros", timeout=LONG
        )
        pairs = root.locator(".igw-compare-card[data-pin] .igw-pair")
        expect(pairs).to_have_count(8)
        expect(pairs.first.locator(".igw-pair-fill")).to_have_count(2)
        root.locator(".igw-compare").scroll_into_view_if_needed()
        root.screenshot(path=artifact("compare_tabular.png"))
        base.select_option(first)
        expect(root.locator(".igw-compare-current .igw-compare-settings")).to_contain_text(
            f"baseline: {first}", timeout=LONG
        )
    finally:
        _clear_pins(root)
