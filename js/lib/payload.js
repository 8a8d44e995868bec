// @ts-check
// Turn the raw `_payload` trait (see docs/architecture.md) into what views
// draw: arrays decoded once, shapes checked, optional parts normalised.
import { decodeArray } from "./codec.js";

/** @typedef {import("../types.js").ArrayRecord} ArrayRecord */
/** @typedef {import("../types.js").Kind} Kind */
/** @typedef {import("../types.js").NumArray} NumArray */
/** @typedef {import("../types.js").Payload} Payload */
/** @typedef {import("../types.js").RawReadout} RawReadout */
/** @typedef {import("../types.js").RawTrace} RawTrace */
/** @typedef {import("../types.js").Readout} Readout */
/** @typedef {import("../types.js").Trace} Trace */

/** @type {readonly Kind[]} */
export const KINDS = ["image", "text", "tabular"];

/** @param {unknown} v */
const num = (v) => (typeof v === "number" ? v : v == null ? NaN : Number(v));
/** @param {unknown} v */
const str = (v) => (v == null ? "" : String(v));

/**
 * @param {ArrayRecord} rec
 * @param {string} what
 * @returns {NumArray}
 */
function values(rec, what) {
  try {
    return decodeArray(rec).array;
  } catch (e) {
    throw new Error(`payload ${what}: ${e instanceof Error ? e.message : e}`);
  }
}

/**
 * @param {Partial<RawReadout>} [r]
 * @returns {Readout}
 */
function decodeReadout(r = {}) {
  return {
    output: num(r.output),
    baselineOutput: num(r.baseline_output),
    sum: num(r.sum),
    delta: num(r.delta),
    target: r.target == null ? null : num(r.target),
    targetLabel: str(r.target_label),
    nSteps: r.n_steps == null ? null : num(r.n_steps),
    method: str(r.method),
    baseline: str(r.baseline),
    path: str(r.path),
    pathDetail: str(r.path_detail),
    autoTol: r.auto_tol == null ? null : num(r.auto_tol),
    autoSteps: r.auto_steps == null ? null : num(r.auto_steps),
  };
}

/**
 * path_trace -> {alphas, outputs, features: [{name, cumulative}]} or null when absent/empty.
 * @param {RawTrace | undefined} t
 * @returns {Trace | null}
 */
function decodeTrace(t) {
  if (!t || !t.alphas) return null;
  const alphas = values(t.alphas, "path_trace.alphas");
  if (alphas.length === 0) return null;
  const outputs = t.outputs ? values(t.outputs, "path_trace.outputs") : null;
  if (outputs && outputs.length !== alphas.length) {
    throw new Error(`payload path_trace: ${outputs.length} outputs for ${alphas.length} alphas`);
  }
  const features = (Array.isArray(t.features) ? t.features : []).map((f, i) => {
    const cumulative = values(f.cumulative, `path_trace.features[${i}]`);
    if (cumulative.length !== alphas.length) {
      throw new Error(`payload path_trace: feature ${i} has ${cumulative.length} points for ${alphas.length} alphas`);
    }
    return { name: str(f.name), cumulative };
  });
  return { alphas, outputs, features };
}

/**
 * @param {NumArray} arr
 * @param {number} n
 * @param {string} what
 * @returns {NumArray}
 */
function lengthOf(arr, n, what) {
  if (arr.length !== n) throw new Error(`payload ${what}: expected ${n} values, got ${arr.length}`);
  return arr;
}

/**
 * Raw payload -> decoded payload, or null when there is nothing to draw yet
 * (null / {} / no kind). Throws Error with a readable message when malformed.
 * @param {Partial<import("../types.js").RawPayload> | null | undefined} p
 * @returns {Payload | null}
 */
export function decodePayload(p) {
  if (!p || typeof p !== "object" || !p.kind) return null;
  if (!KINDS.includes(p.kind)) throw new Error(`payload kind "${p.kind}" is not one of ${KINDS.join(", ")}`);
  if (!p.attr) throw new Error("payload attr: array record missing");
  const attr = values(p.attr, "attr");
  /** @type {Payload} */
  const out = {
    kind: p.kind,
    readout: decodeReadout(p.readout),
    trace: decodeTrace(p.path_trace),
    attr,
  };
  if (p.kind === "image") {
    const height = num(p.height);
    const width = num(p.width);
    if (!(Number.isInteger(height) && Number.isInteger(width) && height > 0 && width > 0)) {
      throw new Error(`payload image: bad size ${p.height}x${p.width}`);
    }
    out.height = height;
    out.width = width;
    out.attr = lengthOf(attr, height * width, "attr");
    out.image = p.image ? lengthOf(values(p.image, "image"), height * width * 4, "image (RGBA)") : null;
  } else if (p.kind === "text") {
    const tokens = (Array.isArray(p.tokens) ? p.tokens : []).map(str);
    out.tokens = tokens;
    out.attr = lengthOf(attr, tokens.length, "attr (one per token)");
  } else {
    const names = (Array.isArray(p.names) ? p.names : []).map(str);
    out.names = names;
    out.attr = lengthOf(attr, names.length, "attr (one per feature)");
    out.values = p.values ? lengthOf(values(p.values, "values"), names.length, "values") : null;
  }
  return out;
}
