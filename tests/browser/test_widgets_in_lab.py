"""What a person sees in JupyterLab: each modality draws, the steps control recomputes,
markup in tokens and feature names stays text, and display-only controls redraw without
asking the kernel.

Timings are printed (run with -s), never asserted: they depend on the machine.
"""

from __future__ import annotations

import pytest

from ig_widget import __version__
from ig_widget.widget import MAX_STEPS

from .helpers import (
    XSS_FEATURE,
    XSS_TOKEN,
    artifact,
    canvas_colours,
    log_slider_position,
    playwright_expect,
    tokens_of,
)

expect = playwright_expect()

pytestmark = pytest.mark.browser


def test_each_modality_draws(notebook):
    notebook.page.screenshot(path=artifact("lab_notebook.png"))
    # image: the canvas holds the input blended with a heatmap, not a blank rectangle
    image = notebook.output("image")
    canvas = image.locator("canvas.igw-heatmap")
    expect(canvas).to_be_visible()
    info = canvas_colours(canvas)
    assert info["width"] == info["height"] == 16, info
    assert info["distinct"] >= 8, f"canvas looks blank: {info}"
    image.scroll_into_view_if_needed()
    image.screenshot(path=artifact("lab_image_widget.png"))

    # text: one span per token, in reading order
    text = notebook.output("text")
    expected = tokens_of()
    assert text.locator(".igw-token").all_inner_texts() == expected
    assert text.locator(".igw-tokens").inner_text().split() == expected
    text.scroll_into_view_if_needed()
    text.screenshot(path=artifact("lab_text_widget.png"))

    # tabular: one bar per shown feature (top_k of 30), ranked by |attribution|
    tab = notebook.output("tabular")
    top_k = int(tab.locator(".igw-topk").input_value())
    assert top_k == 10
    bars = tab.locator(".igw-bar")
    expect(bars).to_have_count(top_k)
    shown = tab.locator(".igw-bar-value").all_inner_texts()
    values = [abs(float(v.replace("−", "-"))) for v in shown]
    assert values == sorted(values, reverse=True), values
    names = tab.locator(".igw-bar-name").all_inner_texts()
    assert len(set(names)) == top_k and all(names), names
    tab.scroll_into_view_if_needed()
    tab.screenshot(path=artifact("lab_tabular_widget.png"))

    # the steps limit and the version come from the kernel's traits, not from copies in
    # the front end
    for name in ("image", "text", "tabular"):
        out = notebook.output(name)
        expect(out.locator(".igw-steps-number")).to_have_attribute("max", str(MAX_STEPS))
        expect(out).to_have_attribute("data-version", __version__)  # out is .igw-root


def _time_steps_change(notebook, name: str, steps: int, how: str = "fill"):
    """Move `name`'s steps slider to `steps`; return (ms input -> first new delta text,
    ms input -> the readout showing `steps`, old delta text, new delta text)."""
    page = notebook.page
    root = notebook.output(name)
    slider = root.locator(".igw-steps")
    root.scroll_into_view_if_needed()
    root.evaluate(
        """(root, want) => {
          const slider = root.querySelector('.igw-steps');
          const delta = root.querySelector('.igw-delta');
          const settings = root.querySelector('.igw-settings');
          const rec = {before: delta.textContent, t0: null, first: null, done: null, text: null};
          window.__igwRec = rec;
          const start = () => { if (rec.t0 === null) rec.t0 = performance.now(); };
          slider.addEventListener('input', start, {capture: true});
          const check = () => {
            if (rec.t0 === null) return;
            const now = performance.now();
            if (rec.first === null && delta.textContent !== rec.before) rec.first = now - rec.t0;
            if (rec.done === null && delta.textContent !== rec.before &&
                settings.textContent.includes(want === 1 ? ' 1 step ' : ` ${want} steps`)) {
              rec.done = now - rec.t0;
              rec.text = delta.textContent;
              obs.disconnect();
            }
          };
          const obs = new MutationObserver(check);
          obs.observe(root, {subtree: true, childList: true, characterData: true});
        }""",
        steps,
    )
    if how == "fill":
        slider.fill(str(log_slider_position(steps)))
    else:  # a real key press on the focused slider
        slider.focus()
        page.keyboard.press(how)
    page.wait_for_function("() => window.__igwRec.done !== null", timeout=60_000)
    rec = page.evaluate("() => window.__igwRec")
    expect(root.locator(".igw-steps-number")).to_have_value(str(steps))
    return rec["first"], rec["done"], rec["before"], rec["text"]


