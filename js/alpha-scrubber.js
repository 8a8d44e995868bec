// @ts-check
// Alpha scrubber: a slider over alpha in [0, 1] on the straight path from the
// baseline to the input. For the chosen alpha the kernel sends (trait `scrub_point`)
// the interpolated input, F there and the gradient times (x - x') per display
// feature; this view draws them: the blended image with the gradient overlaid, the
// tokens at the opacity of their embedding mixture, or the feature values with
// their integrand. The path panel's marker follows the slider and hovering the
// path chart moves the slider. A note says when F changes in a short stretch of
// alpha (saturation).
import { h, suppressShortcuts } from "./dom.js";
import { decodeArray } from "./lib/codec.js";
import { debounce } from "./lib/debounce.js";
import { linearMap, lutIndex, rgbAt, cssRgb, textColorOn, resolveColormap } from "./lib/colormap.js";
import { blendHeatmap } from "./lib/raster.js";
import { commonClip } from "./lib/compare.js";
import { topByMagnitude } from "./lib/scale.js";
import { changeWindow, saturationNote } from "./lib/saturation.js";
import { formatNumber, formatSigned, formatValue } from "./lib/format.js";

/** @typedef {import("./types.js").Model} Model */
/** @typedef {import("./types.js").Payload} Payload */

const ROWS = 8; // tabular: features listed

/**
 * @param {Model} model
 * @param {import("./dom.js").Disposer} d
 * @param {{mark: (alpha: number | null) => void}} pathPanel
 */
export function createAlphaScrubber(model, d, pathPanel) {
  const slider = suppressShortcuts(/** @type {HTMLInputElement} */ (h("input", {
    class: "igw-input igw-alpha", attrs: { type: "range", min: 0, max: 1, step: 0.01, value: 0.5, "aria-label": "alpha along the path" },
  })));
  const value = h("span", { class: "igw-value igw-alpha-value" });
  const readout = h("div", { class: "igw-scrub-readout" });
  const note = h("div", { class: "igw-scrub-note" });
  const canvas = /** @type {HTMLCanvasElement} */ (h("canvas", { class: "igw-scrub-canvas", attrs: { role: "img", "aria-label": "the input at alpha with the gradient overlaid" } }));
  const tokens = h("div", { class: "igw-scrub-tokens" });
  const rows = h("div", { class: "igw-scrub-rows" });
  const picture = h("div", { class: "igw-scrub-picture" }, [canvas, tokens, rows]);
  const el = h("section", { class: "igw-scrubber", attrs: { "aria-label": "alpha scrubber" } }, [
    h("div", { class: "igw-scrub-head" }, [
      h("span", { class: "igw-panel-title", text: "At a point of the path" }),
      h("label", { class: "igw-field" }, [h("span", { class: "igw-label", text: "α" }), slider, value]),
    ]),
    readout,
    picture,
    note,
  ]);
  /** @type {Payload | null} */
  let current = null;

  const request = debounce(() => model.send({ type: "scrub", alpha: Number(slider.value) }), () => model.get("debounce_ms"));
  d.add(request.cancel);

  /** @param {number} a */
  function setAlpha(a) {
    if (current?.kind === "multi") return; // no scrubber for several inputs
    slider.value = String(Math.min(1, Math.max(0, a)));
    value.textContent = Number(slider.value).toFixed(2);
    pathPanel.mark(Number(slider.value));
    request();
  }
  d.on(slider, "input", () => setAlpha(Number(slider.value)));
  d.on(slider, "change", () => request.flush());

  function draw() {
    const sp = model.get("scrub_point");
    const kind = current?.kind;
    canvas.hidden = kind !== "image";
    tokens.hidden = kind !== "text";
    rows.hidden = kind !== "tabular";
    if (!current || !sp || sp.alpha == null || !sp.grad) {
      readout.textContent = "move the slider to see the input, F and the gradient at that point";
      return;
    }
    const cur = current;
    const grad = decodeArray(sp.grad).array;
    const cmap = resolveColormap(model.get("_colormaps"), model.get("colormap"), "signed");
    const clip = commonClip([grad]);
    const map = linearMap(cmap.kind, "signed", clip);
    readout.textContent = (sp.model ? `model: ${String(sp.model)} · ` : "") +
      `α = ${Number(sp.alpha).toFixed(2)} · F(x′ + α(x − x′)) = ${formatNumber(Number(sp.output), 4)} · ` +
      `colour: gradient × (x − x′) there, ±${formatNumber(clip)}` +
      (cur.readout.path && cur.readout.path !== "straight" ? " · on the straight line from the baseline, not this result's path" : "") +
      (cur.readout.spreadDetail ? " · one plain straight line from the baseline, not the average over samples" : "");
    if (kind === "image" && sp.image && cur.width && cur.height) {
      const img = decodeArray(sp.image).array;
      canvas.width = cur.width;
      canvas.height = cur.height;
      const px = new ImageData(cur.width, cur.height);
      blendHeatmap(grad, img, cmap.lut, map, Number(model.get("opacity")), px.data);
      canvas.getContext("2d")?.putImageData(px, 0, 0);
    } else if (kind === "text" && sp.mix) {
      const mix = decodeArray(sp.mix).array;
      const toks = cur.tokens ?? [];
      tokens.replaceChildren(...toks.flatMap((t, i) => {
        const rgb = rgbAt(cmap.lut, lutIndex(map, grad[i]));
        const span = h("span", { class: "igw-scrub-token", text: t, attrs: { title: `${t}: ${Math.round(100 * mix[i])}% of the way to the input · gradient × (x − x′) ${formatSigned(grad[i], 4)}` } });
        span.style.backgroundColor = cssRgb(rgb);
        span.style.color = textColorOn(rgb);
        span.style.opacity = String(0.15 + 0.85 * Math.min(1, Math.max(0, mix[i])));
        return i > 0 ? [document.createTextNode(" "), span] : [span];
      }));
    } else if (kind === "tabular" && sp.values) {
      const vals = decodeArray(sp.values).array;
      const names = cur.names ?? [];
      rows.replaceChildren(
        h("div", { class: "igw-scrub-row igw-scrub-row-head" }, ["feature", "value at α", "gradient × (x − x′)"].map((t) => h("span", { text: t }))),
        ...topByMagnitude(grad, ROWS).map((i) => h("div", { class: "igw-scrub-row", attrs: { "data-index": i } }, [
          h("span", { class: "igw-scrub-name", text: names[i] ?? String(i), attrs: { title: names[i] ?? "" } }),
          h("span", { class: "igw-scrub-num", text: formatValue(vals[i]) }),
          h("span", { class: "igw-scrub-num", text: formatSigned(grad[i], 3) }),
        ])),
      );
    }
  }

  for (const t of ["scrub_point", "colormap", "_colormaps", "opacity"]) d.model(model, `change:${t}`, draw);
  value.textContent = Number(slider.value).toFixed(2);

  return {
    el,
    /** hovering the path chart moves the slider */
    setAlpha,
    /** @param {Payload | null} p a new result: its trace decides the saturation note; the point is asked again */
    update(p) {
      current = p;
      const w = p?.trace?.outputs ? changeWindow(p.trace.alphas, p.trace.outputs) : null;
      note.textContent = saturationNote(w, (x) => x.toFixed(2));
      note.hidden = note.textContent === "";
      // several inputs: one point of the path is not drawn (the kernel refuses it too)
      const shown = Boolean(p) && p?.kind !== "multi";
      el.hidden = !shown;
      pathPanel.mark(shown ? Number(slider.value) : null);
      if (shown) request();
      draw();
    },
  };
}
