// @ts-check
// Axis ticks that are always readable: at least two round values inside the range
// (niceTicks alone can leave one, e.g. a lone "0" for a range of ±0.42, where the step
// it picks, 0.5, fits once), and labels with enough digits that no two read the same
// (0.006245 and 0.006249 are not both "0.00625").
import { niceTicks } from "./scale.js";
import { formatNumber, formatTick } from "./format.js";

/**
 * Round tick values covering [lo, hi]: about `count`, never fewer than `min` (the step
 * is refined until they fit). An empty range gives its one value.
 * @param {number} lo
 * @param {number} hi
 * @param {number} [count]
 * @param {number} [min]
 * @returns {number[]}
 */
export function axisTicks(lo, hi, count = 4, min = 2) {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (lo === hi) return [lo];
  let ticks = niceTicks(lo, hi, count);
  for (let n = count + 1; ticks.length < min && n <= 4 * count + 8; n++) ticks = niceTicks(lo, hi, n);
  return ticks;
}

/**
 * Labels for `ticks` (ascending, evenly spaced): as many decimals as the step needs,
 * then more significant digits until every label differs from its neighbours.
 * @param {number[]} ticks
 * @returns {string[]}
 */
export function tickLabels(ticks) {
  const step = ticks.length > 1 ? ticks[1] - ticks[0] : 0;
  let labels = ticks.map((t) => formatTick(t, step));
  for (let digits = 3; digits <= 12 && !distinct(labels); digits++) {
    labels = ticks.map((t) => (t === 0 ? "0" : formatNumber(t, digits)));
  }
  return labels;
}

/**
 * @param {string[]} labels
 * @returns {boolean}
 */
function distinct(labels) {
  return new Set(labels).size === labels.length;
}
