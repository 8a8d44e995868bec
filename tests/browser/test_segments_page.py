"""Given segments (``IGWidget(..., segments=)``) in the front end: the patch select names
them, and "per patch" paints the attribution summed per segment, checked on a saved
standalone page (display controls work there without a kernel)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from .helpers import artifact, canvas_colours, playwright_expect, tiny_image_model

expect = playwright_expect()

pytestmark = pytest.mark.browser


def test_per_segment_display(widgets, page, tmp_path):
    model = tiny_image_model()
    seg = np.zeros((12, 12), np.int64)
    seg[:, 4:] = 7
    seg[6:, :] += 20  # four uneven segments, labels 0, 7, 20, 27
    w = widgets(model, torch.rand(3, 12, 12), path="extremal", segments=seg)
    w.wait(60)
    (path,) = w.save(tmp_path / "segments.html")
    pg = page.page
    pg.goto(path.as_uri())
    expect(pg.locator("body[data-igw-rendered]")).to_have_count(1, timeout=20_000)
    root = pg.locator(".igw-root")
    expect(root.locator(".igw-settings")).to_contain_text("4 given segments")
    options = root.locator(".igw-patch option").all_inner_texts()
    assert options[0] == "4 given segments default", options
    canvas = root.locator("canvas.igw-heatmap")
    before = canvas_colours(canvas)["digest"]
    root.locator(".igw-per-patch").check()
    caption = root.locator(".igw-image-caption").nth(1)
    expect(caption).to_contain_text("summed per segment (4 given segments)")
    assert canvas_colours(canvas)["digest"] != before
    canvas.hover(position={"x": 2, "y": 2})
    expect(root.locator(".igw-image-hover")).to_contain_text("segment 0: sum")
    pg.screenshot(path=artifact("segments_per_segment.png"), full_page=True)
