// @ts-check
// Scales: sign-mode transforms, |x| percentiles for clipping, display ranges,
// axis ticks. Pure functions over arrays of numbers.

export const SIGN_MODES = ["signed", "positive", "negative", "absolute"];

/**
 * Value shown under a sign mode: signed keeps v; positive keeps max(v, 0);
 * negative keeps the magnitude of the negative part, max(-v, 0); absolute |v|.
 * @param {number} v
 * @param {string} mode
 * @returns {number}
 */
export function signValue(v, mode) {
  switch (mode) {
    case "positive": return v > 0 ? v : 0;
    case "negative": return v < 0 ? -v : 0;
    case "absolute": return Math.abs(v);
    default: return v;
  }
}

/**
 * signValue over an array, into a new Float32Array (signed returns the input).
 * @param {import("../types.js").NumArray} values
 * @param {string} mode
 * @returns {import("../types.js").NumArray}
 */
export function applySign(values, mode) {
  if (mode === "signed" || !SIGN_MODES.includes(mode)) return values;
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = signValue(values[i], mode);
  return out;
}

/**
 * |values| sorted ascending, NaN dropped: reused across clip-percentile changes.
 * @param {ArrayLike<number>} values
 * @returns {Float64Array}
 */
export function sortedAbs(values) {
  const out = new Float64Array(values.length);
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const a = Math.abs(values[i]);
    if (a === a) out[n++] = a;
  }
  return out.subarray(0, n).sort();
}

/**
 * p-th percentile (0..100) of an ascending array, linear interpolation (numpy default).
 * @param {ArrayLike<number>} sorted
 * @param {number} p
 * @returns {number}
 */
export function percentileSorted(sorted, p) {
  const n = sorted.length;
  if (n === 0) return NaN;
  const q = Math.min(100, Math.max(0, p)) / 100;
  const pos = q * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/**
 * Colour-scale limit from sorted |values|: the percentile, falling back to the
 * max when the percentile is 0 (sparse maps), and 0 when everything is 0.
 * @param {ArrayLike<number>} sorted
 * @param {number} p
 * @returns {number}
 */
export function clipLimit(sorted, p) {
  const c = percentileSorted(sorted, p);
  if (c > 0) return c;
  const max = sorted.length ? sorted[sorted.length - 1] : 0;
  return max > 0 ? max : 0;
}

/**
 * Range of original (signed) attribution values a colour scale covers, left to
 * right: signed [-c, c]; positive and absolute [0, c] (absolute is |x|);
 * negative [-c, 0] with the strongest colour on the left.
 * @param {string} mode
 * @param {number} clip
 * @returns {[number, number]}
 */
export function displayRange(mode, clip) {
  const c = Math.abs(clip) || 0;
  if (mode === "signed") return [-c, c];
  if (mode === "negative") return [-c, 0];
  return [0, c];
}

/**
 * [min, max] ignoring NaN; [NaN, NaN] for empty input.
 * @param {ArrayLike<number>} values
 * @returns {[number, number]}
 */
export function extent(values) {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : [NaN, NaN];
}

/**
 * About `count` round tick values covering [lo, hi] (1, 2, 5 x 10^k steps).
 * @param {number} lo
 * @param {number} hi
 * @param {number} [count]
 * @returns {number[]}
 */
export function niceTicks(lo, hi, count = 5) {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (lo === hi) return [lo];
  if (lo > hi) [lo, hi] = [hi, lo];
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) || 10 * mag;
  const ticks = [];
  for (let i = Math.ceil(lo / step - 1e-9); i * step <= hi + step * 1e-9; i++) {
    ticks.push(Math.abs(i * step) < step * 1e-9 ? 0 : i * step);
  }
  return ticks;
}

/**
 * Indices of the k entries with the largest |value|, largest first (stable on ties).
 * @param {ArrayLike<number>} values
 * @param {number} k
 * @returns {number[]}
 */
export function topByMagnitude(values, k) {
  const idx = Array.from(values, (_, i) => i);
  const mag = (/** @type {number} */ i) => {
    const a = Math.abs(values[i]);
    return a === a ? a : -1; // NaN last
  };
  idx.sort((i, j) => mag(j) - mag(i) || i - j);
  return idx.slice(0, Math.max(0, Math.floor(k)));
}

/**
 * Per-payload cache of sign-transformed values and their sorted magnitudes, so
 * dragging the clip slider is O(1) and only a sign change re-sorts.
 * Returns get(mode, percentile) -> {values, clip}.
 * @param {import("../types.js").NumArray} attr
 * @returns {(mode: string, percentile: number) => {values: import("../types.js").NumArray, clip: number}}
 */
export function scaleCache(attr) {
  const byMode = new Map();
  return (mode, percentile) => {
    let entry = byMode.get(mode);
    if (!entry) {
      const values = applySign(attr, mode);
      entry = { values, sorted: sortedAbs(values) };
      byMode.set(mode, entry);
    }
    return { values: entry.values, clip: clipLimit(entry.sorted, percentile) };
  };
}
