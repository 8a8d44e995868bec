// @ts-check
// The gallery's controls: sort key and direction, filters (misclassified, true class,
// predicted class) and "clear". Each control writes one trait; trait changes from the
// kernel write back into the controls. Class names go into <option>s as text.
import { h, suppressShortcuts } from "../dom.js";
import { onTraits } from "./model-listen.js";

/** @typedef {import("../dom.js").Disposer} Disposer */
/** @typedef {import("./types.js").GalleryModel} GalleryModel */
/** @typedef {import("./types.js").GalleryTraits} GalleryTraits */
/** @typedef {import("./types.js").SortKey} SortKey */

/**
 * The gallery's controls (`createToolbar`).
 * @typedef {object} Toolbar
 * @property {HTMLElement} el
 * @property {() => void} update write the traits into the controls
 */

/** @type {[SortKey, string][]} sort key and its label */
const SORTS = [
  ["index", "index"],
  ["loss", "loss"],
  ["confidence", "confidence"],
  ["margin", "margin"],
];

/**
 * @param {string} label
 * @param {HTMLElement} control
 * @returns {HTMLElement}
 */
function field(label, control) {
  return h("label", { class: "igb-field" }, [h("span", { class: "igb-label", text: label }), control]);
}

/**
 * Fill `select` with "any" (-1) and one option per class; keeps the selection if it still exists.
 * @param {HTMLSelectElement} select
 * @param {string[]} names
 * @param {string} anyText
 */
function classOptions(select, names, anyText) {
  const keep = select.value;
  select.replaceChildren(
    h("option", { text: anyText, attrs: { value: "-1" } }),
    ...names.map((n, i) => h("option", { text: n, attrs: { value: String(i) } })),
  );
  select.value = keep && Number(keep) < names.length ? keep : "-1";
}

/**
 * @param {GalleryModel} model
 * @param {Disposer} d
 * @returns {Toolbar}
 */
export function createToolbar(model, d) {
  /**
   * @template {keyof GalleryTraits} K
   * @param {K} name
   * @param {GalleryTraits[K]} value
   */
  const set = (name, value) => {
    model.set(name, value);
    model.save_changes();
  };
  const sort = suppressShortcuts(/** @type {HTMLSelectElement} */ (h("select", { class: "igb-input igb-sort" },
    SORTS.map(([v, t]) => h("option", { text: t, attrs: { value: v } })))));
  const dir = suppressShortcuts(h("button", { class: "igb-input igb-dir", attrs: { type: "button" } }));
  const wrong = suppressShortcuts(/** @type {HTMLInputElement} */ (h("input", { class: "igb-wrong-only", attrs: { type: "checkbox" } })));
  const truth = suppressShortcuts(/** @type {HTMLSelectElement} */ (h("select", { class: "igb-input igb-true" })));
  const pred = suppressShortcuts(/** @type {HTMLSelectElement} */ (h("select", { class: "igb-input igb-predicted" })));
  const clear = suppressShortcuts(h("button", { class: "igb-input igb-clear", text: "clear filters", attrs: { type: "button" } }));
  const wrongField = h("label", { class: "igb-field igb-check" }, [wrong, h("span", { text: "misclassified only" })]);
  const truthField = field("true", truth);
  const el = h("div", { class: "igb-controls" }, [
    field("sort by", sort), dir, h("span", { class: "igb-sep" }), wrongField, truthField, field("predicted", pred), clear,
  ]);

  d.on(sort, "change", () => {
    const key = SORTS.find(([v]) => v === sort.value)?.[0];
    if (key) set("sort_by", key);
  });
  d.on(dir, "click", () => set("descending", !model.get("descending")));
  d.on(wrong, "change", () => set("misclassified", wrong.checked));
  d.on(truth, "change", () => set("true_class", Number(truth.value)));
  d.on(pred, "change", () => set("predicted_class", Number(pred.value)));
  d.on(clear, "click", () => {
    model.set("misclassified", false);
    model.set("true_class", -1);
    model.set("predicted_class", -1);
    model.save_changes();
  });

  function update() {
    const labels = !!model.get("has_labels");
    const names = model.get("class_names") || [];
    if (truth.options.length !== names.length + 1) classOptions(truth, names, "any");
    if (pred.options.length !== names.length + 1) classOptions(pred, names, "any");
    sort.value = model.get("sort_by");
    const loss = sort.querySelector('option[value="loss"]');
    if (loss instanceof HTMLOptionElement) loss.disabled = !labels;
    const desc = !!model.get("descending");
    dir.textContent = desc ? "↓ largest first" : "↑ smallest first";
    dir.setAttribute("aria-pressed", String(desc));
    wrong.checked = !!model.get("misclassified");
    wrongField.hidden = !labels;
    truthField.hidden = !labels;
    truth.value = String(model.get("true_class"));
    pred.value = String(model.get("predicted_class"));
  }
  onTraits(d, model, ["sort_by", "descending", "misclassified", "true_class", "predicted_class", "class_names", "has_labels"], update);
  update();
  return { el, update };
}
