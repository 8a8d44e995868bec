// @ts-check
// Compare: the current result beside pinned ones, all on one colour scale (the
// largest |attribution| among them), each with its settings and delta, and per pin
// what changed: a difference map (images), difference highlights (tokens) or paired
// bars (tabular). Pins live in the kernel's synced `pins` trait (saved with the
// notebook); the buttons send "pin" / "unpin" messages and the kernel edits the list.
// With two models (compare_model=) each card's title names the model that computed
// it, and "compare models" pins the current result and explains the other model.
import { h, suppressShortcuts } from "./dom.js";
import { decodeArray } from "./lib/codec.js";
import { linearMap, lutIndex, rgbAt, cssRgb, textColorOn, resolveColormap } from "./lib/colormap.js";
import { blendHeatmap } from "./lib/raster.js";
import { commonClip, difference, pairedRows, relativeChange } from "./lib/compare.js";
import { settingsText } from "./lib/labels.js";
import { formatDelta, formatNumber, formatShare, formatSigned } from "./lib/format.js";
import { deltaQuality } from "./lib/quality.js";

/** @typedef {import("./types.js").Model} Model */
/** @typedef {import("./types.js").Payload} Payload */
/** @typedef {import("./types.js").RawPin} RawPin */
/** @typedef {import("./types.js").Colormap} Colormap */
/** @typedef {import("./types.js").LinearMap} LinearMap */
/** @typedef {import("./types.js").NumArray} NumArray */

const PAIRED_ROWS = 8;

/**
 * What a card says about one result: settings line and delta (its model is in the title).
 * @param {{output: number, baselineOutput: number, delta: number, target: number | null, targetLabel: string,
 *   method: string, nSteps: number | null, baseline: string, path: string, pathDetail: string, model?: string}} r
 */
function describe(r) {
  const q = deltaQuality(r.delta, r.output, r.baselineOutput);
  const err = Number.isFinite(q.rel) ? ` (error ${formatShare(q.rel)})` : "";
  const target = r.targetLabel && r.targetLabel !== String(r.target) ? r.targetLabel : `class ${r.target}`;
  return { settings: `${settingsText({ ...r, model: "" })} · target: ${target}`, delta: `${formatDelta(r.delta)}${err}`, level: q.level };
}

/**
 * A card's title: "current" or "pin #3", then the model's label when there are two models.
 * @param {string} name
 * @param {string | undefined} modelLabel
 */
const titleText = (name, modelLabel) => (modelLabel ? `${name} · ${modelLabel}` : name);

/**
 * A pin's readout in the front end's names.
 * @param {RawPin} pin
 */
function pinReadout(pin) {
  const r = pin.readout ?? {};
  return {
    output: Number(r.output), baselineOutput: Number(r.baseline_output), delta: Number(r.delta),
    target: r.target == null ? null : Number(r.target), targetLabel: String(r.target_label ?? ""),
    method: String(r.method ?? ""), nSteps: r.n_steps == null ? null : Number(r.n_steps),
    baseline: String(r.baseline ?? ""), path: String(r.path ?? ""), pathDetail: String(r.path_detail ?? ""),
    model: String(r.model ?? ""),
  };
}

/**
 * An image map as a canvas: values coloured on the shared scale (no input under it).
 * @param {NumArray} values
 * @param {number} width
 * @param {number} height
 * @param {Colormap} cmap
 * @param {LinearMap} map
 * @param {string} label
 */
function imageMap(values, width, height, cmap, map, label) {
  const canvas = /** @type {HTMLCanvasElement} */ (h("canvas", { class: "igw-compare-canvas", attrs: { width, height, role: "img", "aria-label": label } }));
  const px = new ImageData(width, height);
  blendHeatmap(values, null, cmap.lut, map, 1, px.data);
  canvas.getContext("2d")?.putImageData(px, 0, 0);
  return h("figure", { class: "igw-compare-figure" }, [canvas, h("figcaption", { text: label })]);
}

