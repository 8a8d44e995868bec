// @ts-check
// Attribution thumbnails: values in [-1, 1] -> RGBA pixels on a blue-white-red scale
// (negative blue, positive red, zero transparent-white), pure and DOM-free.

const NEG = [33, 102, 172];
const POS = [178, 24, 43];

/**
 * [r, g, b, a] (0..255) for one value in [-1, 1]; out-of-range values are clipped.
 * @param {number} v
 * @returns {[number, number, number, number]}
 */
export function heatColor(v) {
  const x = Number.isFinite(v) ? Math.max(-1, Math.min(1, v)) : 0;
  const t = Math.abs(x);
  const c = x < 0 ? NEG : POS;
  return [
    Math.round(255 + (c[0] - 255) * t),
    Math.round(255 + (c[1] - 255) * t),
    Math.round(255 + (c[2] - 255) * t),
    Math.round(255 * Math.min(1, 0.15 + t)),
  ];
}

/**
 * RGBA bytes (length 4 n) of n values, for ImageData.
 * @param {ArrayLike<number>} values
 * @returns {Uint8ClampedArray<ArrayBuffer>}
 */
export function heatPixels(values) {
  const out = new Uint8ClampedArray(values.length * 4);
  for (let i = 0; i < values.length; i++) out.set(heatColor(values[i]), 4 * i);
  return out;
}

/**
 * CSS colour of one value, for a token or feature background; `strength` (0..1) scales
 * the opacity so that text on the strongest colour stays readable.
 * @param {number} v
 * @param {number} [strength]
 * @returns {string}
 */
export function heatCss(v, strength = 1) {
  const [r, g, b, a] = heatColor(v);
  return `rgba(${r}, ${g}, ${b}, ${((a / 255) * strength).toFixed(3)})`;
}
