// @ts-check
// The grid of example cards for one page: an image thumbnail, the first tokens or a
// compact feature row, the true and predicted class; attribution thumbnails are
// drawn into the cards as they arrive. All text goes in through textContent.
import { h, suppressShortcuts } from "../dom.js";
import { decodeArray } from "../lib/codec.js";
import { cardText } from "./lib/cards.js";
import { heatPixels, heatCss } from "./lib/heat.js";

/** @typedef {import("../types.js").ArrayRecord} ArrayRecord */
/** @typedef {import("./types.js").Card} Card */
/** @typedef {import("./types.js").Kind} Kind */

/**
 * One card on the page: its element and how to draw its attribution thumbnail.
 * @typedef {object} CardView
 * @property {HTMLElement} el
 * @property {(rec: ArrayRecord) => void} setAttr
 */

/**
 * The grid of one page's cards (`createCardGrid`).
 * @typedef {object} CardGrid
 * @property {HTMLElement} el
 * @property {(items: Card[] | null | undefined, names: string[], kind: Kind | "") => void} setItems
 * @property {(attrs: Record<string, ArrayRecord> | null | undefined) => void} setAttrs
 * @property {(index: number) => HTMLElement | null} cardOf
 */

/** Opacity of attribution colours behind text (tokens, feature rows). */
const TEXT_HEAT = 0.5;

/**
 * A canvas showing an RGBA (H, W, 4) uint8 image record.
 * @param {ArrayRecord} rec
 * @param {string} cls
 * @returns {HTMLCanvasElement}
 */
function imageCanvas(rec, cls) {
  const { shape, array } = decodeArray(rec);
  const [height, width] = shape;
  const canvas = /** @type {HTMLCanvasElement} */ (h("canvas", { class: cls, attrs: { width, height } }));
  const ctx = canvas.getContext("2d");
  if (ctx) {
    const data = array instanceof Uint8ClampedArray ? array : new Uint8ClampedArray(array.buffer, array.byteOffset, array.length);
    ctx.putImageData(new ImageData(data.slice(), width, height), 0, 0);
  }
  return canvas;
}

/**
 * A canvas showing an attribution record in [-1, 1]: (H, W) as an image, (n,) as a strip.
 * @param {ArrayRecord} rec
 * @returns {HTMLCanvasElement}
 */
function heatCanvas(rec) {
  const { shape, array } = decodeArray(rec);
  const [height, width] = shape.length === 2 ? shape : [1, shape[0]];
  const canvas = /** @type {HTMLCanvasElement} */ (h("canvas", { class: "igb-heat", attrs: { width, height } }));
  const ctx = canvas.getContext("2d");
  if (ctx) ctx.putImageData(new ImageData(heatPixels(array), width, height), 0, 0);
  return canvas;
}

/**
 * One card element for an `_items` entry.
 * @param {Card} card
 * @param {string[]} names
 * @param {Kind | ""} kind
 * @param {(index: number) => void} onOpen
 * @returns {CardView}
 */
function buildCard(card, names, kind, onOpen) {
  const t = cardText(card, names);
  const el = suppressShortcuts(h("div", {
    class: `igb-card${t.wrong ? " igb-wrong" : ""}`,
    attrs: { tabindex: "0", role: "button", title: t.tip, "data-index": card.index, "aria-label": t.tip },
  }));
  const visual = h("div", { class: "igb-visual" });
  /** @type {HTMLElement[] | null} */
  let tokenSpans = null;
  /** @type {HTMLElement[] | null} */
  let cellEls = null;
  if (kind === "image" && card.thumb) {
    visual.append(imageCanvas(card.thumb, "igb-thumb"));
  } else if (kind === "text") {
    tokenSpans = (card.tokens || []).map((tok) => h("span", { class: "igb-token", text: tok }));
    visual.append(h("div", { class: "igb-text" }, tokenSpans));
  } else if (kind === "tabular") {
    cellEls = (card.cells || []).map(([name, value]) =>
      h("div", { class: "igb-cell" }, [
        h("span", { class: "igb-cell-name", text: name }),
        h("span", { class: "igb-cell-value", text: value }),
      ]));
    visual.append(h("div", { class: "igb-cells" }, cellEls));
  }
  const caption = h("div", { class: "igb-caption" }, [
    h("span", { class: "igb-index", text: t.title }),
    t.truth ? h("span", { class: "igb-truth", text: t.truth, attrs: { title: "true class" } }) : null,
    h("span", { class: "igb-pred", text: t.pred, attrs: { title: "predicted class and its probability" } }),
  ]);
  el.append(visual, caption);
  const open = () => onOpen(card.index);
  el.addEventListener("click", open);
  el.addEventListener("keydown", (e) => {
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      open();
    }
  });

  /**
   * Draw this card's attribution thumbnail (array record in [-1, 1]).
   * @param {ArrayRecord} rec
   */
  function setAttr(rec) {
    if (kind === "image") {
      visual.querySelector(".igb-heat")?.remove();
      visual.append(heatCanvas(rec));
    } else if (kind === "text" && tokenSpans) {
      const { array } = decodeArray(rec);
      tokenSpans.forEach((span, i) => {
        span.style.background = i < array.length ? heatCss(array[i], TEXT_HEAT) : "";
      });
    } else if (kind === "tabular") {
      const { array } = decodeArray(rec);
      (cellEls || []).forEach((cell, i) => {
        cell.style.background = i < array.length ? heatCss(array[i], TEXT_HEAT) : "";
      });
      visual.querySelector(".igb-heat")?.remove();
      visual.append(heatCanvas(rec));
    }
  }
  return { el, setAttr };
}

/**
 * @param {(index: number) => void} onOpen called with the example index of a clicked card
 * @returns {CardGrid}
 */
export function createCardGrid(onOpen) {
  const el = h("div", { class: "igb-grid", attrs: { role: "list" } });
  /** @type {Map<string, CardView>} */
  let cards = new Map();
  /** @type {Set<string>} */
  let drawn = new Set();

  /** @type {CardGrid["setItems"]} */
  function setItems(items, names, kind) {
    cards = new Map();
    drawn = new Set();
    /** @type {HTMLElement[]} */
    const els = [];
    for (const card of items || []) {
      const c = buildCard(card, names, kind, onOpen);
      cards.set(String(card.index), c);
      els.push(c.el);
    }
    el.replaceChildren(...els);
    if (!els.length) el.append(h("div", { class: "igb-none", text: "No example matches these filters." }));
  }

  /** @type {CardGrid["setAttrs"]} */
  function setAttrs(attrs) {
    for (const [key, rec] of Object.entries(attrs || {})) {
      const c = cards.get(key);
      if (c && !drawn.has(key)) {
        c.setAttr(rec);
        drawn.add(key);
      }
    }
  }

  /**
   * The card element of example `index`, if on this page.
   * @type {CardGrid["cardOf"]}
   */
  function cardOf(index) {
    return cards.get(String(index))?.el ?? null;
  }

  return { el, setItems, setAttrs, cardOf };
}
