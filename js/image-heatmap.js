// @ts-check
// Image view: the input with the colour-mapped attribution blended on top, at
// native resolution in one canvas (ImageData, one pass), scaled up for display.
import { h, Disposer } from "./dom.js";
import { createColorScale } from "./colorbar.js";
import { blendHeatmap } from "./lib/raster.js";
import { formatSigned } from "./lib/format.js";
import { spreadCaption, spreadDisplay, withSpread } from "./lib/spread.js";
import { patchSums, segmentSums } from "./lib/patches.js";

/** @typedef {import("./types.js").Payload} Payload */
/** @typedef {import("./types.js").View} View */


/** @returns {View} */
export function createImageView() {
  const d = new Disposer();
  const canvas = /** @type {HTMLCanvasElement} */ (h("canvas", { class: "igw-heatmap" }));
  const hover = h("div", { class: "igw-hover igw-image-hover" });
  const scale = createColorScale();
  // The input alone beside the overlay: under a heatmap at 60% opacity it is hard to see.
  const input = /** @type {HTMLCanvasElement} */ (h("canvas", { class: "igw-input-image", attrs: { role: "img", "aria-label": "the input" } }));
  const inputCaption = h("div", { class: "igw-image-caption", text: "input" });
  const overlayCaption = h("div", { class: "igw-image-caption", text: "attribution over the input" });
  const inputFig = h("div", { class: "igw-image-cell" }, [input, inputCaption]);
  // An averaged result (Expected Gradients, SmoothGrad) adds its spread, the std across
  // samples of each pixel's attribution, as a third panel with its own colour bar.
  const spreadCanvas = /** @type {HTMLCanvasElement} */ (h("canvas", { class: "igw-spread-map", attrs: { role: "img", "aria-label": "spread across samples" } }));
  const spreadScale = createColorScale("the spread");
  const spreadText = h("div", { class: "igw-image-caption igw-spread-caption" });
  const spreadFig = h("div", { class: "igw-image-cell igw-spread-cell" }, [spreadCanvas, spreadText, spreadScale.el]);
  spreadFig.hidden = true;
  const pair = h("div", { class: "igw-image-pair" }, [inputFig, h("div", { class: "igw-image-cell" }, [canvas, overlayCaption]), spreadFig]);
  const el = h("div", { class: "igw-view igw-image-view" }, [h("div", { class: "igw-canvas-wrap" }, [pair]), scale.el, hover]);
  const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d"));
  const spreadCtx = /** @type {CanvasRenderingContext2D} */ (spreadCanvas.getContext("2d"));
  /** @type {ImageData | null} */
  let spreadPixels = null;
  /** @type {(Payload & {width: number, height: number}) | null} */
  let p = null;
  /** @type {ImageData | null} */
  let pixels = null;

  const idleText = () => (p ? `${p.width} × ${p.height} px · hover for values` : "");
  // What the overlay colours: the per-pixel attribution, or ("per patch") each pixel's
  // patch sum, or its given segment's sum (patch size -1, IGWidget(..., segments=)); the
  // colour scale is rebuilt only when that choice changes.
  /** @type {{key: string, values: ArrayLike<number>, patches: {painted: Float32Array, sums: Float64Array, group: (x: number, y: number) => number} | null}} */
  let shown = { key: "", values: [], patches: null };
  /** @param {import("./types.js").Display} display */
  function source(display) {
    if (!p) return shown;
    const size = display.patch_display ? Math.floor(Number(display.patch_size) || 0) : 0;
    const bySegments = size === -1 && p.segments != null;
    const key = bySegments ? "segments" : size >= 1 ? `patch ${size}` : "pixels";
    if (key !== shown.key) {
      let patches = null;
      let caption = "attribution over the input";
      if (bySegments && p.segments) {
        const seg = segmentSums(p.attr, p.segments, p.width);
        patches = seg;
        caption = `attribution summed per segment (${seg.count} given segments)`;
      } else if (size >= 1) {
        const grid = patchSums(p.attr, p.height, p.width, size);
        patches = grid;
        caption = `attribution summed per patch (${grid.rows} × ${grid.cols} patches of ${size} px)`;
      }
      shown = { key, values: patches ? patches.painted : p.attr, patches };
      scale.setData(patches ? patches.painted : p.attr);
      overlayCaption.textContent = caption;
    }
    return shown;
  }

  d.on(canvas, "mousemove", (e) => {
    if (!p) return;
    const r = canvas.getBoundingClientRect();
    const x = Math.min(p.width - 1, Math.max(0, Math.floor(((e.clientX - r.left) / r.width) * p.width)));
    const y = Math.min(p.height - 1, Math.max(0, Math.floor(((e.clientY - r.top) / r.height) * p.height)));
    const patches = shown.patches;
    hover.textContent = patches
      ? `(x ${x}, y ${y})  ${shown.key === "segments" ? "segment" : "patch"} ${patches.group(x, y)}: sum ${formatSigned(patches.sums[patches.group(x, y)], 4)} · pixel ${formatSigned(p.attr[y * p.width + x], 4)}`
      : `(x ${x}, y ${y})  attribution ${withSpread(p.attr[y * p.width + x], p.spread?.[y * p.width + x], 4)}`;
  });
  d.on(canvas, "mouseleave", () => { if (p) hover.textContent = idleText(); });
  d.on(spreadCanvas, "mousemove", (e) => {
    if (!p?.spread) return;
    const r = spreadCanvas.getBoundingClientRect();
    const x = Math.min(p.width - 1, Math.max(0, Math.floor(((e.clientX - r.left) / r.width) * p.width)));
    const y = Math.min(p.height - 1, Math.max(0, Math.floor(((e.clientY - r.top) / r.height) * p.height)));
    hover.textContent = `(x ${x}, y ${y})  attribution ${withSpread(p.attr[y * p.width + x], p.spread[y * p.width + x], 4)}`;
  });
  d.on(spreadCanvas, "mouseleave", () => { if (p) hover.textContent = idleText(); });

  return {
    el,
    setData(payload) {
      if (payload.width == null || payload.height == null) throw new Error("image payload without a size");
      const q = { ...payload, width: payload.width, height: payload.height };
      p = q;
      shown = { key: "", values: q.attr, patches: null }; // the next draw picks pixels or patches
      if (canvas.width !== p.width || canvas.height !== p.height || !pixels) {
        canvas.width = q.width;
        canvas.height = q.height;
        pixels = ctx.createImageData(q.width, q.height);
      }
      // Both canvases fill their column (CSS), pixels stay square (image-rendering: pixelated).
      inputFig.hidden = !q.image;
      if (q.image) {
        input.width = q.width;
        input.height = q.height;
        input.getContext("2d")?.putImageData(new ImageData(Uint8ClampedArray.from(q.image), q.width, q.height), 0, 0);
      }
      spreadFig.hidden = !q.spread;
      pair.classList.toggle("igw-image-triple", Boolean(q.spread));
      if (q.spread) {
        spreadScale.setData(q.spread);
        spreadText.textContent = spreadCaption(q.readout.spreadDetail ?? "");
        if (spreadCanvas.width !== q.width || spreadCanvas.height !== q.height || !spreadPixels) {
          spreadCanvas.width = q.width;
          spreadCanvas.height = q.height;
          spreadPixels = spreadCtx.createImageData(q.width, q.height);
        }
      }
      hover.textContent = idleText();
    },
    draw(display, cmap) {
      if (!p || !pixels) return;
      source(display);
      const { values, map } = scale.apply(display, cmap);
      blendHeatmap(values, p.image ?? null, cmap.lut, map, display.opacity, pixels.data);
      ctx.putImageData(pixels, 0, 0);
      if (p.spread && spreadPixels) {
        const s = spreadScale.apply(spreadDisplay(display), cmap);
        blendHeatmap(s.values, null, cmap.lut, s.map, 1, spreadPixels.data);
        spreadCtx.putImageData(spreadPixels, 0, 0);
      }
    },
    destroy: () => d.dispose(),
  };
}
