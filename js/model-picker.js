// @ts-check
// The "model" control of a widget built with compare_model=: which of the two models
// is explained. It saves the `model_choice` trait (the kernel recomputes the current
// settings on that model); the labels come from the kernel's `model_labels` (text
// only: a label is the user's string). Hidden with one model.
import { h, suppressShortcuts } from "./dom.js";

/** @typedef {import("./types.js").Model} Model */

/**
 * @param {Model} model
 * @param {import("./dom.js").Disposer} d
 */
export function createModelPicker(model, d) {
  const select = suppressShortcuts(/** @type {HTMLSelectElement} */ (h("select", { class: "igw-input igw-model", attrs: { "aria-label": "model explained" } })));
  const el = h("label", { class: "igw-field igw-field-model" }, [h("span", { class: "igw-label", text: "model" }), select]);
  d.on(select, "change", () => {
    model.set("model_choice", /** @type {"main" | "compare"} */ (select.value));
    model.save_changes();
  });

  function sync() {
    const labels = model.get("model_labels") ?? {};
    const keys = Object.keys(labels);
    el.hidden = keys.length < 2;
    select.replaceChildren(...keys.map((k) => h("option", { text: String(labels[k]), attrs: { value: k } })));
    select.value = String(model.get("model_choice"));
  }
  for (const t of ["model_labels", "model_choice"]) d.model(model, `change:${t}`, sync);
  sync();

  return { el, inputs: [select] };
}
