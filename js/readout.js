// @ts-check
// Completeness readout: F(x), F(x'), their difference, the sum of attributions
// and the convergence delta, coloured by how small it is relative to the change.
import { h } from "./dom.js";
import { formatNumber, formatDelta, formatShare } from "./lib/format.js";
import { deltaQuality } from "./lib/quality.js";
import { settingsText, targetText } from "./lib/labels.js";

const LEVEL_TEXT = { good: "good", fair: "fair", poor: "poor: try more steps", unknown: "n/a" };

/** @typedef {import("./types.js").Readout} Readout */

export function createReadout() {
  const target = h("div", { class: "igw-readout-target" });
  const cell = (/** @type {string} */ cls) => h("span", { class: `igw-num ${cls}` });
  const fx = cell("igw-fx");
  const fb = cell("igw-fb");
  const diff = cell("igw-diff");
  const sum = cell("igw-sum");
  const delta = h("span", { class: "igw-delta" });
  const quality = h("span", { class: "igw-delta-note" });
  const settings = h("div", { class: "igw-settings" });
  const deltaNote = h("div", { class: "igw-delta-meaning" });
  /**
   * @param {string} label
   * @param {HTMLElement} value
   * @param {string} title
   */
  const row = (label, value, title) => [h("span", { class: "igw-key", text: label, attrs: { title } }), value];
  const el = h("div", { class: "igw-readout" }, [
    target,
    h("div", { class: "igw-grid" }, [
      ...row("F(x)", fx, "model output at the input, for the target"),
      ...row("F(x′)", fb, "model output at the baseline"),
      ...row("F(x) − F(x′)", diff, "what the attributions should add up to"),
      ...row("Σ attributions", sum, "sum of all attributions"),
      ...row("completeness", h("span", {}, [delta, quality]), "δ = Σ attributions − (F(x) − F(x′))"),
    ]),
    settings,
    deltaNote,
  ]);

  /** @param {Readout} r */
  function update(r) {
    target.textContent = targetText(r.target, r.targetLabel);
    fx.textContent = formatNumber(r.output, 4);
    fb.textContent = formatNumber(r.baselineOutput, 4);
    diff.textContent = formatNumber(r.output - r.baselineOutput, 4);
    sum.textContent = formatNumber(r.sum, 4);
    delta.textContent = formatDelta(r.delta);
    const q = deltaQuality(r.delta, r.output, r.baselineOutput);
    delta.className = `igw-delta igw-delta-${q.level}`;
    const of = q.basis === "change" ? "of the change" : "of the output";
    quality.textContent = Number.isFinite(q.rel) ? ` error ${formatShare(q.rel)} ${of} · ${LEVEL_TEXT[q.level]}` : "";
    const basis = q.basis === "change" ? "|F(x) − F(x′)|" : "max(|F(x)|, |F(x′)|, 1), since F(x) ≈ F(x′)";
    delta.title = Number.isFinite(q.rel) ? `|δ| is ${formatShare(q.rel)} of ${basis}; good < 1%, fair < 5%` : "not a finite number";
    settings.textContent = settingsText(r);
    deltaNote.textContent = r.deltaNote ?? ""; // an averaged result: what its delta means
    deltaNote.hidden = !r.deltaNote;
  }

  return { el, update };
}
