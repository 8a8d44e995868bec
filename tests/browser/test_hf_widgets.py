"""Hugging Face models, several inputs and a long text in JupyterLab (headless
Chromium): the classifier's tokens and id2label names, a causal LM's next-token list
and the search over its vocabulary, the two-input view, the per-word toggle and a
10,000-token text. Screenshots go to tests/artifacts/hf_*.png."""

from __future__ import annotations

import time

import pytest

from .conftest import open_and_run, watch
from .helpers import artifact, playwright_expect, upload_notebook

pytest.importorskip("transformers")

pytestmark = pytest.mark.browser

CELLS = {
    "setup": (
        "import torch\n"
        "from torch import nn\n"
        "from ig_widget import IGWidget\n"
        "from tests.widget.hf_fixtures import (bpe_tokenizer, distilbert_classifier, gpt2_lm,\n"
        "    wordpiece_tokenizer)\n"
        "tok, btok = wordpiece_tokenizer(), bpe_tokenizer()\n"
        "clf, lm = distilbert_classifier(), gpt2_lm()"
    ),
    "classifier": (
        "w_clf = IGWidget(clf, 'the movie was not good', tokenizer=tok)\n"
        "display(w_clf)\n"
        "w_clf.wait(120)"
    ),
    "causal": (
        "w_lm = IGWidget(lm, 'the capital of franceland is', tokenizer=btok)\n"
        "display(w_lm)\n"
        "w_lm.wait(120)"
    ),
    "generate": (
        "w_gen = IGWidget(lm, 'the capital of france is', tokenizer=btok, generate_steps=3)\n"
        "display(w_gen)\n"
        "w_gen.wait(120)"
    ),
    "vision": (
        "from tests.widget.hf_fixtures import vit_classifier\n"
        "torch.manual_seed(0)\n"
        "w_vit = IGWidget(vit_classifier(), torch.randn(3, 32, 32), mean=[0.5] * 3,\n"
        "                 std=[0.25] * 3)\n"
        "display(w_vit)\n"
        "w_vit.wait(120)"
    ),
    "two_inputs": (
        "class ImageAndFeatures(nn.Module):\n"
        "    def __init__(self):\n"
        "        super().__init__(); torch.manual_seed(0)\n"
        "        self.conv, self.lin = nn.Conv2d(3, 4, 3), nn.Linear(5, 4)\n"
        "        self.out = nn.Linear(8, 3)\n"
        "    def forward(self, image, features):\n"
        "        a = torch.tanh(self.conv(image)).mean((2, 3))\n"
        "        b = torch.tanh(self.lin(features))\n"
        "        return self.out(torch.cat([a, b], 1))\n"
        "torch.manual_seed(1)\n"
        "w_two = IGWidget(ImageAndFeatures().eval(), (torch.rand(3, 24, 24), torch.randn(5)),\n"
        "                 class_names=['cat', 'dog', 'eel'])\n"
        "display(w_two)\n"
        "w_two.wait(120)"
    ),
    "long_text": (
        "class Bag(nn.Module):\n"
        "    def __init__(self):\n"
        "        super().__init__(); torch.manual_seed(0)\n"
        "        self.emb = nn.Embedding(50, 8); self.out = nn.Linear(8, 2)\n"
        "    def forward(self, ids):\n"
        "        return self.out(torch.tanh(self.emb(ids)).mean(1))\n"
        "words = ['alpha', 'beta', 'gamma', 'delta', 'long', 'text', 'view', 'stays', 'smooth']\n"
        "long_ids = torch.arange(10_000) % 50\n"
        "w_long = IGWidget(Bag().eval(), long_ids, n_steps=8,\n"
        "                  tokens=[words[i % len(words)] for i in long_ids.tolist()])\n"
        "display(w_long)\n"
        "w_long.wait(300)"
    ),
}
INDEX = {name: i for i, name in enumerate(CELLS)}
NEXT_FRAMES = "() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))"


@pytest.fixture(scope="module")
def hf_page(browser, lab):
    expect = playwright_expect()
    upload_notebook(lab, "hf_widgets.ipynb", CELLS.values())
    pg = browser.new_page(viewport={"width": 1280, "height": 1000})
    w = watch(pg)
    open_and_run(pg, lab, "hf_widgets.ipynb", run_timeout=300_000)
    for name in list(CELLS)[1:]:
        expect(_out(pg, name).locator(".igw-delta")).to_contain_text("δ", timeout=120_000)
    yield w
    pg.close()
    assert not w.errors, f"page errors: {w.errors}"


def _out(pg, name: str):
    return (
        pg.locator(".jp-Notebook .jp-CodeCell").nth(INDEX[name]).locator(".jp-OutputArea .igw-root")
    )


