"""Regenerate the README's widget screenshots in docs/img/.

The README shows the widget as a user meets it, so its pictures are taken the way the
browser tests see it: a private JupyterLab (the browser tests' own server code, from
tests/browser/conftest.py) in headless Chromium at a 1400 px wide window, light theme,
with the quick-start models (example_notebooks/quickstart_models.py). Each picture is
an element screenshot of one widget's root, so no JupyterLab chrome is in it.

    python scripts/readme_screenshots.py            # all pictures
    python scripts/readme_screenshots.py --only image compare_models

Writes docs/img/{image,text,tabular}.png (the first views) and docs/img/explore/*.png
(a pinned comparison, the alpha scrubber, the convergence figure, SmoothGrad and
Expected Gradients with their spread, two models compared). Needs what the browser
tests need: Chromium at /usr/bin/chromium (or $CHROMIUM) and playwright.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.browser.conftest import KERNEL_IDLE, _serve, watch  # noqa: E402
from tests.browser.helpers import CHROMIUM, SENTENCE, TOKEN, write_notebook  # noqa: E402

IMG = ROOT / "docs" / "img"
EXPLORE = IMG / "explore"
WIDTH = 1400
HEIGHT = 2600  # tall enough that the tallest widget (two models compared) needs no scrolling
LONG = 120_000
#: the most bytes a picture may take before it is reduced to a 256-colour palette
MAX_BYTES = 200_000
SECOND = "CNN, seed 1"

SETUP = (
    "from ig_widget import IGWidget\n"
    "from quickstart_models import image_model, tabular_model, text_model\n"
    f"digits, sentiment, cancer = image_model(), text_model({SENTENCE!r}), tabular_model()\n"
    "digits_b = image_model(seed=1)  # the same CNN trained from another seed"
)
IMAGE = "IGWidget(digits.model, digits.image, class_names=digits.class_names)"
TEXT = (
    "IGWidget(sentiment.model, sentiment.ids, tokens=sentiment.tokens,\n"
    "         pad_token_id=sentiment.pad_token_id, class_names=sentiment.class_names)"
)
TABULAR = (
    "IGWidget(cancer.model, cancer.row, feature_names=cancer.feature_names,\n"
    "         class_names=cancer.class_names, background=cancer.background,\n"
    "         baseline='background mean')"
)
TWO = (
    f"IGWidget(digits.model, digits.image, compare_model=({SECOND!r}, digits_b.model),\n"
    "         class_names=digits.class_names)"
)
#: one widget per picture, so no picture depends on what an earlier one changed
WIDGETS = {
    "image": IMAGE,
    "text": TEXT,
    "tabular": TABULAR,
    "compare_image": IMAGE,
    "scrubber_image": IMAGE,
    "convergence": IMAGE,
    "distribution_image": IMAGE,
    "distribution_tabular": TABULAR,
    "compare_models": TWO,
}


def _cell(name: str, code: str) -> str:
    # each cell waits for its widget's first result, so "run all" returns once all are drawn
    return f"w_{name} = {code}\ndisplay(w_{name})\nw_{name}.wait(120)"


# ------------------------------------------------------------------ the pictures
def _expect():
    from playwright.sync_api import expect

    return expect


def _settings_changed(root, before: str) -> None:
    _expect()(root.locator(".igw-compare-current .igw-compare-settings")).not_to_have_text(
        before, timeout=LONG
    )


def first_view(root) -> None:
    """Nothing to do: the widget as it opens."""


def compare_image(root) -> None:
    """Pin the zero-baseline result, switch to the mean-colour baseline: both maps and
    their difference on one colour scale."""
    expect = _expect()
    root.locator(".igw-pin").click()
    expect(root.locator(".igw-compare-card")).to_have_count(2, timeout=LONG)
    before = root.locator(".igw-compare-current .igw-compare-settings").inner_text()
    select = root.locator(".igw-baseline")
    options = select.locator("option").evaluate_all("os => os.map(o => o.value)")
    # "mean colour" rather than "blur": the baseline select labels "blur" as the Blur IG path
    other = "mean colour"
    if other not in options:
        raise SystemExit(f"the image widget offers no {other!r} baseline: {options}")
    select.select_option(other)
    _settings_changed(root, before)
    expect(root.locator(".igw-compare-card[data-pin] canvas.igw-compare-canvas")).to_have_count(2)


def scrubber_image(root) -> None:
    """Move the alpha slider to 0.3: the blended image, gradient x (x - x') and F there."""
    root.locator(".igw-alpha").evaluate(
        "(s) => { s.value = '0.3'; s.dispatchEvent(new Event('input', {bubbles: true}));"
        " s.dispatchEvent(new Event('change', {bubbles: true})); }"
    )
    _expect()(root.locator(".igw-scrub-readout")).to_contain_text("α = 0.30", timeout=LONG)


def convergence(root) -> None:
    """Ask for delta against n_steps for every method."""
    root.locator(".igw-convergence-run").click()
    expect = _expect()
    expect(root.locator(".igw-convergence-summary")).to_contain_text(
        "gradient evaluations", timeout=LONG
    )
    expect(root.locator(".igw-convergence-chart polyline").first).to_be_visible()


def distribution_image(root) -> None:
    """SmoothGrad: the mean map and, beside it, the spread across the noisy samples."""
    expect = _expect()
    root.locator(".igw-distribution").select_option("smoothgrad")
    expect(root.locator(".igw-settings")).to_contain_text("SmoothGrad", timeout=LONG)
    expect(root.locator("canvas.igw-spread-map")).to_be_visible(timeout=LONG)


def distribution_tabular(root) -> None:
    """Expected Gradients over the background rows: bars with whiskers of the spread."""
    expect = _expect()
    root.locator(".igw-distribution").select_option("expected_gradients")
    expect(root.locator(".igw-settings")).to_contain_text("expected gradients", timeout=LONG)
    expect(root.locator(".igw-bar-whisker").first).to_be_visible(timeout=LONG)


def compare_models(root) -> None:
    """Pin the first model's result and explain the second with the same settings."""
    expect = _expect()
    root.locator(".igw-compare-models").click()
    expect(root.locator(".igw-readout .igw-settings")).to_contain_text(
        f"model: {SECOND}", timeout=LONG
    )
    expect(root.locator(".igw-compare-card")).to_have_count(2, timeout=LONG)
    expect(root.locator(".igw-compare-current .igw-compare-title")).to_have_text(
        f"current · {SECOND}", timeout=LONG
    )


SHOTS: dict[str, tuple[Path, Callable]] = {
    "image": (IMG / "image.png", first_view),
    "text": (IMG / "text.png", first_view),
    "tabular": (IMG / "tabular.png", first_view),
    "compare_image": (EXPLORE / "compare_image.png", compare_image),
    "scrubber_image": (EXPLORE / "scrubber_image.png", scrubber_image),
    "convergence": (EXPLORE / "convergence.png", convergence),
    "distribution_image": (EXPLORE / "distribution_image.png", distribution_image),
    "distribution_tabular": (EXPLORE / "distribution_tabular.png", distribution_tabular),
    "compare_models": (EXPLORE / "compare_models.png", compare_models),
}


# ------------------------------------------------------------------ saving
def save_png(data: bytes, path: Path) -> int:
    """Write the screenshot ``data`` to ``path`` as a compact PNG; returns its size.

    Lossless with Pillow's optimiser first; only a picture still above MAX_BYTES is
    reduced to a 256-colour palette (the widget draws few colours besides its maps).
    """
    from PIL import Image

    image = Image.open(io.BytesIO(data)).convert("RGB")
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, optimize=True)
    if path.stat().st_size > MAX_BYTES:
        image.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)
    return path.stat().st_size


