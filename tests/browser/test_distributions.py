"""Averaged attributions in JupyterLab: switch to SmoothGrad (image, text) and to Expected
Gradients (the tabular widget has a background), see the spread appear (a third image
panel, a token toggle, whiskers on the bars) and the settings line say what was
averaged; the patch-size select appears for the grouped image paths only.
Screenshots: tests/artifacts/distribution_<modality>_<width>.png."""

from __future__ import annotations

import pytest

from .helpers import artifact, canvas_colours, playwright_expect

expect = playwright_expect()

pytestmark = pytest.mark.browser

LONG = 60_000


def _average(root, value: str) -> None:
    root.locator(".igw-distribution").select_option(value)


def _shots(notebook, root, name: str) -> None:
    page = notebook.page
    try:
        for width in (1400, 800):
            page.set_viewport_size({"width": width, "height": 1000})
            page.wait_for_timeout(300)
            root.scroll_into_view_if_needed()
            root.screenshot(path=artifact(f"distribution_{name}_{width}.png"))
    finally:
        page.set_viewport_size({"width": 1280, "height": 1000})


def test_image_smoothgrad_spread_panel(notebook):
    root = notebook.output("image")
    root.scroll_into_view_if_needed()
    # no background: expected gradients is listed, disabled, saying how to enable it
    eg = root.locator(".igw-distribution option[value='expected_gradients']")
    expect(eg).to_be_disabled()
    assert "background=" in eg.get_attribute("title")
    spread = root.locator("canvas.igw-spread-map")
    expect(spread).to_be_hidden()
    _average(root, "smoothgrad")
    try:
        settings = root.locator(".igw-settings")
        expect(settings).to_contain_text("SmoothGrad: 16 samples, noise 0.1", timeout=LONG)
        expect(spread).to_be_visible(timeout=LONG)
        expect(root.locator(".igw-samples")).to_be_visible()
        expect(root.locator(".igw-noise")).to_be_visible()
        expect(root.locator(".igw-delta-meaning")).to_contain_text("mean of the 16 per-sample")
        colours = canvas_colours(spread)
        assert colours["width"] == 16 and colours["distinct"] > 4, colours
        expect(root.locator(".igw-spread-caption")).to_contain_text("std across samples")
        expect(root.locator(".igw-spread-cell .igw-colorbar-caption")).to_contain_text(
            "of the spread ="
        )
        # the path select rests: the average is over straight-line IG
        expect(root.locator(".igw-path")).to_be_disabled()
        # fewer samples: a new result, said in the settings line
        box = root.locator(".igw-samples")
        box.fill("4")
        box.dispatch_event("change")
        expect(settings).to_contain_text("SmoothGrad: 4 samples", timeout=LONG)
        _shots(notebook, root, "image")
    finally:
        _average(root, "none")
        expect(root.locator("canvas.igw-spread-map")).to_be_hidden(timeout=LONG)
    expect(root.locator(".igw-samples")).to_be_hidden()


def test_image_patch_size_only_for_grouped_paths(notebook):
    root = notebook.output("image")
    patch = root.locator(".igw-patch")
    expect(patch).to_be_hidden()
    path = root.locator(".igw-path")
    path.select_option("extremal")
    try:
        expect(patch).to_be_visible(timeout=LONG)
        options = patch.locator("option").all_inner_texts()
        assert options[0] == "4 px (4 × 4) default", options
        small = next(o for o in options if "(8 × 8)" in o)
        patch.select_option(label=small)
        expect(root.locator(".igw-settings")).to_contain_text("8 × 8 patches of 2 px", timeout=LONG)
    finally:
        patch.select_option(index=0)
        path.select_option("straight")
    expect(patch).to_be_hidden(timeout=LONG)


def test_text_smoothgrad_spread_toggle(notebook):
    root = notebook.output("text")
    root.scroll_into_view_if_needed()
    toggle = root.locator(".igw-show-spread")
    expect(toggle).to_be_hidden()
    _average(root, "smoothgrad")
    try:
        expect(root.locator(".igw-settings")).to_contain_text("SmoothGrad", timeout=LONG)
        expect(toggle).to_be_visible(timeout=LONG)
        first = root.locator(".igw-token").first
        mean_colour = first.evaluate("s => s.style.backgroundColor")
        toggle.check()
        expect(root.locator(".igw-spread-caption")).to_contain_text("colours show the spread")
        colours = root.locator(".igw-token").evaluate_all(
            "ss => ss.map(s => s.style.backgroundColor)"
        )
        assert len(set(colours)) > 1, colours
        assert "±" in first.get_attribute("title")
        _shots(notebook, root, "text")
        del mean_colour
    finally:
        if toggle.is_visible():
            toggle.uncheck()
        _average(root, "none")
        expect(root.locator(".igw-settings")).not_to_contain_text("SmoothGrad", timeout=LONG)


def test_tabular_expected_gradients_whiskers(notebook):
    root = notebook.output("tabular")
    root.scroll_into_view_if_needed()
    _average(root, "expected_gradients")
    try:
        settings = root.locator(".igw-settings")
        expect(settings).to_contain_text("expected gradients", timeout=LONG)
        expect(settings).to_contain_text("background rows")
        expect(root.locator(".igw-bar-whisker").first).to_be_visible(timeout=LONG)
        assert root.locator(".igw-bar-whisker").count() >= 5
        expect(root.locator(".igw-bar-value").first).to_contain_text("±")
        expect(root.locator(".igw-delta-meaning")).to_contain_text("mean F(background)")
        # the scrubber walks one plain straight line, and says it is not the average
        expect(root.locator(".igw-scrub-readout")).to_contain_text(
            "not the average over samples", timeout=LONG
        )
        _average(root, "smoothgrad")
        expect(settings).to_contain_text("SmoothGrad", timeout=LONG)
        expect(root.locator(".igw-bar-whisker").first).to_be_visible(timeout=LONG)
        _average(root, "expected_gradients")
        expect(settings).to_contain_text("expected gradients", timeout=LONG)
        _shots(notebook, root, "tabular")
    finally:
        _average(root, "none")
    expect(root.locator(".igw-bar-whisker")).to_have_count(0, timeout=LONG)


def test_image_per_patch_display(notebook):
    root = notebook.output("image")
    root.scroll_into_view_if_needed()
    box = root.locator(".igw-per-patch")
    patch = root.locator(".igw-patch")
    expect(patch).to_be_hidden()
    box.check()
    try:
        # the grid's select appears with the display that uses it
        expect(patch).to_be_visible()
        caption = root.locator(".igw-image-caption").nth(1)
        expect(caption).to_contain_text("summed per patch (4 × 4 patches of 4 px)")
        heat = root.locator("canvas.igw-heatmap")
        heat.hover(position={"x": 5, "y": 5})
        expect(root.locator(".igw-image-hover")).to_contain_text("patch 0: sum")
        root.screenshot(path=artifact("distribution_image_per_patch.png"))
    finally:
        box.uncheck()
    expect(patch).to_be_hidden()
    expect(root.locator(".igw-image-caption").nth(1)).to_have_text("attribution over the input")
