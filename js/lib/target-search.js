// @ts-check
// Finding a class among every label (1,000 ImageNet classes, a 50,000-token
// vocabulary): the search behind the target picker. Pure functions, no DOM.

/**
 * Indices of the labels that match `query`, best first, at most `limit`:
 * the exact label, then the label equal once spaces are trimmed (" Paris" for
 * "Paris", a token with its leading space), then the same ignoring case, then
 * labels starting with the query, then labels containing it. An all-digit query
 * also finds the class with that index.
 * @param {readonly string[]} labels
 * @param {string} query
 * @param {number} [limit]
 * @returns {number[]}
 */
export function searchLabels(labels, query, limit = 20) {
  const q = query;
  const qt = q.trim();
  if (qt === "") return [];
  const ql = qt.toLowerCase();
  /** @type {number[][]} */
  const tiers = [[], [], [], [], [], []];
  if (/^\d+$/.test(qt)) {
    const i = Number(qt);
    if (i < labels.length) tiers[0].push(i);
  }
  for (let i = 0; i < labels.length; i++) {
    const raw = String(labels[i]);
    if (raw === q) { tiers[1].push(i); continue; }
    const t = raw.trim();
    if (t === qt) { tiers[2].push(i); continue; }
    const l = t.toLowerCase();
    if (l === ql) tiers[3].push(i);
    else if (l.startsWith(ql)) tiers[4].push(i);
    else if (tiers[5].length < limit && l.includes(ql)) tiers[5].push(i);
  }
  /** @type {number[]} */
  const out = [];
  const seen = new Set();
  for (const tier of tiers) {
    for (const i of tier) {
      if (seen.has(i)) continue;
      seen.add(i);
      out.push(i);
      if (out.length >= limit) return out;
    }
  }
  return out;
}

/**
 * A label as shown in the picker: tokens keep their spaces visible (" Paris" is
 * quoted), class names are shown as they are.
 * @param {string} label
 * @returns {string}
 */
export function showLabel(label) {
  const s = String(label);
  return s !== s.trim() || s === "" ? JSON.stringify(s) : s;
}

/**
 * The score next to a class: a percentage for probabilities (softmax, sigmoid),
 * the value itself otherwise (regression, "none").
 * @param {number} score
 * @param {string | undefined} activation
 * @param {(p: number) => string} percent
 * @param {(v: number) => string} value
 * @returns {string}
 */
export function formatScore(score, activation, percent, value) {
  return activation === "none" ? value(score) : percent(score);
}
