// @ts-check
// Is a kernel behind this view? In a saved page (nbconvert's HTML, a standalone
// export, nbviewer) the widget state is drawn by a manager with no kernel: changing
// a compute control there would recompute nothing. The view looks its own model up
// in the widget manager by `_comm_id` and reads ipywidgets' `comm_live` flag, which is
// false for models restored from saved state; it follows `comm_live_update` (the
// kernel going away). With no manager at all (a standalone page) there is no kernel.

/** @typedef {import("./types.js").Model} Model */
/** @typedef {import("./types.js").BackboneModel} BackboneModel */

/**
 * Call `onChange(live)` now with the best guess, and again when it is known or changes.
 * @param {Model} model
 * @param {import("./dom.js").Disposer} d
 * @param {(live: boolean) => void} onChange
 */
export function watchKernel(model, d, onChange) {
  const manager = model.widget_manager;
  let gone = false;
  d.add(() => { gone = true; });
  if (!manager || typeof manager.get_model !== "function") {
    onChange(false);
    return;
  }
  onChange(true); // a manager: assume a kernel until its model says otherwise
  const id = model.get("_comm_id");
  if (typeof id !== "string" || id === "") return;
  let found;
  try {
    found = manager.get_model(id);
  } catch (e) {
    return;
  }
  Promise.resolve(found).then((/** @type {BackboneModel | undefined} */ backbone) => {
    if (gone || !backbone || typeof backbone.comm_live !== "boolean") return;
    const update = () => onChange(backbone.comm_live === true);
    update();
    if (typeof backbone.on === "function" && typeof backbone.off === "function") {
      const on = backbone.on.bind(backbone);
      const off = backbone.off.bind(backbone);
      on("comm_live_update", update);
      d.add(() => off("comm_live_update", update));
    }
  }, () => {});
}
