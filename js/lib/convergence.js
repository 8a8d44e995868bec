// @ts-check
// Delta-against-steps figure: log axes, the smallest n that is good enough. Pure.

/**
 * The smallest n from which every later point stays within `tol`; null if never.
 * @param {number[][]} points [[n, relative error], ...] by increasing n
 * @param {number} tol
 * @returns {number | null}
 */
export function stepsEnough(points, tol) {
  let enough = null;
  for (let i = points.length - 1; i >= 0; i--) {
    if (!(points[i][1] <= tol)) break;
    enough = points[i][0];
  }
  return enough;
}

/**
 * y position of a relative error on a log axis from `floor` to `top` (0 = bottom, 1 = top);
 * 0 and anything under `floor` sit on the floor.
 * @param {number} rel
 * @param {number} floor e.g. 1e-6
 * @param {number} top e.g. 10
 * @returns {number}
 */
export function logPosition(rel, floor, top) {
  if (!Number.isFinite(rel)) return 1;
  const v = Math.min(top, Math.max(floor, rel));
  return (Math.log10(v) - Math.log10(floor)) / (Math.log10(top) - Math.log10(floor));
}
