// @ts-check
// Readable names for the identifiers the kernel sends (methods, paths), and the
// short sentences the first view shows about them. The identifiers stay the
// values the controls save; only what a person reads changes here.

/** @type {Record<string, string>} */
const NAMES = {
  gausslegendre: "Gauss–Legendre",
  riemann_left: "Riemann, left",
  riemann_right: "Riemann, right",
  riemann_middle: "Riemann, midpoint",
  riemann_trapezoid: "Riemann, trapezoid",
  straight: "straight line",
  extremal: "extremal (one feature or patch at a time)",
  all_orderings: "all orderings (Shapley)",
  guided: "Guided IG",
  blur: "Blur IG",
};

/**
 * The name a person reads for an identifier; unknown identifiers come back as they are.
 * @param {unknown} id
 * @returns {string}
 */
export function readableName(id) {
  const key = String(id ?? "");
  return Object.prototype.hasOwnProperty.call(NAMES, key) ? NAMES[key] : key;
}

/**
 * Options for a select: the identifier as value, the readable name as label.
 * @param {unknown} list
 * @returns {{value: string, label: string}[]}
 */
export function readableOptions(list) {
  return (Array.isArray(list) ? list : []).map((v) => ({ value: String(v), label: readableName(v) }));
}

/**
 * The target line: "target: 6" when the label is the index itself, else "target: cat (#3)".
 * @param {number | null | undefined} target
 * @param {string | null | undefined} label
 * @returns {string}
 */
export function targetText(target, label) {
  if (target == null) return `target: ${label || "output"}`;
  if (!label || label === String(target) || label === `class ${target}`) return `target: class ${target}`;
  return `target: ${label} (#${target})`;
}

/**
 * The settings line under the readout. A forward-only path ignores steps and
 * method, so it says what it computed instead (`pathDetail` from the kernel). With
 * two models (compare_model=), it starts with the model's label.
 * @param {{method?: string, nSteps?: number | null, baseline?: string, path?: string, pathDetail?: string,
 *   autoTol?: number | null, autoSteps?: number | null, model?: string,
 *   spreadDetail?: string}} r
 *   spreadDetail: an averaged result (Expected Gradients, SmoothGrad) says what it averaged.
 * @returns {string}
 */
export function settingsText(r) {
  const forwardOnly = Boolean(r.pathDetail);
  const auto = r.autoTol != null;
  const parts = forwardOnly
    ? [readableName(r.path), r.pathDetail]
    : auto
    ? [
        `auto: ${r.autoSteps} steps for error ≤ ${+(Number(r.autoTol) * 100).toPrecision(3)}% (at most ${r.nSteps})`,
        r.path && r.path !== "straight" ? `path: ${readableName(r.path)}` : "",
      ]
    : [
        r.method ? readableName(r.method) : "",
        r.nSteps != null ? `${r.nSteps} step${r.nSteps === 1 ? "" : "s"}` : "",
        r.path && r.path !== "straight" ? `path: ${readableName(r.path)}` : "",
      ];
  parts.push(r.baseline ? `baseline: ${r.baseline}` : "");
  parts.push(r.spreadDetail ?? "");
  if (r.model) parts.unshift(`model: ${r.model}`);
  return parts.filter(Boolean).join(" · ");
}

/**
 * The footer under the tabular bars, every count about the same set of features.
 * @param {{shown: number, pool: number, total: number, mode: string, rest: number, restCount: number}} a
 *   shown: rows drawn; pool: features of the sign mode; total: all features;
 *   rest: sum of the attributions not drawn; restCount: how many those are.
 * @param {(x: number) => string} fmt
 * @returns {string}
 */
export function barsFooter({ shown, pool, total, mode, rest, restCount }, fmt) {
  const kind = mode === "positive" || mode === "negative" ? `${mode} ` : "";
  if (shown >= total) return `all ${total} features`;
  const head = kind
    ? `the ${shown} largest of ${pool} ${kind}features (of ${total})`
    : `the ${shown} largest of ${total} features`;
  const any = kind ? " (any sign)" : "";
  return `${head} · the other ${restCount} feature${restCount === 1 ? "" : "s"}${any} sum to ${fmt(rest)}`;
}

/**
 * What the chart's points are: the payload adds α = 0 and α = 1 to the n quadrature
 * nodes when they are not among them, so k points are n nodes plus 0, 1 or 2 ends.
 * @param {number} k points in the trace
 * @param {number | null | undefined} n steps asked for
 * @returns {string}
 */
export function pointsText(k, n) {
  if (n != null && k === n) return `${n} nodes`;
  if (n != null && k === n + 1) return `${n} nodes + one end of the path`;
  if (n != null && k === n + 2) return `${n} nodes + both ends (α = 0, 1)`;
  return `${k} points`;
}
