// @ts-check
// Pixel work for the image heatmap: one pass over H*W writing RGBA, no DOM.
import { lutIndex } from "./colormap.js";

/**
 * Blend the colour-mapped `values` (length H*W) over `image` (RGBA bytes, length
 * 4*H*W, or null for a plain heatmap) into `out` (Uint8ClampedArray, 4*H*W).
 * `opacity` in [0, 1] is the weight of the heatmap colour.
 * @param {ArrayLike<number>} values
 * @param {ArrayLike<number> | null} image
 * @param {Uint8Array} lut
 * @param {import("../types.js").LinearMap} map
 * @param {number} opacity
 * @param {Uint8ClampedArray} out
 * @returns {Uint8ClampedArray}
 */
export function blendHeatmap(values, image, lut, map, opacity, out) {
  const n = values.length;
  if (out.length !== 4 * n) throw new Error("output size mismatch");
  if (image && image.length !== 4 * n) throw new Error("image size mismatch");
  const a = Math.min(1, Math.max(0, Number.isFinite(opacity) ? opacity : 0));
  const b = 1 - a;
  for (let p = 0, q = 0; p < n; p++, q += 4) {
    const k = lutIndex(map, values[p]) * 3;
    if (image) {
      // Input alpha is composited over white so transparent pixels are not black.
      const ia = image[q + 3] / 255;
      const white = 255 * (1 - ia);
      out[q] = (image[q] * ia + white) * b + lut[k] * a;
      out[q + 1] = (image[q + 1] * ia + white) * b + lut[k + 1] * a;
      out[q + 2] = (image[q + 2] * ia + white) * b + lut[k + 2] * a;
    } else {
      out[q] = lut[k];
      out[q + 1] = lut[k + 1];
      out[q + 2] = lut[k + 2];
    }
    out[q + 3] = 255;
  }
  return out;
}

/**
 * RGBA bytes of a horizontal colour bar `width` px wide sampling `colorOf(u)`, u in [0,1].
 * @param {number} width
 * @param {(u: number) => number[]} colorOf
 * @returns {Uint8ClampedArray<ArrayBuffer>}
 */
export function colorBarPixels(width, colorOf) {
  const out = new Uint8ClampedArray(width * 4);
  for (let x = 0; x < width; x++) {
    const [r, g, b] = colorOf(width === 1 ? 0.5 : x / (width - 1));
    out.set([r, g, b, 255], x * 4);
  }
  return out;
}
