// @ts-check
// The spread of an averaged result (Expected Gradients, SmoothGrad): the standard
// deviation across samples of each display value. Pure helpers for the views and the
// controls: how a spread is coloured, where a whisker goes, what the labels say.
import { formatNumber, formatSigned } from "./format.js";

/** @typedef {import("../types.js").Display} Display */

/**
 * The display settings a spread map is drawn with: a spread is never negative, so it
 * uses the "absolute" sign mode (zero at the colour map's neutral end) whatever the
 * sign chosen for the mean.
 * @param {Display} display
 * @returns {Display}
 */
export function spreadDisplay(display) {
  return { ...display, sign: "absolute" };
}

/**
 * Where the whisker of one bar goes, in percent of the track: from mean − spread to
 * mean + spread, on the bars' scale (`maxAbs` fills half the track when signed, all
 * of it when `oneSided`), clamped to the track. Null when nothing can be drawn.
 * @param {number} mean
 * @param {number} spread
 * @param {number} maxAbs
 * @param {boolean} oneSided
 * @returns {{left: number, width: number} | null}
 */
export function whisker(mean, spread, maxAbs, oneSided) {
  if (!(maxAbs > 0) || !Number.isFinite(mean) || !Number.isFinite(spread) || spread <= 0) return null;
  const at = oneSided
    ? (/** @type {number} */ v) => (v / maxAbs) * 100
    : (/** @type {number} */ v) => 50 + (v / maxAbs) * 50;
  const centre = oneSided ? Math.abs(mean) : mean;
  const lo = Math.min(100, Math.max(0, at(centre - spread)));
  const hi = Math.min(100, Math.max(0, at(centre + spread)));
  return hi > lo ? { left: lo, width: hi - lo } : null;
}

/**
 * "+0.12 ± 0.03": a mean with its spread (the mean alone when there is none).
 * @param {number} mean
 * @param {number | null | undefined} spread
 * @param {number} [digits]
 * @returns {string}
 */
export function withSpread(mean, spread, digits = 3) {
  const m = formatSigned(mean, digits);
  return spread == null || !Number.isFinite(spread) ? m : `${m} ± ${formatNumber(spread, 2)}`;
}

/**
 * The caption of a spread map: what it is and how many samples it comes from.
 * @param {string} detail the readout's spread_detail ("SmoothGrad: 16 samples, ...")
 * @returns {string}
 */
export function spreadCaption(detail) {
  return detail ? `spread: std across samples (${detail})` : "spread: std across samples";
}

/**
 * The distribution select's entries: the offered ones, then, when Expected Gradients
 * is not offered for an image, a text or a row, a disabled entry saying how to enable it.
 * @param {unknown} offered distribution_options
 * @param {string | null} kind the payload kind or modality
 * @returns {{value: string, label: string, disabled?: boolean, title?: string}[]}
 */
export function distributionEntries(offered, kind) {
  const list = Array.isArray(offered) ? offered.map(String) : ["none"];
  /** @type {Record<string, string>} */
  const names = { none: "none", smoothgrad: "SmoothGrad", expected_gradients: "expected gradients" };
  /** @type {{value: string, label: string, disabled?: boolean, title?: string}[]} */
  const out = list.map((v) => ({ value: v, label: names[v] ?? v }));
  /** @type {Record<string, string>} */
  const shapes = { image: "(B, C, H, W) images", tabular: "(B, F) rows", text: "(B, T) token-id rows of the input's length" };
  if (!list.includes("expected_gradients") && kind != null && shapes[kind]) {
    const shape = shapes[kind];
    out.push({
      value: "expected_gradients",
      label: "expected gradients (needs background=)",
      disabled: true,
      title: `pass IGWidget(model, x, background=...) with at least 2 ${shape} to enable it`,
    });
  }
  return out;
}

/**
 * The patch-size select's label: "6 px (2 × 2)", the grid in patches when the image size is
 * known; -1 (IGWidget(..., segments=)) is "9 given segments".
 * @param {number} size patch side in pixels, or -1 for the given segments
 * @param {unknown} height
 * @param {unknown} width
 * @param {number} [segments] how many given segments (0: unknown)
 * @returns {string}
 */
export function patchLabel(size, height, width, segments = 0) {
  if (size === -1) return segments > 0 ? `${segments} given segments` : "given segments";
  const h = Number(height);
  const w = Number(width);
  if (!(size > 0) || !(h > 0) || !(w > 0)) return `${size} px`;
  const rows = Math.ceil(h / size);
  const cols = Math.ceil(w / size);
  return `${size} px (${rows} × ${cols})`;
}
