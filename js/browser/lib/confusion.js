// @ts-check
// The confusion matrix as the gallery draws it, pure and DOM-free: per-cell shade
// (share of its true-class row) and totals.

/** @typedef {import("../types.js").ConfusionMatrix} ConfusionMatrix */
/** @typedef {import("../types.js").ConfusionTotals} ConfusionTotals */
/** @typedef {import("../types.js").ClassFilter} ClassFilter */

/**
 * {rows, cols, total, correct} sums of a C x C count matrix.
 * @param {ConfusionMatrix} matrix
 * @returns {ConfusionTotals}
 */
export function totals(matrix) {
  const c = matrix.length;
  const rows = new Array(c).fill(0);
  const cols = new Array(c).fill(0);
  let total = 0;
  let correct = 0;
  for (let i = 0; i < c; i++) {
    for (let j = 0; j < c; j++) {
      const v = Number(matrix[i][j]) || 0;
      rows[i] += v;
      cols[j] += v;
      total += v;
      if (i === j) correct += v;
    }
  }
  return { rows, cols, total, correct };
}

/**
 * Shade of cell (i, j) in 0..1: its count over its row's total (0 for an empty row),
 * so each true class reads as where its examples went.
 * @param {ConfusionMatrix} matrix
 * @param {number} i
 * @param {number} j
 * @returns {number}
 */
export function cellShare(matrix, i, j) {
  let row = 0;
  for (const v of matrix[i]) row += Number(v) || 0;
  return row > 0 ? (Number(matrix[i][j]) || 0) / row : 0;
}

/**
 * Whether cell (i, j) is the active filter {true_class, predicted_class}.
 * @param {ClassFilter} filter
 * @param {number} i
 * @param {number} j
 * @returns {boolean}
 */
export function isActive(filter, i, j) {
  return filter.true_class === i && filter.predicted_class === j;
}
