"""The convergence figure in JupyterLab: the button asks the kernel for delta against
n_steps and the widget draws one line per method with the 1% summary.
Screenshot: tests/artifacts/convergence_text.png."""

from __future__ import annotations

import pytest

from .helpers import artifact, playwright_expect

expect = playwright_expect()

pytestmark = pytest.mark.browser


def test_convergence_figure(notebook):
    root = notebook.output("text")
    root.scroll_into_view_if_needed()
    root.locator(".igw-convergence-run").click()
    summary = root.locator(".igw-convergence-summary")
    expect(summary).to_contain_text("gradient evaluations", timeout=60_000)
    expect(summary).to_contain_text("Gauss–Legendre: under 1% from n = ")
    expect(root.locator(".igw-convergence-chart polyline")).to_have_count(5)
    root.locator(".igw-convergence").scroll_into_view_if_needed()
    root.screenshot(path=artifact("convergence_text.png"))


def test_steps_auto_control(notebook):
    root = notebook.output("image")
    root.scroll_into_view_if_needed()
    auto = root.locator(".igw-steps-auto")
    auto.check()
    try:
        settings = root.locator(".igw-settings")
        expect(settings).to_contain_text("auto: ", timeout=60_000)
        expect(settings).to_contain_text("for error ≤ 1%")
        expect(root.locator(".igw-method")).to_be_disabled()
        expect(root.locator(".igw-auto-tol")).to_have_value("1")
        root.screenshot(path=artifact("steps_auto_image.png"))
    finally:
        auto.uncheck()
    expect(root.locator(".igw-settings")).to_contain_text("50 steps", timeout=60_000)
    expect(root.locator(".igw-method")).to_be_enabled()
