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
export const KINDS = ["image", "text", "tabular", "multi"];
/** The largest image side and list length drawn: saved state is untrusted input, and a
 * huge one must end in a message, not a frozen page. */
export const MAX_SIDE = 8192;
export const MAX_ITEMS = 100000;

/**
 * A number field: a number, or null/absent (NaN: unknown). Anything else is malformed.
 * @param {unknown} v
 * @param {string} what
 */
function num(v, what) {
  if (v == null) return NaN;
  if (typeof v !== "number") throw new Error(`payload ${what}: expected a number, got ${typeof v}`);
  return v;
}
/**
 * A string field: a string, or null/absent ("").
 * @param {unknown} v
 * @param {string} what
 */
function str(v, what) {
  if (v == null) return "";
  if (typeof v !== "string") throw new Error(`payload ${what}: expected a string, got ${typeof v}`);
  return v;
}
/**
 * A list of strings of at most MAX_ITEMS.
 * @param {unknown} v
 * @param {string} what
 * @returns {string[]}
 */
function strings(v, what) {
  if (!Array.isArray(v)) throw new Error(`payload ${what}: expected a list of strings`);
  if (v.length > MAX_ITEMS) throw new Error(`payload ${what}: ${v.length} entries, more than ${MAX_ITEMS}`);
  return v.map((x, i) => str(x, `${what}[${i}]`));
}
/**
 * Throw when an array holds NaN or an infinity (nothing sensible can be drawn from it).
 * @param {NumArray} a
 * @param {string} what
 */
function finite(a, what) {
  let bad = 0;
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) bad++;
  if (bad) throw new Error(`payload ${what}: ${bad} of ${a.length} values are NaN or infinite`);
  return a;
}

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
  if (r === null || typeof r !== "object" || Array.isArray(r)) throw new Error("payload readout: expected an object");
  return {
    output: num(r.output, "readout.output"),
    baselineOutput: num(r.baseline_output, "readout.baseline_output"),
    sum: num(r.sum, "readout.sum"),
    delta: num(r.delta, "readout.delta"),
    target: r.target == null ? null : num(r.target, "readout.target"),
    targetLabel: str(r.target_label, "readout.target_label"),
    nSteps: r.n_steps == null ? null : num(r.n_steps, "readout.n_steps"),
    method: str(r.method, "readout.method"),
    baseline: str(r.baseline, "readout.baseline"),
    path: str(r.path, "readout.path"),
    pathDetail: str(r.path_detail, "readout.path_detail"),
    autoTol: r.auto_tol == null ? null : num(r.auto_tol, "readout.auto_tol"),
    autoSteps: r.auto_steps == null ? null : num(r.auto_steps, "readout.auto_steps"),
    model: r.model == null ? "" : str(r.model, "readout.model"),
    spreadDetail: str(r.spread_detail, "readout.spread_detail"),
    deltaNote: str(r.delta_note, "readout.delta_note"),
  };
}

/**
 * path_trace -> {alphas, outputs, features: [{name, cumulative}]} or null when absent/empty.
 * @param {RawTrace | undefined} t
 * @returns {Trace | null}
 */
function decodeTrace(t) {
  if (!t || !t.alphas) return null;
  const alphas = finite(values(t.alphas, "path_trace.alphas"), "path_trace.alphas");
  if (alphas.length === 0) return null;
  const outputs = t.outputs ? finite(values(t.outputs, "path_trace.outputs"), "path_trace.outputs") : null;
  if (outputs && outputs.length !== alphas.length) {
    throw new Error(`payload path_trace: ${outputs.length} outputs for ${alphas.length} alphas`);
  }
  const features = (Array.isArray(t.features) ? t.features : []).map((f, i) => {
    if (!f || typeof f !== "object") throw new Error(`payload path_trace.features[${i}]: expected an object`);
    const cumulative = finite(values(f.cumulative, `path_trace.features[${i}]`), `path_trace.features[${i}]`);
    if (cumulative.length !== alphas.length) {
      throw new Error(`payload path_trace: feature ${i} has ${cumulative.length} points for ${alphas.length} alphas`);
    }
    return { name: str(f.name, `path_trace.features[${i}].name`), cumulative };
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
  if (p == null) return null;
  if (typeof p !== "object" || Array.isArray(p)) throw new Error(`payload: expected an object, got ${Array.isArray(p) ? "a list" : typeof p}`);
  if (!p.kind) return null;
  if (typeof p.kind !== "string" || !KINDS.includes(p.kind)) {
    throw new Error(`payload kind "${String(p.kind).slice(0, 40)}" is not one of ${KINDS.join(", ")}`);
  }
  if (!p.attr) throw new Error("payload attr: array record missing");
  if (p.kind === "image") {
    // checked before any array is decoded: the size bounds everything drawn
    const { height, width } = p;
    if (!(Number.isInteger(height) && Number.isInteger(width) && Number(height) > 0 && Number(width) > 0)) {
      throw new Error(`payload image: bad size ${String(height).slice(0, 20)}x${String(width).slice(0, 20)}`);
    }
    if (Number(height) > MAX_SIDE || Number(width) > MAX_SIDE) {
      throw new Error(`payload image: ${height}x${width} pixels is larger than ${MAX_SIDE}x${MAX_SIDE}`);
    }
  }
  const attr = finite(values(p.attr, "attr"), "attr");
  /** @type {Payload} */
  const out = {
    kind: p.kind,
    readout: decodeReadout(p.readout),
    trace: decodeTrace(p.path_trace),
    attr,
  };
  if (p.kind === "image") {
    const height = Number(p.height);
    const width = Number(p.width);
    out.height = height;
    out.width = width;
    out.attr = lengthOf(attr, height * width, "attr");
    out.image = p.image ? lengthOf(values(p.image, "image"), height * width * 4, "image (RGBA)") : null;
    // segments=: each pixel's group 0..G-1, for the per-segment display
    out.segments = p.segments ? lengthOf(values(p.segments, "segments"), height * width, "segments") : null;
  } else if (p.kind === "multi") {
    const raw = Array.isArray(p.panels) ? p.panels : [];
    if (raw.length === 0) throw new Error("payload multi: no panels");
    out.panels = raw.map((panel, i) => {
      if (!panel || panel.kind === "multi") throw new Error(`payload multi: panel ${i} is not one input`);
      const inner = /** @type {Payload} */ (decodePayload(panel));
      return {
        ...inner,
        name: str(panel.name, `panel ${i} name`) || `input ${i}`,
        share: num(panel.share, `panel ${i} share`),
        sum: num(panel.sum, `panel ${i} sum`),
      };
    });
    const n = out.panels.reduce((acc, q) => acc + q.attr.length, 0);
    out.attr = lengthOf(attr, n, "attr (every panel's values)");
  } else if (p.kind === "text") {
    const tokens = strings(p.tokens, "tokens");
    out.tokens = tokens;
    out.attr = lengthOf(attr, tokens.length, "attr (one per token)");
  } else {
    const names = strings(p.names, "names");
    out.names = names;
    out.attr = lengthOf(attr, names.length, "attr (one per feature)");
    out.values = p.values ? lengthOf(values(p.values, "values"), names.length, "values") : null;
  }
  // an averaged result's std across samples, one per display value
  out.spread = p.spread ? lengthOf(finite(values(p.spread, "spread"), "spread"), out.attr.length, "spread") : null;
  return out;
}
