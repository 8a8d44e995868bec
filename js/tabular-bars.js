// @ts-check
// Tabular view: one row per feature (name, input value, signed bar around a
// zero axis, number), ranked by |attribution|, top_k shown. Bars share one
// scale, the largest |attr| of all features, so changing top_k never rescales.
import { h } from "./dom.js";
import { linearMap, lutIndex, rgbAt, cssRgb } from "./lib/colormap.js";
import { topByMagnitude } from "./lib/scale.js";
import { formatValue, formatSigned } from "./lib/format.js";
import { barsFooter } from "./lib/labels.js";
import { spreadCaption, whisker, withSpread } from "./lib/spread.js";

// Near (not at) the LUT ends: the extreme entries of e.g. RdBu are almost black.
const END = 0.8;

/** @typedef {import("./types.js").Payload} Payload */
/** @typedef {import("./types.js").View} View */

/**
 * Rows to show for a sign mode: positive/negative keep only that sign.
 * @param {ArrayLike<number>} attr
 * @param {string} mode
 * @returns {number[]}
 */
function candidates(attr, mode) {
  /** @type {(v: number) => boolean} */
  const keep = mode === "positive" ? (v) => v > 0 : mode === "negative" ? (v) => v < 0 : () => true;
  const idx = [];
  for (let i = 0; i < attr.length; i++) if (keep(attr[i])) idx.push(i);
  return idx;
}

/** @returns {View} */
export function createTabularView() {
  const rows = h("div", { class: "igw-bars" });
  const foot = h("div", { class: "igw-bars-foot" });
  const head = h("div", { class: "igw-bars-head" }, ["feature", "value", "attribution", ""].map((t) => h("span", { text: t })));
  // An averaged result (Expected Gradients, SmoothGrad): a whisker of ± one standard
  // deviation across samples on every bar, and the spread beside the number.
  const spreadNote = h("div", { class: "igw-spread-caption" });
  spreadNote.hidden = true;
  const el = h("div", { class: "igw-view igw-tabular-view" }, [head, rows, foot, spreadNote]);
  /** @type {(Payload & {names: string[]}) | null} */
  let p = null;
  let maxAbs = 0;

  return {
    el,
    setData(payload) {
      const q = { ...payload, names: payload.names ?? [] };
      p = q;
      maxAbs = 0;
      for (const v of q.attr) if (Math.abs(v) > maxAbs) maxAbs = Math.abs(v);
      spreadNote.hidden = !q.spread;
      el.classList.toggle("igw-with-spread", Boolean(q.spread));
      spreadNote.textContent = q.spread ? `${spreadCaption(q.readout.spreadDetail ?? "")}; whiskers: mean ± one std` : "";
    },
    draw(display, cmap) {
      const q = p;
      if (!q) return;
      const mode = display.sign;
      const oneSided = mode === "absolute";
      const signed = linearMap(cmap.kind, "signed", 1);
      const pos = cssRgb(rgbAt(cmap.lut, lutIndex(signed, END)));
      const neg = cssRgb(rgbAt(cmap.lut, lutIndex(signed, -END)));
      const pool = candidates(q.attr, mode);
      const sub = Float64Array.from(pool, (i) => q.attr[i]);
      const k = Math.max(1, Math.floor(Number(display.top_k) || 1));
      const shown = topByMagnitude(sub, k).map((j) => pool[j]);
      rows.classList.toggle("igw-bars-onesided", oneSided);
      rows.replaceChildren(...shown.map((i) => {
        const a = q.attr[i];
        const frac = maxAbs > 0 && Number.isFinite(a) ? Math.abs(a) / maxAbs : 0;
        const fill = h("div", { class: `igw-bar-fill ${a < 0 ? "igw-bar-neg" : "igw-bar-pos"}` });
        fill.style.width = `${(frac * (oneSided ? 100 : 50)).toFixed(2)}%`;
        // Signed: grow left or right from the centre axis; absolute: from the left edge.
        if (oneSided) fill.style.left = "0";
        else if (a < 0) fill.style.right = "50%";
        else fill.style.left = "50%";
        fill.style.backgroundColor = a < 0 ? neg : pos;
        const name = q.names[i];
        const value = q.values ? formatValue(q.values[i]) : "";
        const sd = q.spread ? q.spread[i] : null;
        const w = sd == null ? null : whisker(a, sd, maxAbs, oneSided);
        const whiskerEl = w ? h("div", { class: "igw-bar-whisker", style: { left: `${w.left.toFixed(2)}%`, width: `${w.width.toFixed(2)}%` } }) : null;
        const row = h("div", { class: "igw-bar", attrs: { "data-index": i } }, [
          h("span", { class: "igw-bar-name", text: name, attrs: { title: name } }),
          h("span", { class: "igw-bar-input", text: value }),
          h("div", { class: "igw-bar-track" }, [h("div", { class: "igw-bar-axis" }), fill, whiskerEl]),
          h("span", { class: "igw-bar-value", text: withSpread(a, sd, 3) }),
        ]);
        row.title = `${name} = ${value}: attribution ${withSpread(a, sd, 4)}`;
        return row;
      }));
      // What the hidden rows add up to, so the shown bars are not mistaken for the total.
      let rest = 0;
      const shownSet = new Set(shown);
      for (let i = 0; i < q.attr.length; i++) if (!shownSet.has(i)) rest += q.attr[i];
      foot.textContent = barsFooter({ shown: shown.length, pool: pool.length, total: q.attr.length, mode, rest, restCount: q.attr.length - shown.length }, formatSigned);
    },
    destroy() {},
  };
}