def test_steps_control_recomputes_delta(notebook):
    sent_before = notebook.w.comm_msgs_sent()
    timings = []
    for name in ("image", "text", "tabular"):
        for what, steps, how in [
            ("slider 50 -> 3 steps", 3, "fill"),
            # a real key on the focused slider: JupyterLab must not eat it
            ("key Home -> 1 step", 1, "Home"),
            # > 8 steps: a coarse 8-step result first, then the full one
            ("slider 1 -> 200 steps", 200, "fill"),
        ]:
            first, done, old, new = _time_steps_change(notebook, name, steps, how)
            assert new != old, (name, what, old, new)
            timings.append((name, what, first, done, old, new))
    # the slider really talked to the kernel (this is what test 4 checks is absent)
    assert notebook.w.comm_msgs_sent() > sent_before
    print(
        "\n[timing] steps control change -> new delta shown"
        " (a release or key sends at once; drags are debounced)"
    )
    for name, what, first, done, old, new in timings:
        print(
            f"[timing]   {name:<8} {what:<22} first new delta {first:7.0f} ms, "
            f"final {done:7.0f} ms   ({old} -> {new})"
        )
    notebook.output("image").screenshot(path=artifact("lab_image_after_steps.png"))


def test_markup_in_tokens_and_feature_names_is_text(notebook):
    page = notebook.page
    text = notebook.output("xss_text")
    tokens = text.locator(".igw-token")
    expect(tokens.nth(1)).to_have_text(XSS_TOKEN)
    assert XSS_TOKEN in text.locator(".igw-tokens").inner_text()
    tab = notebook.output("xss_tabular")
    expect(tab.locator(".igw-bar")).to_have_count(30)
    assert XSS_FEATURE in tab.locator(".igw-bars").inner_text()
    expect(tab.locator(".igw-bar-name", has_text="__pwned")).to_have_text(XSS_FEATURE)
    # hovering the token writes it into the hover line: still text
    tokens.nth(1).hover()
    expect(text.locator(".igw-text-hover")).to_contain_text(XSS_TOKEN)
    page.wait_for_timeout(300)  # give an injected onerror handler time to fire
    assert page.locator("img[src='x']").count() == 0
    assert page.locator(".jp-OutputArea img").count() == 0
    assert page.evaluate("() => typeof window.__pwned") == "undefined"
    assert (
        page.evaluate(
            "() => [...document.scripts].filter(s => s.textContent.includes('__pwned')).length"
        )
        == 0
    )
    assert notebook.w.dialogs == []
    text.scroll_into_view_if_needed()
    text.screenshot(path=artifact("lab_xss_text_widget.png"))
    tab.scroll_into_view_if_needed()
    tab.screenshot(path=artifact("lab_xss_tabular_widget.png"))


REDRAW = """async (root, [selector, value]) => {
  const sel = root.querySelector(selector);
  const canvas = root.querySelector('canvas.igw-heatmap');
  const before = canvas.toDataURL();
  const t0 = performance.now();
  sel.value = value;
  sel.dispatchEvent(new Event('change', {bubbles: true}));
  const tSync = performance.now() - t0;
  for (let frames = 1; frames < 300; frames++) {
    await new Promise((r) => requestAnimationFrame(r));
    if (canvas.toDataURL() !== before) return {ms: performance.now() - t0, frames, sync: tSync};
  }
  return {ms: null, frames: 300, sync: tSync};
}"""


def test_display_only_change_redraws_without_kernel(notebook):
    page = notebook.page
    page.wait_for_timeout(500)  # let anything still in flight from earlier tests go out
    sent_before = notebook.w.comm_msgs_sent()
    results = []
    for name in ("image", "large_image"):  # 16x16 digits and a 224x224 RGB image
        image = notebook.output(name)
        image.scroll_into_view_if_needed()
        for selector, value in [
            (".igw-sign", "absolute"),
            (".igw-colormap", "viridis"),
            (".igw-sign", "signed"),
            (".igw-colormap", "RdBu_r"),
        ]:
            before = canvas_colours(image.locator("canvas.igw-heatmap"))["digest"]
            r = image.evaluate(REDRAW, [selector, value])
            assert r["ms"] is not None, f"{name} {selector}={value}: the canvas never changed"
            after = canvas_colours(image.locator("canvas.igw-heatmap"))["digest"]
            assert after != before
            results.append((name, selector, value, r))
            if value == "viridis" and name == "image":
                image.screenshot(path=artifact("lab_image_absolute_viridis.png"))
    page.wait_for_timeout(1000)  # a message, had one been sent, would be out by now
    sent = notebook.w.comm_msgs_sent() - sent_before
    assert sent == 0, f"{sent} comm message(s) went to the kernel for a display-only change"
    size = canvas_colours(notebook.output("large_image").locator("canvas.igw-heatmap"))
    assert (size["width"], size["height"]) == (224, 224)
    print("\n[timing] display-only change -> canvas redrawn (no kernel round trip)")
    for name, selector, value, r in results:
        print(
            f"[timing]   {name:<12} {selector + '=' + value:<22} {r['ms']:6.1f} ms "
            f"({r['frames']} animation frame(s); change handler {r['sync']:.2f} ms)"
        )
    image = notebook.output("image")
    # the display control kept its value and the kernel's trait did not move
    expect(image.locator(".igw-colormap")).to_have_value("RdBu_r")
