"""The widget notebook executed by nbclient and exported to static HTML (no kernel, no
network): the saved widget state alone draws the bars, and the markup strings in token
and feature names are text there too, including inside the embedded widget-state JSON."""

from __future__ import annotations

import nbformat
import pytest

from .helpers import (
    CELLS,
    EXAMPLES,
    ROOT,
    WIDGET_CELLS,
    XSS_FEATURE,
    XSS_TOKEN,
    artifact,
    offline_html,
    playwright_expect,
    tokens_of,
    write_notebook,
)

expect = playwright_expect()

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def exported(tmp_path_factory, html_assets):
    """index.html of the executed widget notebook, with require.js, embed-amd.js and
    anywidget.js beside it."""
    import os

    from nbclient import NotebookClient

    tmp = tmp_path_factory.mktemp("html")
    nb_path = tmp / "widgets.ipynb"
    write_notebook(nb_path, CELLS.values())
    nb = nbformat.read(str(nb_path), as_version=4)
    # the kernel imports quickstart_models from the examples and ig_widget from the repo
    old = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in [str(EXAMPLES), str(ROOT), old] if p)
    try:
        NotebookClient(
            nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(tmp)}}
        ).execute()
    finally:
        if old is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = old
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    igw = [s for s in state.values() if s["model_name"] == "AnyModel" and "_payload" in s["state"]]
    assert len(igw) == len(WIDGET_CELLS), "the saved widget state lacks some widgets"

    return offline_html.write_site(nb, tmp / "site", html_assets)


def test_exported_html_draws_static_widgets(exported, page):
    pg = page.page
    pg.goto(exported.as_uri())
    views = pg.locator(".igw-root")
    expect(views).to_have_count(len(WIDGET_CELLS), timeout=30_000)
    tab, xss_tab = pg.locator(".igw-tabular-view").nth(0), pg.locator(".igw-tabular-view").nth(1)
    expect(tab.locator(".igw-bar")).to_have_count(10, timeout=30_000)
    expect(xss_tab.locator(".igw-bar")).to_have_count(30)
    expect(pg.locator(".igw-delta").first).to_contain_text("δ")
    canvas = pg.locator("canvas.igw-heatmap")
    expect(canvas).to_have_count(2)  # the digit and the 224x224 image
    # the text widget's tokens, then the markup token, all as text
    texts = pg.locator(".igw-text-view")
    assert texts.nth(0).locator(".igw-token").all_inner_texts() == tokens_of()
    expect(texts.nth(1).locator(".igw-token").nth(1)).to_have_text(XSS_TOKEN)
    expect(xss_tab.locator(".igw-bar-name", has_text="__pwned")).to_have_text(XSS_FEATURE)
    pg.wait_for_timeout(300)  # give an injected handler time to fire
    assert pg.locator("img[src='x']").count() == 0
    assert pg.evaluate("() => typeof window.__pwned") == "undefined"
    assert (
        pg.evaluate(
            "() => [...document.scripts].filter("
            "s => s.textContent.trim() === 'window.__pwned=1').length"
        )
        == 0
    )
    assert page.dialogs == []
    tab.scroll_into_view_if_needed()
    tab.screenshot(path=artifact("html_tabular_widget.png"))
    pg.screenshot(path=artifact("html_page.png"), full_page=True)
