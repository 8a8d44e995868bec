"""The first view as a new user meets it (issue: a view that reads at first glance):
screenshots of each modality at 1400 and 800 px, light and dark, and checks of what
they should show: the heatmap sized to the space with the input beside it, readable
option names, no one-option path select, inactive steps and method for forward-only
paths, a status line that does not move the body, and more than one coloured token.

Screenshots go to tests/artifacts/first_view_<modality>_<width>_<theme>.png.
"""

from __future__ import annotations

import re

import pytest

from .helpers import artifact, playwright_expect

expect = playwright_expect()

pytestmark = pytest.mark.browser

MODALITIES = ("image", "text", "tabular")
THEMES = {"light": "JupyterLab Light", "dark": "JupyterLab Dark"}


def _theme(page, name: str) -> None:
    page.evaluate(
        "(t) => window.jupyterapp.commands.execute('apputils:change-theme', {theme: t})",
        THEMES[name],
    )
    page.wait_for_function(
        "(dark) => document.body.dataset.jpThemeLight === (dark ? 'false' : 'true')",
        arg=name == "dark",
        timeout=20_000,
    )
    page.wait_for_timeout(400)  # the theme's stylesheet settles


def test_first_view_screenshots(notebook):
    page = notebook.page
    try:
        for theme in THEMES:
            _theme(page, theme)
            for width in (1400, 800):
                page.set_viewport_size({"width": width, "height": 1000})
                page.wait_for_timeout(300)
                for name in MODALITIES:
                    root = notebook.output(name)
                    root.scroll_into_view_if_needed()
                    root.screenshot(path=artifact(f"first_view_{name}_{width}_{theme}.png"))
    finally:
        _theme(page, "light")
        page.set_viewport_size({"width": 1280, "height": 1000})


def test_heatmap_fills_the_space_beside_the_input(notebook):
    page = notebook.page
    page.set_viewport_size({"width": 1400, "height": 1000})
    try:
        image = notebook.output("image")
        heat = image.locator("canvas.igw-heatmap")
        inp = image.locator("canvas.igw-input-image")
        expect(inp).to_be_visible()
        hb, ib = heat.bounding_box(), inp.bounding_box()
        main = image.locator(".igw-main").bounding_box()
        assert hb["width"] > 256, hb  # was fixed at 256 px
        # input and overlay together fill the main column (up to 860 px)
        right = hb["x"] + hb["width"] - main["x"]
        assert right > 0.95 * min(main["width"], 860), (hb, main)
        assert abs(hb["width"] - ib["width"]) < 2 and abs(hb["y"] - ib["y"]) < 2, (hb, ib)
        assert ib["x"] + ib["width"] <= hb["x"], "input left of the overlay"
    finally:
        page.set_viewport_size({"width": 1280, "height": 1000})


def test_options_read_as_names_and_one_path_is_no_select(notebook):
    for name in ("image", "text"):
        labels = notebook.output(name).locator(".igw-method option").all_inner_texts()
        assert "Gauss–Legendre" in labels and "gausslegendre" not in labels, labels
    # text has one path: no select; images offer Guided IG and Blur IG too
    expect(notebook.output("text").locator(".igw-field-path")).to_be_hidden()
    image_paths = notebook.output("image").locator(".igw-path option").all_inner_texts()
    assert image_paths[:3] == ["straight line", "Guided IG", "Blur IG"], image_paths
    assert "all orderings (Shapley)" in image_paths  # over a grid of patches
    # baselines are names, shown as given: the "blur" baseline is not the Blur IG path
    image_baselines = notebook.output("image").locator(".igw-baseline option").all_inner_texts()
    assert "blur" in image_baselines and "Blur IG" not in image_baselines, image_baselines
    tab = notebook.output("tabular")
    expect(tab.locator(".igw-field-path")).to_be_visible()
    paths = tab.locator(".igw-path option").all_inner_texts()
    assert "all orderings (Shapley)" in paths, paths
    # digit classes are named by their index: "class 6", never "6 (#6)"
    expect(notebook.output("image").locator(".igw-readout-target")).to_have_text(
        re.compile(r"^target: class \d$")
    )


def test_text_colours_more_than_one_token(notebook):
    text = notebook.output("text")
    expect(text.locator(".igw-clip-value")).to_have_text("p80")
    colours = text.locator(".igw-token").evaluate_all(
        "spans => spans.map(s => getComputedStyle(s).backgroundColor)"
    )
    bg = text.evaluate("r => getComputedStyle(r).backgroundColor")
    coloured = [c for c in colours if c != bg]
    assert len(coloured) >= len(colours) // 2, (colours, bg)
    expect(text.locator(".igw-colorbar-caption")).to_contain_text("p80")


def test_forward_only_path_disables_steps_and_method(notebook):
    tab = notebook.output("tabular")
    tab.scroll_into_view_if_needed()
    body = tab.locator(".igw-body")

    def offset():  # the body's place in the widget (the page may scroll meanwhile)
        return body.bounding_box()["y"] - tab.bounding_box()["y"]

    y_idle = offset()
    tab.locator(".igw-path").select_option("all_orderings")
    try:
        # 30 features: more than the widget enumerates, so orders are sampled
        expect(tab.locator(".igw-settings")).to_contain_text(
            "estimate from 64 sampled orders", timeout=60_000
        )
        expect(tab.locator(".igw-settings")).not_to_contain_text("steps")
        expect(tab.locator(".igw-steps-number")).to_be_disabled()
        expect(tab.locator(".igw-method")).to_be_disabled()
        expect(tab.locator(".igw-baseline")).to_be_enabled()
        tab.screenshot(path=artifact("first_view_tabular_all_orderings.png"))
    finally:
        tab.locator(".igw-path").select_option("straight")
    expect(tab.locator(".igw-steps-number")).to_be_enabled(timeout=60_000)
    expect(tab.locator(".igw-settings")).to_contain_text("50 steps", timeout=60_000)
    # the status line keeps its height: the body sits where it sat before the runs
    assert abs(offset() - y_idle) < 1
