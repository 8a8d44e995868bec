// @ts-check
// Number formatting for labels: short, sign-aware, exponent only when needed.

/**
 * x with `digits` significant digits; exponent form outside [1e-3, 1e4).
 * @param {unknown} value
 * @param {number} [digits]
 * @returns {string}
 */
export function formatNumber(value, digits = 3) {
  const x = typeof value === "number" ? value : Number(value);
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "∞";
  if (x === -Infinity) return "−∞";
  if (x === 0) return "0";
  const a = Math.abs(x);
  let s;
  if (a < 1e-3 || a >= 1e4) {
    // 1.20e-5 -> 1.2e-5, 3e+6 -> 3e6
    const [m, e] = x.toExponential(Math.max(0, digits - 1)).split("e");
    s = `${trimZeros(m)}e${Number(e)}`;
  } else {
    // toFixed, not toPrecision: toPrecision switches to exponents at 1e3 for 3 digits.
    const decimals = Math.max(0, digits - 1 - Math.floor(Math.log10(a)));
    s = trimZeros(x.toFixed(Math.min(20, decimals)));
  }
  return s.replace(/^-/, "−"); // typographic minus
}

/**
 * @param {string} s
 * @returns {string}
 */
function trimZeros(s) {
  return s.includes(".") ? s.replace(/\.?0+$/, "") : s;
}

/**
 * An input value as a person reads it: integers in full (15024, not 1.5e4), else formatNumber.
 * @param {unknown} x
 * @param {number} [digits]
 * @returns {string}
 */
export function formatValue(x, digits = 4) {
  if (typeof x === "number" && Number.isInteger(x) && Math.abs(x) < 1e12) return String(x).replace(/^-/, "−");
  return formatNumber(x, digits);
}

/**
 * Like formatNumber but with an explicit + on positive values.
 * @param {number} x
 * @param {number} [digits]
 * @returns {string}
 */
export function formatSigned(x, digits = 3) {
  const s = formatNumber(x, digits);
  return x > 0 ? `+${s}` : s;
}

/**
 * Convergence delta as shown in the readout: "δ = 1.2e-5".
 * @param {number} delta
 * @param {number} [digits]
 * @returns {string}
 */
export function formatDelta(delta, digits = 2) {
  return `δ = ${formatNumber(delta, digits)}`;
}

/**
 * Probability 0..1 as a percentage with one decimal ("87.3%"), "<0.1%" when tiny.
 * @param {number} p
 * @returns {string}
 */
export function formatPercent(p) {
  if (!Number.isFinite(p)) return "–";
  const v = p * 100;
  if (v > 0 && v < 0.1) return "<0.1%";
  return `${v.toFixed(1)}%`;
}

/**
 * A ratio as a percentage with 3 significant digits ("1.01%"), "<0.01%" when tiny.
 * @param {number} r
 * @returns {string}
 */
export function formatShare(r) {
  if (!Number.isFinite(r)) return "–";
  if (r < 1e-4) return r === 0 ? "0%" : "<0.01%";
  return `${formatNumber(r * 100, 3)}%`;
}

/**
 * Axis tick label: as many decimals as the tick step needs, so 0.255 and 0.26 differ.
 * @param {number} value
 * @param {number} step
 * @returns {string}
 */
export function formatTick(value, step) {
  const a = Math.abs(value);
  if (!(step > 0) || step < 1e-4 || a >= 1e5) return formatNumber(value, 3);
  if (value === 0) return "0";
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  return value.toFixed(decimals).replace(/^-/, "−");
}
