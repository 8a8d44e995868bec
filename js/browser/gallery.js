// @ts-check
// anywidget entry of IGBrowser's gallery: progress of the prediction pass, controls,
// one page of cards, the confusion matrix and the pager; when an example is open
// (`opened` >= 0) only a bar with "back" shows, and the IGWidget below it does the rest.
// The grid stays in the page while hidden, so "back" lands on the same cards.
import { h, Disposer, frameScheduler, suppressShortcuts } from "../dom.js";
import { createToolbar } from "./toolbar.js";
import { createCardGrid } from "./card-grid.js";
import { createConfusionView } from "./confusion-view.js";
import { onTraits } from "./model-listen.js";
import { className, formatProb, pageLabel, stepPage } from "./lib/cards.js";

/** @typedef {import("./types.js").GalleryRenderContext} GalleryRenderContext */
/** @typedef {import("./types.js").GalleryTraits} GalleryTraits */
/** @typedef {import("./types.js").Card} Card */

/**
 * Draw the gallery into `el`; returns the cleanup that removes it and every listener.
 * @param {GalleryRenderContext} ctx
 * @returns {() => void}
 */
function render({ model, el }) {
  const d = new Disposer();
  /**
   * @template {keyof GalleryTraits} K
   * @param {K} name
   * @param {GalleryTraits[K]} value
   */
  const set = (name, value) => {
    model.set(name, value);
    model.save_changes();
  };

  // status: progress bar while predicting, errors, summary
  const fill = h("div", { class: "igb-progress-fill" });
  const progressLabel = h("span", { class: "igb-progress-label" });
  const progress = h("div", { class: "igb-running" }, [h("div", { class: "igb-progress" }, [fill]), progressLabel]);
  const error = h("div", { class: "igb-error", attrs: { role: "alert" } });
  const summary = h("div", { class: "igb-summary" });
  const note = h("div", { class: "igb-note" });

  const toolbar = createToolbar(model, d);
  const grid = createCardGrid((index) => set("opened", index));
  const confusion = createConfusionView((i, j) => {
    model.set("misclassified", false);
    model.set("true_class", i);
    model.set("predicted_class", j);
    model.save_changes();
  });

  const prev = suppressShortcuts(/** @type {HTMLButtonElement} */ (h("button", { class: "igb-input igb-prev", text: "‹ previous", attrs: { type: "button" } })));
  const next = suppressShortcuts(/** @type {HTMLButtonElement} */ (h("button", { class: "igb-input igb-next", text: "next ›", attrs: { type: "button" } })));
  const pageText = h("span", { class: "igb-page" });
  const pager = h("div", { class: "igb-pager" }, [prev, pageText, next]);
  d.on(prev, "click", () => set("page", stepPage(model.get("page"), -1, model.get("n_pages"))));
  d.on(next, "click", () => set("page", stepPage(model.get("page"), 1, model.get("n_pages"))));

  const gallery = h("div", { class: "igb-gallery" }, [
    toolbar.el,
    h("div", { class: "igb-body" }, [
      h("div", { class: "igb-main" }, [grid.el, pager]),
      h("div", { class: "igb-side" }, [confusion.el, note]),
    ]),
  ]);

  const back = suppressShortcuts(h("button", { class: "igb-input igb-back", text: "← back to gallery", attrs: { type: "button" } }));
  const openedText = h("span", { class: "igb-opened" });
  const detailBar = h("div", { class: "igb-detail-bar" }, [back, openedText]);
  d.on(back, "click", () => set("opened", -1));

  const root = h("div", { class: "igb-root" }, [progress, error, summary, gallery, detailBar]);
  el.append(root);

  /** @type {Card[]} */
  let items = [];
  function drawStatus() {
    const status = model.get("status");
    const p = Number(model.get("progress")) || 0;
    progress.hidden = status !== "predicting";
    fill.style.width = `${Math.round(100 * p)}%`;
    progressLabel.textContent = `predicting… ${Math.round(100 * p)}%`;
    const msg = model.get("error") || "";
    error.textContent = msg;
    error.hidden = msg === "";
    const n = model.get("n_examples");
    const acc = model.get("accuracy");
    const parts = [`${Number(n).toLocaleString("en-US")} examples`];
    if (acc >= 0) parts.push(`accuracy ${formatProb(acc)}`);
    parts.push(`${Number(model.get("n_shown")).toLocaleString("en-US")} shown`);
    summary.textContent = status === "ready" ? parts.join(" · ") : "";
    summary.hidden = status !== "ready";
    note.textContent = model.get("thumb_note") || "";
    gallery.hidden = status !== "ready" || model.get("opened") >= 0;
  }

  function drawPage() {
    items = model.get("_items") || [];
    grid.setItems(items, model.get("class_names") || [], model.get("modality"));
    grid.setAttrs(model.get("_attr_thumbs"));
    const page = model.get("page");
    const nPages = model.get("n_pages");
    pageText.textContent = pageLabel(page, model.get("page_size"), model.get("n_shown"));
    prev.disabled = page <= 0;
    next.disabled = page >= nPages - 1;
  }

  function drawConfusion() {
    confusion.update(model.get("confusion"), model.get("class_names") || [], {
      true_class: model.get("true_class"),
      predicted_class: model.get("predicted_class"),
    });
  }

  let lastOpened = -1;
  function drawOpened() {
    const opened = model.get("opened");
    detailBar.hidden = opened < 0;
    drawStatus();
    if (opened >= 0) {
      lastOpened = opened;
      const card = items.find((c) => c.index === opened);
      const names = model.get("class_names") || [];
      openedText.textContent = card
        ? `example #${opened} · true ${className(names, card.label)} · predicted ${className(names, card.predicted)} (${formatProb(card.prob)})`
        : `example #${opened}`;
    } else if (lastOpened >= 0) {
      const cardEl = grid.cardOf(lastOpened);
      lastOpened = -1;
      if (cardEl) {
        cardEl.scrollIntoView?.({ block: "nearest" });
        cardEl.focus({ preventScroll: true });
      }
    }
  }

  const page = frameScheduler(drawPage);
  d.add(page.cancel);
  const attrs = frameScheduler(() => grid.setAttrs(model.get("_attr_thumbs")));
  d.add(attrs.cancel);

  onTraits(d, model, ["status", "progress", "error", "n_examples", "n_shown", "accuracy", "thumb_note"], drawStatus);
  onTraits(d, model, ["_items", "page", "n_pages", "page_size", "class_names", "modality"], page);
  onTraits(d, model, ["_attr_thumbs"], attrs);
  onTraits(d, model, ["confusion", "class_names", "true_class", "predicted_class"], drawConfusion);
  onTraits(d, model, ["opened"], drawOpened);
  drawStatus();
  drawPage();
  drawConfusion();
  drawOpened();

  return () => {
    d.dispose();
    root.remove();
  };
}

export default { render };
