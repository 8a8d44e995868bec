// @ts-check
// Image view: the input with the colour-mapped attribution blended on top, at
// native resolution in one canvas (ImageData, one pass), scaled up for display.
import { h, Disposer } from "./dom.js";
import { createColorScale } from "./colorbar.js";
import { blendHeatmap } from "./lib/raster.js";
import { formatSigned } from "./lib/format.js";

/** @typedef {import("./types.js").Payload} Payload */
/** @typedef {import("./types.js").View} View */

const MIN_DISPLAY = 256; // small inputs (MNIST, 1x1 tests) are upscaled to at least this

/** @returns {View} */
export function createImageView() {
  const d = new Disposer();
  const canvas = /** @type {HTMLCanvasElement} */ (h("canvas", { class: "igw-heatmap" }));
  const hover = h("div", { class: "igw-hover igw-image-hover" });
  const scale = createColorScale();
  const el = h("div", { class: "igw-view igw-image-view" }, [h("div", { class: "igw-canvas-wrap" }, [canvas]), scale.el, hover]);
  const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d"));
  /** @type {(Payload & {width: number, height: number}) | null} */
  let p = null;
  /** @type {ImageData | null} */
  let pixels = null;

  const idleText = () => (p ? `${p.width} × ${p.height} px · hover for values` : "");

  d.on(canvas, "mousemove", (e) => {
    if (!p) return;
    const r = canvas.getBoundingClientRect();
    const x = Math.min(p.width - 1, Math.max(0, Math.floor(((e.clientX - r.left) / r.width) * p.width)));
    const y = Math.min(p.height - 1, Math.max(0, Math.floor(((e.clientY - r.top) / r.height) * p.height)));
    hover.textContent = `(x ${x}, y ${y})  attribution ${formatSigned(p.attr[y * p.width + x], 4)}`;
  });
  d.on(canvas, "mouseleave", () => { if (p) hover.textContent = idleText(); });

  return {
    el,
    setData(payload) {
      if (payload.width == null || payload.height == null) throw new Error("image payload without a size");
      const q = { ...payload, width: payload.width, height: payload.height };
      p = q;
      scale.setData(q.attr);
      if (canvas.width !== p.width || canvas.height !== p.height || !pixels) {
        canvas.width = q.width;
        canvas.height = q.height;
        pixels = ctx.createImageData(q.width, q.height);
      }
      // Integer upscale so pixels stay square and crisp (image-rendering: pixelated).
      const zoom = Math.max(1, Math.ceil(MIN_DISPLAY / Math.max(q.width, q.height)));
      canvas.style.width = `${q.width * zoom}px`;
      hover.textContent = idleText();
    },
    draw(display, cmap) {
      if (!p || !pixels) return;
      const { values, map } = scale.apply(display, cmap);
      blendHeatmap(values, p.image ?? null, cmap.lut, map, display.opacity, pixels.data);
      ctx.putImageData(pixels, 0, 0);
    },
    destroy: () => d.dispose(),
  };
}
