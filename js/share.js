// @ts-check
// The sharing strip: the user's note on what the result shows (kept in the widget
// state, so in the saved notebook and every export), and buttons that download the
// view's PNG and the result as JSON. The PNG is the kernel's picture (asked for with a
// {type: "png"} message, answered with the bytes as a buffer); without a kernel it is
// the one a standalone page carries (`_png`), else the heatmap canvas, else none. The
// JSON is built here from the state, so it works in any saved page.
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
 * @param {() => HTMLCanvasElement | null} getCanvas the view's heatmap, if it has one
 */
export function createShare(model, d, canSave, getCanvas) {
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
    class: "igw-button igw-download-png", text: "PNG", attrs: { type: "button" },
  })));
  const json = suppressShortcuts(/** @type {HTMLButtonElement} */ (h("button", {
    class: "igw-button igw-download-json", text: "JSON", attrs: { type: "button", title: "download this result as JSON" },
  })));
  const said = h("span", { class: "igw-download-status", attrs: { role: "status" } });
  /** The PNG a standalone page carries, or null. */
  const savedPng = () => {
    try {
      const data = model.get("_png");
      const bytes = data == null ? null : toBytes(data);
      return bytes && bytes.byteLength > 8 ? bytes : null;
    } catch (e) {
      return null;
    }
  };
  const hasResult = () => {
    const p = model.get("_payload");
    return !!p && typeof p === "object" && "kind" in p;
  };
  const sync = () => {
    const offline = !canSave();
    const source = !hasResult() ? "" : !offline ? "kernel" : savedPng() ? "saved" : getCanvas() ? "canvas" : "";
    png.disabled = source === "";
    png.title = {
      kernel: "download the picture of this view (drawn by the kernel)",
      saved: "download the picture saved with this page",
      canvas: "download the heatmap (the full picture with its caption needs a kernel)",
      "": hasResult() ? "the picture needs a kernel; the JSON works without one" : "no result yet",
    }[source];
    json.disabled = !hasResult();
    return source;
  };
  /** @type {ReturnType<typeof setTimeout> | null} */
  let waiting = null;
  const stopWaiting = () => {
    if (waiting !== null) clearTimeout(waiting);
    waiting = null;
  };
  d.add(stopWaiting);
  /**
   * @param {unknown} msg
   * @param {unknown} [buffers]
   */
  const onMessage = (msg, buffers) => {
    const m = /** @type {{type?: unknown, error?: unknown}} */ (msg);
    if (!m || typeof m !== "object" || m.type !== "png" || waiting === null) return;
    stopWaiting();
    const first = Array.isArray(buffers) ? buffers[0] : null;
    if (typeof m.error === "string" || !first) {
      said.textContent = `no picture: ${typeof m.error === "string" ? m.error : "empty answer"}`;
      return;
    }
    said.textContent = "";
    download(toBytes(first).slice(), "image/png", "ig_widget.png");
  };
  model.on("msg:custom", onMessage);
  d.add(() => model.off("msg:custom", onMessage));
  d.on(png, "click", () => {
    const source = sync();
    if (source === "kernel" && model.send) {
      stopWaiting();
      said.textContent = "drawing…";
      waiting = setTimeout(() => { waiting = null; said.textContent = "no answer from the kernel"; }, 20000);
      model.send({ type: "png" });
    } else if (source === "saved") {
      const bytes = savedPng();
      if (bytes) download(bytes.slice(), "image/png", "ig_widget.png");
    } else if (source === "canvas") {
      getCanvas()?.toBlob((blob) => { if (blob) download(blob, "image/png", "ig_widget_heatmap.png"); }, "image/png");
    }
  });
  d.on(json, "click", () => {
    const text = JSON.stringify(resultRecord(model), null, 2);
    download(text, "application/json", "ig_widget_result.json");
  });
  d.model(model, "change:_payload", () => { sync(); });
  sync();

  const el = h("div", { class: "igw-share" }, [
    h("label", { class: "igw-field igw-field-note" }, [h("span", { class: "igw-label", text: "note" }), note]),
    h("span", { class: "igw-downloads" }, [h("span", { class: "igw-label", text: "download" }), png, json, said]),
  ]);
  return { el, sync };
}