def test_hf_classifier_shows_tokens_and_id2label(hf_page):
    pg = hf_page.page
    root = _out(pg, "classifier")
    root.scroll_into_view_if_needed()
    texts = root.locator(".igw-token").all_text_contents()
    assert texts == ["[CLS]", "the", "movie", "was", "not", "good", "[SEP]"]
    options = root.locator("select.igw-target option").all_text_contents()
    assert sorted(o.split(" (")[0] for o in options) == ["NEGATIVE", "POSITIVE"]
    assert all(o.endswith("%)") for o in options)
    root.screenshot(path=artifact("hf_classifier.png"))


def test_causal_lm_lists_next_tokens_and_finds_any_token(hf_page):
    expect = playwright_expect()
    pg = hf_page.page
    root = _out(pg, "causal")
    root.scroll_into_view_if_needed()
    options = root.locator("select.igw-target option").all_text_contents()
    assert len(options) == 10 and all("%" in o for o in options)
    search = root.locator(".igw-target-search")
    assert search.is_visible()
    search.fill("paris")
    matches = root.locator(".igw-target-match")
    expect(matches.first).to_contain_text('" paris"')
    root.screenshot(path=artifact("hf_causal_lm_search.png"))
    search.press("Enter")
    expect(root.locator(".igw-readout-target")).to_contain_text("paris", timeout=60_000)
    # per word: the BPE pieces of "franceland" become one word
    n_tokens = root.locator(".igw-token").count()
    root.locator(".igw-words").check()
    words = root.locator(".igw-token").all_text_contents()
    assert len(words) < n_tokens and "franceland" in words
    root.screenshot(path=artifact("hf_causal_lm.png"))
    root.locator(".igw-words").uncheck()


def test_generated_tokens_each_explained(hf_page):
    expect = playwright_expect()
    pg = hf_page.page
    root = _out(pg, "generate")
    root.scroll_into_view_if_needed()
    steps = root.locator("select.igw-gen-step")
    assert steps.is_visible()
    assert steps.locator("option").count() == 3
    token_id = steps.locator("option").nth(2).text_content().rsplit("#", 1)[1]
    steps.select_option("2")
    expect(root.locator(".igw-readout-target")).to_contain_text(f"(#{token_id})", timeout=60_000)
    root.screenshot(path=artifact("hf_generate_steps.png"))


def test_vision_target_search_reaches_every_class(hf_page):
    expect = playwright_expect()
    pg = hf_page.page
    root = _out(pg, "vision")
    root.scroll_into_view_if_needed()
    assert root.locator("select.igw-target option").count() == 5
    search = root.locator(".igw-target-search")
    search.fill("LABEL_999")
    expect(root.locator(".igw-target-match").first).to_contain_text("LABEL_999")
    search.press("Enter")
    expect(root.locator(".igw-readout-target")).to_contain_text("LABEL_999 (#999)", timeout=60_000)


def test_two_inputs_one_panel_each(hf_page):
    pg = hf_page.page
    root = _out(pg, "two_inputs")
    root.scroll_into_view_if_needed()
    panels = root.locator(".igw-multi-panel")
    assert panels.count() == 2
    assert panels.nth(0).locator("canvas").count() >= 1
    assert panels.nth(1).locator(".igw-bar-fill").count() == 5
    shares = root.locator(".igw-multi-share").all_text_contents()
    assert all("% of |attribution|" in s for s in shares)
    assert [t for t in root.locator(".igw-multi-name").all_text_contents()] == [
        "input 0",
        "input 1",
    ]
    root.screenshot(path=artifact("hf_two_inputs.png"))


def test_ten_thousand_tokens_wrap_and_scroll(hf_page):
    pg = hf_page.page
    root = _out(pg, "long_text")
    root.scroll_into_view_if_needed()
    box = root.locator(".igw-tokens")
    assert root.locator(".igw-token").count() == 10_000
    size = box.evaluate(
        "(e) => ({sw: e.scrollWidth, cw: e.clientWidth, sh: e.scrollHeight, ch: e.clientHeight})"
    )
    assert size["sw"] <= size["cw"] + 1, size  # lines wrap: no horizontal scrolling
    assert size["sh"] > size["ch"], size  # the box scrolls instead of growing the page
    # a display-only redraw of 10,000 spans: a figure, not a goal
    t0 = time.monotonic()
    root.locator("select.igw-sign").select_option("absolute")
    pg.evaluate(NEXT_FRAMES)
    print(f"\n[hf] 10,000-token sign change redrawn within {time.monotonic() - t0:.2f} s")
    root.screenshot(path=artifact("hf_long_text.png"))
