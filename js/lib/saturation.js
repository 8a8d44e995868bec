// @ts-check
// Where along the path F changes: the narrowest alpha window holding most of F's
// total variation. A model that saturates (its output stops moving well before the
// input) gains nearly everything in a short stretch of alpha; the scrubber says so.

/**
 * Narrowest [lo, hi] of alpha (between trace points) that holds at least `share` of
 * the total variation sum |F(a_i+1) - F(a_i)|; null when F does not change.
 * @param {ArrayLike<number>} alphas sorted ascending
 * @param {ArrayLike<number>} outputs F at those alphas
 * @param {number} [share]
 * @returns {{lo: number, hi: number, width: number, share: number} | null}
 */
export function changeWindow(alphas, outputs, share = 0.8) {
  const n = Math.min(alphas.length, outputs.length);
  if (n < 2) return null;
  const steps = [];
  let total = 0;
  for (let i = 0; i + 1 < n; i++) {
    const d = Math.abs(outputs[i + 1] - outputs[i]);
    const v = Number.isFinite(d) ? d : 0;
    steps.push(v);
    total += v;
  }
  if (!(total > 0)) return null;
  const need = share * total;
  let best = null;
  // two pointers over segments [i, j): the window from alphas[i] to alphas[j]
  let sum = 0;
  let i = 0;
  for (let j = 0; j < steps.length; j++) {
    sum += steps[j];
    while (i < j && sum - steps[i] >= need) sum -= steps[i++];
    if (sum >= need) {
      const width = alphas[j + 1] - alphas[i];
      if (!best || width < best.width) best = { lo: alphas[i], hi: alphas[j + 1], width, share: sum / total };
    }
  }
  return best;
}

/**
 * The scrubber's sentence about saturation, or "" when F changes evenly enough.
 * @param {{lo: number, hi: number, width: number, share: number} | null} w
 * @param {(x: number) => string} fmt
 * @param {number} [narrow] widths at or below this count as saturation
 * @returns {string}
 */
export function saturationNote(w, fmt, narrow = 0.3) {
  if (!w || w.width > narrow) return "";
  const pct = Math.round(w.share * 100);
  return `${pct}% of the change in F happens for α in [${fmt(w.lo)}, ${fmt(w.hi)}]: the model saturates, ` +
    "so the gradients outside that range add little; more steps there (or n_steps=\"auto\") and a baseline closer to the input help.";
}