/**
 * Tokens coloured on the shared scale (text only: tokens are untrusted).
 * @param {NumArray} values
 * @param {string[]} tokens
 * @param {Colormap} cmap
 * @param {LinearMap} map
 * @param {string} label
 */
function tokenMap(values, tokens, cmap, map, label) {
  const row = h("div", { class: "igw-compare-tokens", attrs: { "aria-label": label } });
  tokens.forEach((t, i) => {
    if (i > 0) row.append(document.createTextNode(" "));
    const rgb = rgbAt(cmap.lut, lutIndex(map, values[i]));
    const span = h("span", { class: "igw-compare-token", text: t, attrs: { title: `${t}: ${formatSigned(values[i], 4)}` } });
    span.style.backgroundColor = cssRgb(rgb);
    span.style.color = textColorOn(rgb);
    row.append(span);
  });
  return h("figure", { class: "igw-compare-figure" }, [row, h("figcaption", { text: label })]);
}

/**
 * Paired bars: for each feature, the current value and the pin's, on one scale.
 * @param {NumArray} cur
 * @param {NumArray} pin
 * @param {string[]} names
 * @param {number} clip
 * @param {string} pos
 * @param {string} neg
 */
function pairedBars(cur, pin, names, clip, pos, neg) {
  const rows = pairedRows(cur, pin, PAIRED_ROWS).map((i) => {
    const bar = (/** @type {number} */ v, /** @type {string} */ cls) => {
      const fill = h("div", { class: `igw-pair-fill ${cls}` });
      const frac = clip > 0 && Number.isFinite(v) ? Math.min(1, Math.abs(v) / clip) : 0;
      fill.style.width = `${(frac * 50).toFixed(2)}%`;
      if (v < 0) fill.style.right = "50%";
      else fill.style.left = "50%";
      fill.style.backgroundColor = v < 0 ? neg : pos;
      return h("div", { class: "igw-pair-track" }, [h("div", { class: "igw-bar-axis" }), fill]);
    };
    return h("div", { class: "igw-pair", attrs: { "data-index": i } }, [
      h("span", { class: "igw-pair-name", text: names[i] ?? String(i), attrs: { title: names[i] ?? "" } }),
      h("div", { class: "igw-pair-bars" }, [bar(cur[i], "igw-pair-now"), bar(pin[i], "igw-pair-pin")]),
      h("span", { class: "igw-pair-values", text: `${formatSigned(cur[i], 3)} / ${formatSigned(pin[i], 3)}` }),
    ]);
  });
  return h("div", { class: "igw-compare-pairs" }, [
    h("div", { class: "igw-pair-legend", text: "upper bar: current · lower bar: pinned" }),
    ...rows,
  ]);
}

/**
 * @param {Model} model
 * @param {import("./dom.js").Disposer} d
 */
