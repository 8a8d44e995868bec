// @ts-check
// The sharing strip: the user's note on what the result shows (kept in the widget
// state, so in the saved notebook and every export), and buttons that download the
// view's PNG (drawn by the kernel, kept in `_png`) and the result as JSON (built here
// from the state, so it also works in a saved page without a kernel).
import { h, suppressShortcuts } from "./dom.js";
import { debounce } from "./lib/debounce.js";
import { toBytes } from "./lib/codec.js";
import { resultRecord } from "./lib/record.js";

/** @typedef {import("./types.js").Model} Model */
/** @typedef {import("./dom.js").Disposer} Disposer */

/** The longest note kept (characters); the kernel wraps it under the picture. */
export const NOTE_MAX = 2000;

/**
 * Offer `bytes` as a file download.
 * @param {BlobPart} bytes
 * @param {string} type
 * @param {string} name
 */
function download(bytes, type, name) {
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  const a = /** @type {HTMLAnchorElement} */ (h("a", { attrs: { href: url, download: name } }));
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/**
 * @param {Model} model
 * @param {Disposer} d
 * @param {() => boolean} canSave whether a kernel receives changes (else local only)
 */
export function createShare(model, d, canSave) {
  const note = suppressShortcuts(/** @type {HTMLTextAreaElement} */ (h("textarea", {
    class: "igw-note",
    attrs: {
      rows: 2,
      maxlength: NOTE_MAX,
      "aria-label": "note",
      placeholder: "What do you see? The note is saved with the notebook and in every export.",
    },
  })));
  const send = () => {
    const text = note.value.slice(0, NOTE_MAX);
    if (text === model.get("note")) return;
    model.set("note", text);
    if (canSave()) model.save_changes();
  };
  const sendSoon = debounce(send, () => 500);
  d.add(sendSoon.cancel);
  d.on(note, "input", () => sendSoon());
  d.on(note, "change", () => sendSoon.flush());
  const syncNote = () => {
    const v = model.get("note");
    if (document.activeElement !== note) note.value = typeof v === "string" ? v : "";
  };
  d.model(model, "change:note", syncNote);
  syncNote();

  const png = suppressShortcuts(/** @type {HTMLButtonElement} */ (h("button", {
    class: "igw-button igw-download-png", text: "PNG", attrs: { type: "button", title: "download the picture of this view" },
  })));
  const json = suppressShortcuts(/** @type {HTMLButtonElement} */ (h("button", {
    class: "igw-button igw-download-json", text: "JSON", attrs: { type: "button", title: "download this result as JSON" },
  })));
  const pngBytes = () => {
    try {
      const data = model.get("_png");
      const bytes = data == null ? null : toBytes(data);
      return bytes && bytes.byteLength > 8 ? bytes : null;
    } catch (e) {
      return null;
    }
  };
  const syncButtons = () => {
    png.disabled = pngBytes() === null;
    png.title = png.disabled ? "the picture is made once the kernel has shown the widget" : "download the picture of this view";
    const p = model.get("_payload");
    json.disabled = !(p && typeof p === "object" && "kind" in p);
  };
  d.on(png, "click", () => {
    const bytes = pngBytes();
    if (bytes) download(bytes.slice(), "image/png", "ig_widget.png");
  });
  d.on(json, "click", () => {
    const text = JSON.stringify(resultRecord(model), null, 2);
    download(text, "application/json", "ig_widget_result.json");
  });
  for (const t of ["_png", "_payload"]) d.model(model, `change:${t}`, syncButtons);
  syncButtons();

  const el = h("div", { class: "igw-share" }, [
    h("label", { class: "igw-field igw-field-note" }, [h("span", { class: "igw-label", text: "note" }), note]),
    h("span", { class: "igw-downloads" }, [h("span", { class: "igw-label", text: "download" }), png, json]),
  ]);
  return { el };
}
