// @ts-check
// Trait-change listeners on the gallery's anywidget model, removed with the view's
// Disposer. Disposer.model (../dom.js) does the same for one event but is typed for
// IGWidget's model, whose traits differ from the gallery's. Trait names are checked
// against the gallery's traits, so a misspelt one is a type error.

/** @typedef {import("../dom.js").Disposer} Disposer */
/** @typedef {import("./types.js").GalleryModel} GalleryModel */
/** @typedef {import("./types.js").GalleryTraits} GalleryTraits */

/**
 * Call `handler` on every change of any of `traits` until `d` is disposed.
 * @param {Disposer} d
 * @param {Pick<GalleryModel, "on" | "off">} model
 * @param {(keyof GalleryTraits)[]} traits
 * @param {() => void} handler
 */
export function onTraits(d, model, traits, handler) {
  for (const t of traits) {
    const event = `change:${t}`;
    model.on(event, handler);
    d.add(() => model.off(event, handler));
  }
}