export function createCompareView(model, d) {
  const pinButton = suppressShortcuts(/** @type {HTMLButtonElement} */ (h("button", { class: "igw-button igw-pin", text: "Pin this result", attrs: { type: "button" } })));
  const swap = suppressShortcuts(/** @type {HTMLButtonElement} */ (h("button", { class: "igw-button igw-compare-models", attrs: { type: "button" } })));
  const hint = h("span", { class: "igw-compare-hint" });
  const caption = h("div", { class: "igw-compare-caption" });
  const cards = h("div", { class: "igw-compare-cards" });
  const el = h("section", { class: "igw-compare", attrs: { "aria-label": "compare pinned results" } }, [
    h("div", { class: "igw-compare-head" }, [h("span", { class: "igw-panel-title", text: "Compare" }), pinButton, swap, hint]),
    caption,
    cards,
  ]);
  /** @type {Payload | null} */
  let current = null;

  d.on(pinButton, "click", () => model.send({ type: "pin" }));
  d.on(swap, "click", () => model.send({ type: "compare_models" }));

  function draw() {
    const pins = Array.isArray(model.get("pins")) ? model.get("pins") : [];
    const labels = model.get("model_labels") ?? {};
    const other = labels[model.get("model_choice") === "main" ? "compare" : "main"];
    swap.hidden = !other;
    swap.textContent = other ? `Pin and explain ${other}` : "";
    swap.title = other ? `pin this result, then compute the same settings on the model ${other}` : "";
    pinButton.disabled = swap.disabled = !current;
    hint.textContent = pins.length
      ? `${pins.length} pinned · change a setting${other ? " or the model" : ""} to compare`
      : `pin a result, change the ${other ? "model, " : ""}baseline, steps, method, path or target, and see both here`;
    cards.replaceChildren();
    caption.textContent = "";
    if (!current || !pins.length) return;
    const cur = current;
    const decoded = pins.map((p) => ({ pin: p, attr: decodeArray(p.attr).array, r: pinReadout(p) }));
    const clip = commonClip([cur.attr, ...decoded.map((x) => x.attr)]);
    const cmap = resolveColormap(model.get("_colormaps"), model.get("colormap"), "signed");
    const map = linearMap(cmap.kind, "signed", clip);
    const signed = linearMap(cmap.kind, "signed", 1);
    const pos = cssRgb(rgbAt(cmap.lut, lutIndex(signed, 0.8)));
    const neg = cssRgb(rgbAt(cmap.lut, lutIndex(signed, -0.8)));
    caption.textContent = `one colour scale for every map: ${cmap.name}, ±${formatNumber(clip)} (the largest |attribution| among them); differences are current − pinned on the same scale`;

    /**
     * @param {NumArray} values
     * @param {string} label
     */
    const mapOf = (values, label) => {
      if (cur.kind === "image" && cur.width && cur.height) return imageMap(values, cur.width, cur.height, cmap, map, label);
      if (cur.kind === "text") return tokenMap(values, cur.tokens ?? [], cmap, map, label);
      return null;
    };

    const now = describe(cur.readout);
    const curCard = h("div", { class: "igw-compare-card igw-compare-current" }, [
      h("div", { class: "igw-compare-title", text: titleText("current", cur.readout.model) }),
      h("div", { class: "igw-compare-settings", text: now.settings }),
      h("div", { class: `igw-compare-delta igw-delta-${now.level}`, text: now.delta }),
    ]);
    const curMap = mapOf(cur.attr, "attribution");
    if (curMap) curCard.append(curMap);
    cards.append(curCard);

    for (const { pin, attr, r } of decoded) {
      const info = describe(r);
      const remove = suppressShortcuts(/** @type {HTMLButtonElement} */ (h("button", { class: "igw-button igw-unpin", text: "×", attrs: { type: "button", title: `remove pin #${pin.id}`, "aria-label": `remove pin #${pin.id}` } })));
      d.on(remove, "click", () => model.send({ type: "unpin", id: pin.id }));
      const diff = pin.kind === cur.kind ? difference(cur.attr, attr) : null;
      const card = h("div", { class: "igw-compare-card", attrs: { "data-pin": pin.id } }, [
        h("div", { class: "igw-compare-title" }, [h("span", { text: titleText(`pin #${pin.id}`, r.model) }), remove]),
        h("div", { class: "igw-compare-settings", text: info.settings }),
        h("div", { class: `igw-compare-delta igw-delta-${info.level}`, text: info.delta }),
      ]);
      if (cur.kind === "tabular") {
        card.append(pairedBars(cur.attr, attr, cur.names ?? [], clip, pos, neg));
      } else {
        const m = mapOf(attr, "pinned attribution");
        if (m) card.append(m);
        const dm = diff ? mapOf(diff, "difference: current − pinned") : null;
        if (dm) card.append(dm);
      }
      if (diff) {
        card.append(h("div", { class: "igw-compare-change", text: `maps differ by ${formatShare(relativeChange(cur.attr, diff))} of the current map's total |attribution|` }));
      } else {
        card.append(h("div", { class: "igw-compare-change", text: "a different input: no difference map" }));
      }
      cards.append(card);
    }
  }

  for (const t of ["pins", "colormap", "_colormaps", "model_labels", "model_choice"]) d.model(model, `change:${t}`, draw);
  draw();

  return {
    el,
    /** @param {Payload | null} p the current result */
    update(p) {
      current = p;
      draw();
    },
  };
}
