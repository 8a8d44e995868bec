// @ts-check
// Attribution summed per patch of a grid (feature groups for images): each pixel shows
// the sum over its patch, so a heatmap reads as a handful of regions. The grid is the one
// the extremal and all-orderings paths move (the kernel's patch_size: square patches
// numbered row by row, edge patches smaller when the size does not divide the image).

/**
 * @param {ArrayLike<number>} attr (H*W) per-pixel attribution, row-major
 * @param {number} height
 * @param {number} width
 * @param {number} size patch side in pixels (>= 1)
 * @returns {{painted: Float32Array, sums: Float64Array, rows: number, cols: number, group: (x: number, y: number) => number}}
 */
export function patchSums(attr, height, width, size) {
  if (!(size >= 1) || attr.length !== height * width) throw new Error("patchSums: bad size");
  const s = Math.floor(size);
  const rows = Math.ceil(height / s);
  const cols = Math.ceil(width / s);
  const group = (/** @type {number} */ x, /** @type {number} */ y) => Math.floor(y / s) * cols + Math.floor(x / s);
  const sums = new Float64Array(rows * cols);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) sums[group(x, y)] += attr[y * width + x];
  }
  const painted = new Float32Array(height * width);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) painted[y * width + x] = sums[group(x, y)];
  }
  return { painted, sums, rows, cols, group };
}

/**
 * Attribution summed per given segment (IGWidget(..., segments=)): the kernel sends the
 * label map relabelled 0..G-1, one label per pixel, row-major.
 * @param {ArrayLike<number>} attr (H*W) per-pixel attribution, row-major
 * @param {ArrayLike<number>} labels (H*W) group of each pixel, 0..G-1
 * @param {number} width
 * @returns {{painted: Float32Array, sums: Float64Array, count: number, group: (x: number, y: number) => number}}
 */
export function segmentSums(attr, labels, width) {
  if (labels.length !== attr.length || !(width >= 1)) throw new Error("segmentSums: labels do not match attr");
  let count = 0;
  for (let i = 0; i < labels.length; i++) {
    const g = labels[i];
    if (!(Number.isInteger(g) && g >= 0)) throw new Error("segmentSums: labels must be whole numbers from 0");
    if (g + 1 > count) count = g + 1;
  }
  const sums = new Float64Array(count);
  for (let i = 0; i < attr.length; i++) sums[labels[i]] += attr[i];
  const painted = new Float32Array(attr.length);
  for (let i = 0; i < attr.length; i++) painted[i] = sums[labels[i]];
  const group = (/** @type {number} */ x, /** @type {number} */ y) => labels[y * width + x];
  return { painted, sums, count, group };
}
