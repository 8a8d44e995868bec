// @ts-check
// Text of a gallery card and of the pager, pure and DOM-free. Class names are
// untrusted: they come back as plain strings for textContent.

/** @typedef {import("../types.js").Card} Card */
/** @typedef {import("../types.js").CardText} CardText */

/**
 * Label of class `i` from `names` (falls back to the index; -1 is "?").
 * @param {string[] | null | undefined} names
 * @param {number | null | undefined} i
 * @returns {string}
 */
export function className(names, i) {
  if (i == null || i < 0) return "?";
  return names && i < names.length ? String(names[i]) : String(i);
}

/**
 * "87%" / "99.9%" / "<0.1%": a probability shown on a card.
 * @param {number} p
 * @returns {string}
 */
export function formatProb(p) {
  if (!Number.isFinite(p)) return "–";
  const pct = 100 * p;
  if (pct > 0 && pct < 0.1) return "<0.1%";
  if (pct >= 99.95 && pct < 100) return ">99.9%";
  return pct >= 10 || pct === 0 ? `${Math.round(pct)}%` : `${pct.toFixed(1)}%`;
}

/**
 * The lines of one card: {title, truth, pred, wrong, tip}.
 * `card` is one entry of the `_items` trait.
 * @param {Pick<Card, "index" | "label" | "predicted" | "prob" | "loss" | "margin">} card
 * @param {string[] | null | undefined} names
 * @returns {CardText}
 */
export function cardText(card, names) {
  const hasLabel = card.label != null && card.label >= 0;
  const wrong = hasLabel && card.label !== card.predicted;
  const pred = `${className(names, card.predicted)} · ${formatProb(card.prob)}`;
  const truth = hasLabel ? className(names, card.label) : "";
  const tip = [
    `example ${card.index}`,
    hasLabel ? `true: ${truth}` : "no label",
    `predicted: ${pred}`,
    card.loss != null && Number.isFinite(card.loss) ? `loss ${card.loss.toPrecision(3)}` : null,
    Number.isFinite(card.margin) ? `margin ${card.margin.toFixed(3)}` : null,
  ].filter(Boolean).join(" · ");
  return { title: `#${card.index}`, truth, pred, wrong, tip };
}

/**
 * "1–48 of 1,614" for page `page` (0-based) of `n` items.
 * @param {number} page
 * @param {number} pageSize
 * @param {number} n
 * @returns {string}
 */
export function pageLabel(page, pageSize, n) {
  if (n <= 0) return "nothing to show";
  const start = page * pageSize + 1;
  const stop = Math.min(n, (page + 1) * pageSize);
  return `${start.toLocaleString("en-US")}–${stop.toLocaleString("en-US")} of ${n.toLocaleString("en-US")}`;
}

/**
 * Page after a step of `delta`, clamped into 0..nPages-1.
 * @param {number} page
 * @param {number} delta
 * @param {number} nPages
 * @returns {number}
 */
export function stepPage(page, delta, nPages) {
  return Math.max(0, Math.min(Math.max(1, nPages) - 1, page + delta));
}
