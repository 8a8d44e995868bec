// Image view: the input with the colour-mapped attribution blended on top, at
// native resolution in one canvas (ImageData, one pass), scaled up for display.
import { h, Disposer } from "./dom.js";
import { createColorBar } from "./colorbar.js";
import { linearMap } from "./lib/colormap.js";
import { blendHeatmap } from "./lib/raster.js";
import { scaleCache } from "./lib/scale.js";
import { formatSigned } from "./lib/format.js";

const MIN_DISPLAY = 256; // small inputs (MNIST, 1x1 tests) are upscaled to at least this

export function createImageView() {
  const d = new Disposer();
  const canvas = h("canvas", { class: "igw-heatmap" });
  const hover = h("div", { class: "igw-hover igw-image-hover" });
  const colorbar = createColorBar();
  const el = h("div", { class: "igw-view igw-image-view" }, [h("div", { class: "igw-canvas-wrap" }, [canvas]), colorbar.el, hover]);
  const ctx = canvas.getContext("2d");
  let p = null;
  let cache = null;
  let pixels = null;

  const idleText = () => `${p.width} × ${p.height} px · hover for values`;

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
      p = payload;
      cache = scaleCache(p.attr);
      if (canvas.width !== p.width || canvas.height !== p.height || !pixels) {
        canvas.width = p.width;
        canvas.height = p.height;
        pixels = ctx.createImageData(p.width, p.height);
      }
      // Integer upscale so pixels stay square and crisp (image-rendering: pixelated).
      const scale = Math.max(1, Math.ceil(MIN_DISPLAY / Math.max(p.width, p.height)));
      canvas.style.width = `${p.width * scale}px`;
      hover.textContent = idleText();
    },
    draw(display, cmap) {
      if (!p) return;
      const { values, clip } = cache(display.sign, display.clip_percentile);
      const map = linearMap(cmap.kind, display.sign, clip);
      blendHeatmap(values, p.image, cmap.lut, map, display.opacity, pixels.data);
      ctx.putImageData(pixels, 0, 0);
      colorbar.draw({ lut: cmap.lut, map, mode: display.sign, clip, percentile: display.clip_percentile, cmapName: cmap.name });
    },
    destroy: () => d.dispose(),
  };
}
