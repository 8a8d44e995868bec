// @ts-check
// Comparison of the current result with pinned ones: one colour scale for all of
// them, difference maps, and the rows paired bars show. Pure functions.

/**
 * The largest finite |value| over several arrays: the one scale every map of a
 * comparison is drawn on (0 when all are 0).
 * @param {ArrayLike<number>[]} arrays
 * @returns {number}
 */
export function commonClip(arrays) {
  let m = 0;
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++) {
      const v = Math.abs(a[i]);
      if (Number.isFinite(v) && v > m) m = v;
    }
  }
  return m;
}

/**
 * a - b elementwise (the current map minus a pinned one); null when the lengths differ,
 * since then the two results are not of the same input.
 * @param {ArrayLike<number>} a
 * @param {ArrayLike<number>} b
 * @returns {Float32Array | null}
 */
export function difference(a, b) {
  if (a.length !== b.length) return null;
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] - b[i];
  return out;
}

/**
 * Feature indices for paired bars: the k largest by the larger |value| of the two
 * results, so a feature that matters in either one shows.
 * @param {ArrayLike<number>} a
 * @param {ArrayLike<number>} b
 * @param {number} k
 * @returns {number[]}
 */
export function pairedRows(a, b, k) {
  const n = Math.min(a.length, b.length);
  const score = (/** @type {number} */ i) => {
    const s = Math.max(Math.abs(a[i]), Math.abs(b[i]));
    return Number.isFinite(s) ? s : -1;
  };
  return Array.from({ length: n }, (_, i) => i)
    .sort((i, j) => score(j) - score(i) || i - j)
    .slice(0, Math.max(0, k));
}

/**
 * How far apart two maps are, for a card's title: the L1 distance relative to the
 * current map's L1 norm (0 = identical, 1 = as large as the map itself).
 * @param {ArrayLike<number>} current
 * @param {ArrayLike<number>} diff
 * @returns {number}
 */
export function relativeChange(current, diff) {
  let num = 0;
  let den = 0;
  for (let i = 0; i < diff.length; i++) {
    if (Number.isFinite(diff[i])) num += Math.abs(diff[i]);
    if (Number.isFinite(current[i])) den += Math.abs(current[i]);
  }
  return den > 0 ? num / den : num > 0 ? Infinity : 0;
}
