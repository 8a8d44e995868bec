// @ts-check
// The target control: a select of the top classes (with their probability, or the
// value for regression outputs) and a search box that reaches every class by name
// (1,000 ImageNet classes, every token of a language model's vocabulary). Enter
// picks the best match; the list below the box shows the others. Labels are
// untrusted: textContent only. A causal LM built with generate_steps also gets a
// select of the generated tokens: picking one explains that token (its step and
// its id are sent together, as one change).
import { h, suppressShortcuts } from "./dom.js";
import { formatPercent, formatValue } from "./lib/format.js";
import { searchLabels, showLabel, formatScore } from "./lib/target-search.js";

/** @typedef {import("./types.js").Model} Model */
/** @typedef {import("./dom.js").Disposer} Disposer */
/** @typedef {import("./types.js").TopClass} TopClass */

const MATCHES = 12;

/**
 * @param {Model} model
 * @param {Disposer} d
 * @param {(target: number) => void} save  sends the new target to the kernel
 * @returns {{el: HTMLElement, select: HTMLSelectElement, inputs: (HTMLSelectElement | HTMLInputElement)[], sync: () => void}}
 */
export function createTargetPicker(model, d, save) {
  const select = suppressShortcuts(/** @type {HTMLSelectElement} */ (
    h("select", { class: "igw-input igw-target", attrs: { "aria-label": "target class" } })));
  const search = suppressShortcuts(/** @type {HTMLInputElement} */ (
    h("input", { class: "igw-input igw-target-search", attrs: { type: "search", placeholder: "find a class…", "aria-label": "find a target class" } })));
  const results = h("div", { class: "igw-target-results", attrs: { role: "listbox" } });
  results.hidden = true;
  const step = suppressShortcuts(/** @type {HTMLSelectElement} */ (
    h("select", { class: "igw-input igw-gen-step", attrs: { "aria-label": "generated token to explain" } })));
  step.hidden = true;
  const el = h("span", { class: "igw-target-picker" }, [step, select, search, results]);
  d.on(step, "change", () => {
    const j = Number(step.value);
    const gen = model.get("generated_tokens") ?? [];
    if (!gen[j]) return;
    model.set("generation_step", j);
    model.set("target", gen[j].index);
    model.save_changes();
  });

  /** @returns {string[]} */
  const labels = () => {
    const l = model.get("class_labels");
    // saved state is untrusted: anything but a list of strings counts as no labels
    return Array.isArray(l) ? l.map((v) => (typeof v === "string" ? v : String(v))) : [];
  };
  /** @param {number} i */
  const labelOf = (i) => labels()[i] ?? `class ${i}`;

  /** @param {number} i */
  function pick(i) {
    search.value = "";
    results.hidden = true;
    results.replaceChildren();
    save(i);
  }

  function showMatches() {
    const found = searchLabels(labels(), search.value, MATCHES);
    results.replaceChildren(...found.map((i) => {
      const b = h("button", { class: "igw-target-match", text: `${showLabel(labelOf(i))}  #${i}`, attrs: { type: "button", role: "option", "data-index": i } });
      return b;
    }));
    if (search.value.trim() !== "" && found.length === 0) {
      results.append(h("span", { class: "igw-target-none", text: "no class matches" }));
    }
    results.hidden = search.value.trim() === "";
  }

  d.on(select, "change", () => save(Number(select.value)));
  d.on(search, "input", showMatches);
  d.on(search, "keydown", (e) => {
    const ev = /** @type {KeyboardEvent} */ (e);
    if (ev.key === "Enter") {
      const [best] = searchLabels(labels(), search.value, 1);
      if (best !== undefined) pick(best);
      ev.preventDefault();
    } else if (ev.key === "Escape") {
      search.value = "";
      showMatches();
    }
  });
  d.on(results, "click", (e) => {
    const t = /** @type {Element | null} */ (e.target);
    const b = /** @type {HTMLElement | null} */ (t?.closest?.(".igw-target-match") ?? null);
    if (b) pick(Number(b.dataset.index));
  });

  function sync() {
    /** @type {TopClass[]} */
    const raw = model.get("top_classes");
    const classes = (Array.isArray(raw) ? raw : [])
      .filter((c) => c !== null && typeof c === "object" && Number.isInteger(c.index));
    const cur = Number(model.get("target"));
    select.replaceChildren();
    const opts = classes.map((c) => ({
      value: c.index,
      label: `${showLabel(c.label == null ? labelOf(c.index) : String(c.label))} (${formatScore(Number(c.prob), c.activation, formatPercent, (v) => formatValue(v, 4))})`,
    }));
    if (!opts.some((o) => o.value === cur)) opts.unshift({ value: cur, label: showLabel(labelOf(cur)) });
    for (const o of opts) select.append(h("option", { text: o.label, attrs: { value: String(o.value) } }));
    select.value = String(cur);
    // a search box is worth its room only when there are more classes than the select shows
    search.hidden = labels().length <= classes.length;
    const rawGen = model.get("generated_tokens");
    const gen = (Array.isArray(rawGen) ? rawGen : []).filter((g) => g !== null && typeof g === "object");
    step.hidden = gen.length === 0;
    step.replaceChildren(...gen.map((g, j) => h("option", { text: `step ${j + 1}: ${showLabel(String(g.label))} #${String(g.index)}`, attrs: { value: String(j) } })));
    if (gen.length) step.value = String(model.get("generation_step"));
  }

  return { el, select, inputs: [select, search, step], sync };
}
