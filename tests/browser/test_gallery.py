"""IGBrowser in JupyterLab: a gallery of scikit-learn's 1,797 digits with a briefly
trained CNN (so that some are misclassified), filtered to the misclassified ones; one
example opened in IGWidget, its steps changed, and back to the same gallery page.
Screenshots at 1400 and 800 px wide land in tests/artifacts/."""

from __future__ import annotations

import re
import time

import pytest

from .conftest import open_and_run
from .helpers import artifact, playwright_expect, upload_notebook

expect = playwright_expect()
pytestmark = pytest.mark.browser

XSS_CLASS = "<img src=x onerror=window.__pwned=1>"

SETUP = f"""
import torch
from sklearn.datasets import load_digits
from torch.utils.data import TensorDataset
from ig_widget import IGBrowser

torch.manual_seed(0)
digits = load_digits()
x = torch.tensor(digits.images, dtype=torch.float32).unsqueeze(1) / 16.0
y = torch.tensor(digits.target)
model = torch.nn.Sequential(
    torch.nn.Conv2d(1, 8, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
    torch.nn.Flatten(), torch.nn.Linear(128, 10))
opt = torch.optim.Adam(model.parameters(), lr=1e-2)
for step in range(40):  # a few seconds' training: good, but far from perfect
    idx = torch.randint(0, len(x), (64,))
    opt.zero_grad()
    torch.nn.functional.cross_entropy(model(x[idx]), y[idx]).backward()
    opt.step()
model.eval()
names = [str(i) for i in range(10)]
names[9] = {XSS_CLASS!r}
"""
SHOW = """
b = IGBrowser(model, TensorDataset(x, y), class_names=names)
display(b)
b.wait(120)
"""


XSS_FEATURE = "</script><script>window.__pwned=2</script>"
XSS_TOKEN = "<img src=x onerror=window.__pwned=3>"
OTHERS = f"""
import pandas as pd
torch.manual_seed(1)
frame = pd.DataFrame(torch.randn(60, 5).numpy(), columns=[{XSS_FEATURE!r}, "b", "c", "d", "e"])
tab = IGBrowser(torch.nn.Linear(5, 3).eval(), frame, labels=torch.randint(0, 3, (60,)))
display(tab)
vocab = ["<pad>", {XSS_TOKEN!r}] + [f"word{{i}}" for i in range(2, 30)]
ids = torch.randint(1, 30, (80, 9))
ids[:, 7:] = 0
text_model = torch.nn.Sequential(
    torch.nn.Embedding(30, 4), torch.nn.Flatten(), torch.nn.Linear(36, 2)).eval()
txt = IGBrowser(text_model, ids, labels=torch.randint(0, 2, (80,)), tokens=vocab, pad_token_id=0)
display(txt)
tab.wait(60); txt.wait(60)
"""


def _cell(pg, i: int):
    return pg.locator(".jp-Notebook .jp-CodeCell").nth(i).locator(".jp-OutputArea")


def _shown(summary_text: str) -> int:
    m = re.search(r"([\d,]+) shown", summary_text)
    assert m, summary_text
    return int(m.group(1).replace(",", ""))


def _screenshots(pg, root, name: str, width: int) -> None:
    """The page at ``width`` px (name.png) and the whole gallery (name_widget.png, in a
    viewport tall enough to hold it)."""
    pg.set_viewport_size({"width": width, "height": 1000})
    pg.wait_for_timeout(300)
    root.scroll_into_view_if_needed()
    pg.screenshot(path=artifact(f"{name}.png"))
    height = int(root.bounding_box()["height"]) + 400
    pg.set_viewport_size({"width": width, "height": max(1000, height)})
    pg.wait_for_timeout(300)
    root.scroll_into_view_if_needed()
    root.screenshot(path=artifact(f"{name}_widget.png"))
    pg.set_viewport_size({"width": 1400, "height": 1000})