# ------------------------------------------------------------------ driving the page
def _open(page, url: str) -> None:
    page.goto(f"{url}/lab/tree/readme.ipynb?reset&token={TOKEN}")
    page.wait_for_function("() => !!window.jupyterapp", timeout=60_000)
    page.evaluate(
        "async () => { await window.jupyterapp.started; await window.jupyterapp.restored; }"
    )
    page.evaluate(
        "() => window.jupyterapp.commands.execute('apputils:change-theme',"
        " {theme: 'JupyterLab Light'})"
    )
    page.wait_for_function("() => document.body.dataset.jpThemeLight === 'true'", timeout=20_000)
    page.wait_for_selector(".jp-NotebookPanel .jp-Notebook", timeout=60_000)
    page.wait_for_function(KERNEL_IDLE, timeout=60_000)
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(KERNEL_IDLE, timeout=600_000)


def take(names: list[str]) -> dict[str, int]:
    """Start JupyterLab and Chromium, run the notebook, take the pictures ``names``."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise SystemExit(f"no Chromium at {CHROMIUM} (apt-get install chromium, or set CHROMIUM)")
    expect = _expect()
    sizes: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="igw-readme-") as tmp:
        base = Path(tmp)
        (base / "root").mkdir()
        cells = [SETUP] + [_cell(n, WIDGETS[n]) for n in names]
        write_notebook(base / "root" / "readme.ipynb", cells)
        flags = [
            "--LabApp.expose_app_in_browser=True",
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.extension_manager=readonly",
        ]
        server = contextlib.contextmanager(_serve)(base, "jupyterlab", flags)
        with server as url, sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=CHROMIUM,
                headless=True,
                args=["--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"],
            )
            page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
            watched = watch(page)
            t0 = time.monotonic()
            _open(page, url)
            for i, name in enumerate(names, start=1):
                root = (
                    page.locator(".jp-Notebook .jp-CodeCell")
                    .nth(i)
                    .locator(".jp-OutputArea .igw-root")
                )
                expect(root.locator(".igw-delta")).to_contain_text("δ", timeout=LONG)
                path, act = SHOTS[name]
                root.scroll_into_view_if_needed()
                act(root)
                page.wait_for_timeout(500)  # charts and canvases settle
                root.scroll_into_view_if_needed()
                sizes[name] = save_png(root.screenshot(), path)
                print(f"{path.relative_to(ROOT)}: {sizes[name] / 1000:.0f} KB")
            print(f"{len(names)} pictures in {time.monotonic() - t0:.0f} s")
            browser.close()
            if watched.errors:
                raise SystemExit("page errors:\n" + "\n".join(watched.errors))
    return sizes


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="+", choices=list(SHOTS), help="take only these")
    args = parser.parse_args(argv)
    take(args.only or list(SHOTS))


if __name__ == "__main__":
    main()
