// @ts-check
// How well the attributions satisfy completeness: |δ| relative to the output
// change they should add up to, |F(x) - F(x')|.

export const GOOD = 0.01; // < 1% of the change
export const FAIR = 0.05; // < 5%

/**
 * {level, rel, basis}: level "good" | "fair" | "poor" | "unknown"; rel = |δ| / scale.
 * basis "change" normally; when F(x) ~= F(x') the relative error is undefined, so
 * δ is judged against max(|F(x)|, |F(x')|, 1) instead (basis "output").
 * @param {number} delta
 * @param {number} output
 * @param {number} baselineOutput
 * @returns {{level: "good" | "fair" | "poor" | "unknown", rel: number, basis: "change" | "output"}}
 */
export function deltaQuality(delta, output, baselineOutput) {
  if (![delta, output, baselineOutput].every(Number.isFinite)) {
    return { level: "unknown", rel: NaN, basis: "change" };
  }
  const change = Math.abs(output - baselineOutput);
  const size = Math.max(Math.abs(output), Math.abs(baselineOutput), 1);
  const degenerate = change <= 1e-9 * size;
  const scale = degenerate ? size : change;
  const rel = Math.abs(delta) / scale;
  const level = rel < GOOD ? "good" : rel < FAIR ? "fair" : "poor";
  return { level, rel, basis: degenerate ? "output" : "change" };
}