def test_gallery_filter_open_steps_back(lab, page):
    pg = page.page
    pg.set_viewport_size({"width": 1400, "height": 1000})
    upload_notebook(lab, "gallery.ipynb", [c.strip() for c in [SETUP, SHOW]])
    t0 = time.monotonic()
    open_and_run(pg, lab, "gallery.ipynb", run_timeout=120_000)
    root = _cell(pg, 1).locator(".igb-root")
    cards = root.locator(".igb-card")
    expect(cards).to_have_count(48, timeout=60_000)
    summary = root.locator(".igb-summary")
    expect(summary).to_contain_text("1,797 examples")
    print(f"\n[gallery] 1,797 predictions, first page drawn in {time.monotonic() - t0:.1f} s")
    # attribution thumbnails arrive in the background for the page shown
    expect(root.locator(".igb-card .igb-heat")).to_have_count(48, timeout=60_000)

    # untrusted class names are text: the markup shows literally and never runs
    assert pg.evaluate("() => window.__pwned") is None
    assert root.locator(".igb-cm img").count() == 0
    expect(root.locator(".igb-cm th").filter(has_text=XSS_CLASS).first).to_be_visible()
    # every focusable control opts out of JupyterLab's shortcuts
    unmarked = root.evaluate(
        """r => [...r.querySelectorAll('button, select, input, [tabindex]')]
                 .filter(e => e.getAttribute('data-lm-suppress-shortcuts') !== 'true').length"""
    )
    assert unmarked == 0

    # misclassified only: the count equals the confusion matrix's off-diagonal sum
    cm = root.evaluate(
        """r => [...r.querySelectorAll('.igb-cm-cell')].map(b => [
                 +b.dataset.true, +b.dataset.pred, +(b.textContent || 0)])"""
    )
    off_diagonal = sum(n for i, j, n in cm if i != j)
    assert 0 < off_diagonal < 1797, off_diagonal
    root.locator(".igb-wrong-only").check()
    expect(summary).to_contain_text(f"{off_diagonal:,} shown", timeout=30_000)
    n_wrong = _shown(summary.text_content())
    expect(cards).to_have_count(min(48, n_wrong), timeout=30_000)
    expect(cards.first).to_have_class(re.compile("igb-wrong"))
    assert root.locator(".igb-card:not(.igb-wrong)").count() == 0
    expect(root.locator(".igb-card .igb-heat")).to_have_count(min(48, n_wrong), timeout=60_000)
    _screenshots(pg, root, "gallery", 1400)

    # open the third misclassified example: the single-example view computes it
    third = cards.nth(2)
    index = int(third.get_attribute("data-index"))
    third.click()
    bar = root.locator(".igb-detail-bar")
    expect(bar).to_be_visible(timeout=30_000)
    expect(root.locator(".igb-opened")).to_contain_text(f"example #{index}")
    expect(root.locator(".igb-gallery")).to_be_hidden()
    detail = _cell(pg, 1).locator(".igb-detail .igw-root")
    expect(detail.locator(".igw-delta")).to_contain_text("δ", timeout=60_000)
    expect(detail.locator(".igw-settings")).to_contain_text(" 50 steps")
    steps = detail.locator(".igw-steps-number")
    steps.fill("20")
    steps.press("Enter")
    expect(detail.locator(".igw-settings")).to_contain_text(" 20 steps", timeout=60_000)
    detail.scroll_into_view_if_needed()
    pg.screenshot(path=artifact("gallery_open.png"))

    # back: the same page of misclassified examples, the opened card in view, no view left
    root.locator(".igb-back").click()
    expect(root.locator(".igb-gallery")).to_be_visible()
    expect(_cell(pg, 1).locator(".igb-detail .igw-root")).to_have_count(0)
    expect(summary).to_contain_text(f"{n_wrong:,} shown")
    expect(root.locator(f'.igb-card[data-index="{index}"]')).to_be_in_viewport()

    # a confusion cell filters the gallery to that (true, predicted) pair
    i, j, n = max((c for c in cm if c[0] != c[1]), key=lambda c: c[2])
    root.locator(f'.igb-cm-cell[data-true="{i}"][data-pred="{j}"]').click()
    expect(summary).to_contain_text(f"{n:,} shown", timeout=30_000)
    expect(root.locator(".igb-true")).to_have_value(str(i))
    expect(root.locator(".igb-predicted")).to_have_value(str(j))
    expect(cards).to_have_count(min(48, n))
    expect(root.locator(".igb-cm-active")).to_have_count(1)
    root.locator(".igb-clear").click()
    expect(summary).to_contain_text("1,797 shown", timeout=30_000)

    # the narrow layout
    _screenshots(pg, root, "gallery_800", 800)


def test_tabular_and_text_cards_show_names_and_tokens_as_text(lab, page):
    """A tabular DataFrame and token-id rows, with markup in a feature name and a token."""
    pg = page.page
    upload_notebook(lab, "others.ipynb", [c.strip() for c in [SETUP, OTHERS]])
    open_and_run(pg, lab, "others.ipynb", run_timeout=120_000)
    out = _cell(pg, 1)
    tab, txt = out.locator(".igb-root").nth(0), out.locator(".igb-root").nth(1)
    expect(tab.locator(".igb-card")).to_have_count(48, timeout=60_000)
    expect(txt.locator(".igb-card")).to_have_count(48, timeout=60_000)
    expect(tab.locator(".igb-cell-name").filter(has_text=XSS_FEATURE).first).to_be_attached()
    expect(txt.locator(".igb-token").filter(has_text=XSS_TOKEN).first).to_be_attached()
    # padding is left out of the snippet: 7 tokens per card at most
    counts = txt.evaluate(
        """r => [...r.querySelectorAll('.igb-card')]
                 .map(c => c.querySelectorAll('.igb-token').length)"""
    )
    assert max(counts) == 7
    # attribution thumbnails colour the tokens and the features
    expect(txt.locator(".igb-token[style*='background']").first).to_be_attached(timeout=60_000)
    expect(tab.locator(".igb-card .igb-heat")).to_have_count(48, timeout=60_000)
    assert out.locator("img").count() == 0 and out.locator("script").count() == 0
    assert pg.evaluate("() => window.__pwned") is None
    _screenshots(pg, tab, "gallery_tabular", 1400)
    _screenshots(pg, txt, "gallery_text", 1400)
