"""With a kernel, in JupyterLab: the compute controls stay enabled (the view finds its
live model), and a note typed in the box reaches the kernel, which draws it into the
picture the PNG button downloads."""

from __future__ import annotations

import pytest

from .helpers import WIDGET_CELLS, playwright_expect

expect = playwright_expect()

pytestmark = pytest.mark.browser


def test_live_widgets_keep_compute_controls(notebook):
    for name in WIDGET_CELLS:
        out = notebook.output(name)
        for sel in (".igw-steps", ".igw-steps-number", ".igw-method", ".igw-target"):
            expect(out.locator(sel)).to_be_enabled()
        expect(out.locator(".igw-compute-note")).to_be_hidden()
        expect(out.locator(".igw-changed")).to_be_hidden()


def test_note_reaches_the_kernel_and_its_picture(notebook):
    pg = notebook.page
    tab = notebook.output("tabular")
    tab.scroll_into_view_if_needed()
    png = tab.locator(".igw-download-png")
    expect(png).to_be_enabled(timeout=30_000)  # the kernel drew the picture on display
    with pg.expect_download() as dl:
        png.click()
    before = open(dl.value.path(), "rb").read()
    assert before.startswith(b"\x89PNG")
    note = tab.locator(".igw-note")
    note.fill("area and texture dominate")
    note.blur()
    # the kernel redraws the picture with the note and sends it back
    for _ in range(40):
        pg.wait_for_timeout(250)
        with pg.expect_download() as dl:
            png.click()
        after = open(dl.value.path(), "rb").read()
        if after != before:
            break
    assert after != before and after.startswith(b"\x89PNG")
    assert len(after) > len(before)  # one more line of text under the drawing
