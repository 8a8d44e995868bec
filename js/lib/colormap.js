// @ts-check
// Colour lookup: 256-entry RGB LUTs (768 bytes, from matplotlib via the kernel)
// and the linear value -> LUT-position maps for each sign mode.
import { toBytes } from "./codec.js";

/** @typedef {[number, number, number]} RGB */

export const LUT_SIZE = 256;

/**
 * @param {number[]} c three channels
 * @returns {RGB}
 */
const rgb = (c) => [c[0], c[1], c[2]];

/**
 * LUT bytes (DataView / ArrayBuffer / Uint8Array / array) -> Uint8Array(768).
 * @param {unknown} data
 * @returns {Uint8Array}
 */
export function lutFromData(data) {
  const bytes = Array.isArray(data) ? Uint8Array.from(data) : toBytes(data);
  if (bytes.length !== LUT_SIZE * 3) throw new Error(`colormap LUT needs 768 bytes, got ${bytes.length}`);
  return bytes;
}

/**
 * Linear interpolation between RGB stops [[t, r, g, b], ...] into a LUT.
 * @param {number[][]} stops
 * @returns {Uint8Array}
 */
export function lutFromStops(stops) {
  const lut = new Uint8Array(LUT_SIZE * 3);
  for (let i = 0; i < LUT_SIZE; i++) {
    const t = i / (LUT_SIZE - 1);
    let k = 1;
    while (k < stops.length - 1 && stops[k][0] < t) k++;
    const [t0, ...a] = stops[k - 1];
    const [t1, ...b] = stops[k];
    const u = t1 > t0 ? Math.min(1, Math.max(0, (t - t0) / (t1 - t0))) : 0;
    for (let c = 0; c < 3; c++) lut[i * 3 + c] = Math.round(a[c] + (b[c] - a[c]) * u);
  }
  return lut;
}

// Used only when the kernel sent no usable colormap, so a view can still draw.
const BUILTIN = {
  diverging: lutFromStops([[0, 33, 102, 172], [0.5, 247, 247, 247], [1, 178, 24, 43]]),
  sequential: lutFromStops([[0, 255, 255, 255], [1, 165, 15, 21]]),
};

/**
 * Pick the LUT to draw with: the named one if the kernel sent it, else the first
 * of the kind the sign mode prefers, else a built-in. Returns {name, kind, lut}.
 * @param {Record<string, import("../types.js").RawColormap> | null | undefined} colormaps
 * @param {string | null | undefined} name
 * @param {import("../types.js").SignMode} mode
 * @returns {import("../types.js").Colormap}
 */
export function resolveColormap(colormaps, name, mode) {
  const maps = colormaps && typeof colormaps === "object" ? colormaps : {};
  const want = mode === "signed" ? "diverging" : "sequential";
  /** @returns {import("../types.js").Colormap | null} */
  const tryOne = (/** @type {string} */ key) => {
    const cm = maps[key];
    if (!cm) return null;
    try {
      return { name: key, kind: cm.kind === "diverging" ? "diverging" : "sequential", lut: lutFromData(cm.lut) };
    } catch {
      return null;
    }
  };
  const named = name != null ? tryOne(name) : null;
  if (named) return named;
  for (const key of Object.keys(maps)) {
    if (maps[key] && maps[key].kind === want) {
      const cm = tryOne(key);
      if (cm) return cm;
    }
  }
  return { name: `built-in ${want}`, kind: want, lut: BUILTIN[want] };
}

/**
 * Map from a sign-transformed value v to a LUT position t in [0, 1]:
 * t = offset + slope * v, clamped. Signed data spans the whole LUT with 0 in the
 * middle. Magnitudes (positive / negative / absolute) span a sequential LUT from
 * its start; on a diverging LUT they use the half that starts at the neutral
 * centre (upper half, or lower half for negative) so that 0 stays neutral.
 * @param {"diverging" | "sequential"} kind
 * @param {import("../types.js").SignMode} mode
 * @param {number} clip
 * @returns {import("../types.js").LinearMap}
 */
export function linearMap(kind, mode, clip) {
  const ok = Number.isFinite(clip) && clip > 0;
  const inv = ok ? 1 / clip : 0; // degenerate clip: everything maps to neutral
  if (mode === "signed") return { offset: 0.5, slope: 0.5 * inv };
  if (kind !== "diverging") return { offset: 0, slope: inv };
  if (mode === "negative") return { offset: 0.5, slope: -0.5 * inv };
  return { offset: 0.5, slope: 0.5 * inv };
}

/**
 * LUT index (0..255) of value v under map m; NaN maps to the neutral point.
 * @param {import("../types.js").LinearMap} m
 * @param {number} v
 * @returns {number}
 */
export function lutIndex(m, v) {
  let t = m.offset + m.slope * v;
  if (!(t === t)) t = m.offset; // NaN
  if (t <= 0) return 0;
  if (t >= 1) return LUT_SIZE - 1;
  return Math.min(LUT_SIZE - 1, Math.floor(t * LUT_SIZE));
}

/**
 * [r, g, b] at LUT index i.
 * @param {Uint8Array} lut
 * @param {number} i
 * @returns {RGB}
 */
export function rgbAt(lut, i) {
  return [lut[i * 3], lut[i * 3 + 1], lut[i * 3 + 2]];
}

/**
 * @param {RGB} rgb
 * @returns {string}
 */
export function cssRgb([r, g, b]) {
  return `rgb(${r}, ${g}, ${b})`;
}

/**
 * Black or white, whichever reads better on background rgb (WCAG luminance).
 * @param {RGB} rgb
 * @returns {string}
 */
export function textColorOn([r, g, b]) {
  const lin = (/** @type {number} */ c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  const L = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  // Contrast with black (L+0.05)/0.05 vs white 1.05/(L+0.05): equal at L ~ 0.179.
  return L > 0.179 ? "#000" : "#fff";
}

/**
 * "rgb(1, 2, 3)" / "rgba(1, 2, 3, 0.5)" / "#abc" / "#aabbcc" -> [r, g, b]; null if unknown or fully transparent.
 * @param {unknown} css
 * @returns {RGB | null}
 */
export function parseCssColor(css) {
  const str = String(css ?? "").trim();
  let m = str.match(/^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)(?:[\s,/]+([\d.]+%?))?\s*\)$/);
  if (m) {
    const alpha = m[4] == null ? 1 : m[4].endsWith("%") ? parseFloat(m[4]) / 100 : parseFloat(m[4]);
    return alpha === 0 ? null : rgb([m[1], m[2], m[3]].map((v) => Math.round(Number(v))));
  }
  m = str.match(/^#([0-9a-f]{3}|[0-9a-f]{6})$/i);
  if (m) {
    const hex = m[1].length === 3 ? m[1].replace(/./g, "$&$&") : m[1];
    return rgb([0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16)));
  }
  return null;
}

/**
 * a*(1-t) + b*t per channel, rounded.
 * @param {RGB} a
 * @param {RGB} b
 * @param {number} t
 * @returns {RGB}
 */
export function mixRgb(a, b, t) {
  return rgb(a.map((v, i) => Math.round(v + (b[i] - v) * t)));
}

/**
 * How far value v is from "no attribution" on the scale, 0..1 (|v|/clip, capped).
 * Used to fade weak highlights into the page background.
 * @param {number} v
 * @param {number} clip
 * @returns {number}
 */
export function strength(v, clip) {
  if (!(clip > 0) || !Number.isFinite(v)) return 0;
  return Math.min(1, Math.abs(v) / clip);
}

// matplotlib tab10, for the per-feature lines of the path chart.
export const CATEGORICAL = [
  "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
  "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
];
