// @ts-check
// Colour scale shared by the image and text views: one place turns attributions
// into LUT positions for the sign mode and clip percentile, and draws the bar under
// the view with the range of original attribution values it covers.
import { h } from "./dom.js";
import { linearMap, lutIndex, rgbAt } from "./lib/colormap.js";
import { colorBarPixels } from "./lib/raster.js";
import { displayRange, scaleCache, signValue } from "./lib/scale.js";
import { formatNumber } from "./lib/format.js";

/** @typedef {import("./types.js").Colormap} Colormap */
/** @typedef {import("./types.js").Display} Display */
/** @typedef {import("./types.js").LinearMap} LinearMap */
/** @typedef {import("./types.js").NumArray} NumArray */
/** @typedef {import("./types.js").SignMode} SignMode */

const WIDTH = 256;

function createColorBar() {
  const canvas = /** @type {HTMLCanvasElement} */ (h("canvas", { class: "igw-colorbar", attrs: { width: WIDTH, height: 1 } }));
  const min = h("span", { class: "igw-colorbar-min" });
  const mid = h("span", { class: "igw-colorbar-mid" });
  const max = h("span", { class: "igw-colorbar-max" });
  const caption = h("div", { class: "igw-colorbar-caption" });
  const el = h("div", { class: "igw-colorbar-wrap" }, [
    canvas,
    h("div", { class: "igw-colorbar-labels" }, [min, mid, max]),
    caption,
  ]);

  /**
   * @param {{lut: Uint8Array, map: LinearMap, mode: SignMode, clip: number, percentile: number, cmapName: string, quantity?: string}} args
   *   map: linearMap(...) for the sign mode; clip: the limit; percentile: the clip percentile used;
   *   quantity: what the bar shows when it is not the attribution ("the spread").
   */
  function draw({ lut, map, mode, clip, percentile, cmapName, quantity }) {
    const [lo, hi] = displayRange(mode, clip);
    // Sample original values across the range and colour them exactly as the view does.
    const px = colorBarPixels(WIDTH, (u) => rgbAt(lut, lutIndex(map, signValue(lo + (hi - lo) * u, mode))));
    canvas.getContext("2d")?.putImageData(new ImageData(px, WIDTH, 1), 0, 0);
    min.textContent = formatNumber(lo);
    max.textContent = formatNumber(hi);
    mid.textContent = mode === "signed" ? "0" : "";
    const what = quantity ?? (mode === "signed" ? "|attr|" : `${mode} part`);
    caption.textContent = clip > 0
      ? `${cmapName} · clipped at p${formatNumber(percentile, 4)} of ${what} = ${formatNumber(clip)}`
      : quantity
      ? `${cmapName} · ${quantity} is 0 everywhere`
      : `${cmapName} · all ${mode === "signed" ? "" : `${mode} `}attributions are 0`;
  }

  return { el, draw };
}

/**
 * The colour scale of one view. `setData(attr)` once per payload; `apply(display, cmap)`
 * on every redraw returns the sign-transformed values, the clip limit and the map to
 * colour them with, and redraws the bar to match. `quantity` names what the bar shows
 * when it is not the attribution (the spread map's "the spread").
 * @param {string} [quantity]
 */
export function createColorScale(quantity) {
  const bar = createColorBar();
  /** @type {ReturnType<typeof scaleCache> | null} */
  let cache = null;
  return {
    el: bar.el,
    /** @param {NumArray} attr */
    setData(attr) {
      cache = scaleCache(attr);
    },
    /**
     * @param {Display} display
     * @param {Colormap} cmap
     * @returns {{values: NumArray, clip: number, map: LinearMap}}
     */
    apply(display, cmap) {
      if (!cache) throw new Error("colour scale used before setData");
      const { values, clip } = cache(display.sign, display.clip_percentile);
      const map = linearMap(cmap.kind, display.sign, clip);
      bar.draw({ lut: cmap.lut, map, mode: display.sign, clip, percentile: display.clip_percentile, cmapName: cmap.name, quantity });
      return { values, clip, map };
    },
  };
}
