// @ts-check
// Log-scaled slider for n_steps: 1..2000 steps feel even (1->10 as wide as
// 100->1000), with integer results. The number box next to it gives exact values.

export const SLIDER_MAX = 1000;

/**
 * Slider position (0..SLIDER_MAX) -> integer in [lo, hi].
 * @param {number} pos
 * @param {number} lo
 * @param {number} hi
 * @returns {number}
 */
export function sliderToValue(pos, lo, hi) {
  const t = Math.min(1, Math.max(0, pos / SLIDER_MAX));
  const v = Math.round(Math.exp(Math.log(lo) + t * (Math.log(hi) - Math.log(lo))));
  return Math.min(hi, Math.max(lo, v));
}

/**
 * Integer value -> slider position; inverse of sliderToValue up to rounding.
 * @param {unknown} v
 * @param {number} lo
 * @param {number} hi
 * @returns {number}
 */
export function valueToSlider(v, lo, hi) {
  const c = Math.min(hi, Math.max(lo, Number(v) || lo));
  if (hi === lo) return 0;
  return Math.round(((Math.log(c) - Math.log(lo)) / (Math.log(hi) - Math.log(lo))) * SLIDER_MAX);
}
