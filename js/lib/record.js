// @ts-check
// The result as a JSON document (the format `IGWidget.save("x.json")` writes, with the
// arrays embedded as base64 instead of a .npz beside it), built from the widget state
// alone so a saved page without a kernel can offer it. Pure: no DOM.
import { toBytes } from "./codec.js";

/** @typedef {import("../types.js").Model} Model */

/**
 * @param {Uint8Array} bytes
 * @returns {string}
 */
export function base64(bytes) {
  let s = "";
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) {
    s += String.fromCharCode.apply(null, Array.from(bytes.subarray(i, i + CHUNK)));
  }
  return btoa(s);
}

/**
 * An array record with its bytes as base64 (null when it cannot be read).
 * @param {unknown} rec
 */
function embedded(rec) {
  if (!rec || typeof rec !== "object") return null;
  const r = /** @type {{dtype?: unknown, shape?: unknown, data?: unknown}} */ (rec);
  try {
    return { dtype: String(r.dtype), shape: Array.isArray(r.shape) ? r.shape.map(Number) : [], data: base64(toBytes(r.data)) };
  } catch (e) {
    return null;
  }
}

/**
 * @param {Model} model
 * @returns {Record<string, unknown>}
 */
export function resultRecord(model) {
  const p = /** @type {Record<string, any>} */ (model.get("_payload") || {});
  const r = p.readout && typeof p.readout === "object" ? p.readout : {};
  /** @type {Record<string, unknown>} */
  const arrays = { display_attributions: embedded(p.attr) };
  if (p.kind === "image") arrays.image_rgba = embedded(p.image);
  if (p.kind === "tabular") arrays.input = embedded(p.values);
  /** @type {Record<string, unknown>} */
  const doc = {
    format: "ig_widget.result",
    format_version: 1,
    saved_at: new Date().toISOString(),
    saved_from: "the widget view (front end)",
    versions: { ig_widget: model.get("_version") },
    modality: p.kind ?? model.get("modality"),
    target: r.target ?? null,
    target_label: r.target_label ?? null,
    settings: { n_steps: r.n_steps ?? null, method: r.method ?? "", baseline: r.baseline ?? "", path: r.path ?? "" },
    output: r.output ?? null,
    baseline_output: r.baseline_output ?? null,
    sum: r.sum ?? null,
    delta: r.delta ?? null,
    note: model.get("note") ?? "",
    display: {
      sign: model.get("sign"), colormap: model.get("colormap"), opacity: model.get("opacity"),
      clip_percentile: model.get("clip_percentile"), top_k: model.get("top_k"),
    },
    embedded_arrays: arrays,
  };
  if (p.kind === "text") doc.tokens = p.tokens;
  if (p.kind === "tabular") doc.feature_names = p.names;
  return doc;
}
