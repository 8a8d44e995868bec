// @ts-check
// Control strip. Recompute traits (n_steps, method, baseline, path, target) are
// saved to Python (sliders debounced by the `debounce_ms` trait); display traits
// (sign, colormap, opacity, clip_percentile, top_k) are only set locally, so the
// view redraws from the cached payload without a round trip.
import { h, suppressShortcuts } from "./dom.js";
import { debounce } from "./lib/debounce.js";
import { sliderToValue, valueToSlider, SLIDER_MAX } from "./lib/logscale.js";
import { SIGN_MODES } from "./lib/scale.js";
import { readableOptions } from "./lib/labels.js";
import { createTargetPicker } from "./target-picker.js";
import { createModelPicker } from "./model-picker.js";
import { distributionEntries, patchLabel } from "./lib/spread.js";

/** @typedef {import("./types.js").Model} Model */
/** @typedef {import("./dom.js").Disposer} Disposer */
/** @typedef {import("./types.js").Traits} Traits */

const STEPS_MIN = 1; // one gradient evaluation; the largest comes from the kernel (max_steps)
const SAMPLES_MIN = 2; // a spread needs two samples; the kernel refuses more than 256
const SAMPLES_MAX = 256;
/** the paths that move groups of pixels (the patch-size control applies to them) */
const GROUPED_PATHS = ["extremal", "all_orderings"];

/** @typedef {{value: string | number, label: string}} Option */
/** @typedef {{label?: string, options: Option[]}} OptionGroup */
/** @typedef {import("./dom.js").Props["attrs"]} Attrs */

/**
 * @param {string} cls
 * @param {Attrs} attrs
 */
const input = (cls, attrs) =>
  suppressShortcuts(/** @type {HTMLInputElement} */ (h("input", { class: `igw-input ${cls}`, attrs })));
/**
 * @param {string} cls
 * @param {Attrs} attrs
 */
const select = (cls, attrs) =>
  suppressShortcuts(/** @type {HTMLSelectElement} */ (h("select", { class: `igw-input ${cls}`, attrs })));

/**
 * @param {string} label
 * @param {string} name
 * @param {HTMLElement[]} controls
 */
function field(label, name, ...controls) {
  return h("label", { class: `igw-field igw-field-${name}` }, [h("span", { class: "igw-label", text: label }), ...controls]);
}

/**
 * Replace a select's options; groups = [{label?, options: [{value, label}]}]. Keeps `current` selected.
 * @param {HTMLSelectElement} select
 * @param {OptionGroup[]} groups
 * @param {unknown} current
 */
function setOptions(select, groups, current) {
  select.replaceChildren();
  for (const g of groups) {
    const parent = g.label ? h("optgroup", { attrs: { label: g.label } }) : select;
    for (const o of g.options) parent.append(h("option", { text: o.label, attrs: { value: String(o.value) } }));
    if (g.label) select.append(parent);
  }
  if (current != null) select.value = String(current);
}

/**
 * @param {unknown} list
 * @returns {OptionGroup[]}
 */
const plain = (list) => [{ options: (Array.isArray(list) ? list : []).map((v) => ({ value: v, label: String(v) })) }];

/**
 * Options list that always contains the current value, even if the kernel's list lacks it.
 * @param {OptionGroup[]} groups
 * @param {string | number} current
 * @param {string} [label]
 * @returns {OptionGroup[]}
 */
function withCurrent(groups, current, label) {
  const has = groups.some((g) => g.options.some((o) => String(o.value) === String(current)));
  if (has || current == null || current === "") return groups;
  return [{ options: [{ value: current, label: label ?? String(current) }] }, ...groups];
}

/**
 * Build the controls; every listener goes through `d` (a Disposer).
 * Returns {el, setKind(kind)}: setKind shows the top-k box only for tabular.
 * @param {Model} model
 * @param {Disposer} d
 */
export function createControls(model, d) {
  const STEPS_MAX = Number(model.get("max_steps"));
  /**
   * @template {keyof Traits} K
   * @param {K} name
   * @param {Traits[K]} value
   */
  const saveNow = (name, value) => {
    model.set(name, value);
    model.save_changes();
  };
  /**
   * Display-only: no message.
   * @template {keyof Traits} K
   * @param {K} name
   * @param {Traits[K]} value
   */
  const setLocal = (name, value) => model.set(name, value);
  const saveSteps = debounce((/** @type {number} */ n) => saveNow("n_steps", n), () => model.get("debounce_ms"));
  d.add(saveSteps.cancel);

  // --- n_steps: log slider + exact number box
  const steps = input("igw-steps", { type: "range", min: 0, max: SLIDER_MAX, step: 1, "aria-label": "integration steps" });
  const stepsNum = input("igw-steps-number", { type: "number", min: STEPS_MIN, max: STEPS_MAX, step: 1, "aria-label": "integration steps (exact)" });
  d.on(steps, "input", () => {
    const n = sliderToValue(Number(steps.value), STEPS_MIN, STEPS_MAX);
    stepsNum.value = String(n);
    saveSteps(n);
  });
  // Releasing the thumb (or a key the browser handles, such as Home/End) ends the
  // gesture: send at once rather than after the debounce delay.
  d.on(steps, "change", () => saveSteps.flush());
  // Arrow keys step by one integer: near 50, one slider position is less than one step.
  /** @type {Record<string, number>} */
  const ARROWS = { ArrowRight: 1, ArrowUp: 1, ArrowLeft: -1, ArrowDown: -1 };
  d.on(steps, "keydown", (/** @type {KeyboardEvent} */ e) => {
    const dir = ARROWS[e.key];
    if (!dir) return;
    e.preventDefault();
    const cur = Number(stepsNum.value) || sliderToValue(Number(steps.value), STEPS_MIN, STEPS_MAX);
    const n = Math.min(STEPS_MAX, Math.max(STEPS_MIN, cur + dir));
    stepsNum.value = String(n);
    steps.value = String(valueToSlider(n, STEPS_MIN, STEPS_MAX));
    saveSteps(n);
  });
  function commitSteps() {
    const n = Math.round(Number(stepsNum.value));
    if (stepsNum.value.trim() === "" || !Number.isFinite(n)) return syncSteps(); // undo bad typing
    const c = Math.min(STEPS_MAX, Math.max(STEPS_MIN, n));
    stepsNum.value = String(c);
    steps.value = String(valueToSlider(c, STEPS_MIN, STEPS_MAX));
    saveSteps.cancel();
    if (c !== Number(model.get("n_steps"))) saveNow("n_steps", c);
  }
  d.on(stepsNum, "change", commitSteps);
  // JupyterLab swallows Enter before the input's own "change" fires, so commit here.
  d.on(stepsNum, "keydown", (/** @type {KeyboardEvent} */ e) => {
    if (e.key !== "Enter") return;
    e.preventDefault();
    e.stopPropagation();
    commitSteps();
  });
  function syncSteps() {
    const n = Number(model.get("n_steps"));
    stepsNum.value = String(n);
    // Leave the thumb alone if it already means n (avoids a jump mid-drag).
    if (sliderToValue(Number(steps.value), STEPS_MIN, STEPS_MAX) !== n) {
      steps.value = String(valueToSlider(n, STEPS_MIN, STEPS_MAX));
    }
  }

  // --- selects
  const method = select("igw-method", { "aria-label": "integration method" });
  const baseline = select("igw-baseline", { "aria-label": "baseline" });
  const path = select("igw-path", { "aria-label": "path" });
  const target = createTargetPicker(model, d, (v) => saveNow("target", v));
  const sign = select("igw-sign", { "aria-label": "sign" });
  const colormap = select("igw-colormap", { "aria-label": "colormap" });
  d.on(method, "change", () => saveNow("method", method.value));
  d.on(baseline, "change", () => saveNow("baseline", baseline.value));
  d.on(path, "change", () => saveNow("path", path.value));
  d.on(sign, "change", () => setLocal("sign", /** @type {Traits["sign"]} */ (sign.value)));
  d.on(colormap, "change", () => setLocal("colormap", colormap.value));

  /**
   * Methods and paths are identifiers shown by their readable names; baselines are
   * names already (the user's own among them), shown as they are: a baseline called
   * "blur" is not the Blur IG path.
   * @param {HTMLSelectElement} sel
   * @param {"method_options" | "baseline_options" | "path_options"} optionsTrait
   * @param {"method" | "baseline" | "path"} trait
   * @param {boolean} [asGiven]
   */
  const syncSelect = (sel, optionsTrait, trait, asGiven = false) => () => {
    const list = model.get(optionsTrait);
    const groups = asGiven ? plain(list) : [{ options: readableOptions(list) }];
    setOptions(sel, withCurrent(groups, model.get(trait)), model.get(trait));
  };
  const syncMethod = syncSelect(method, "method_options", "method");
  const syncBaseline = syncSelect(baseline, "baseline_options", "baseline", true);
  const syncPathOptions = syncSelect(path, "path_options", "path");
  // One path on offer is no choice: hide the select. A forward-only path (extremal,
  // all orderings) uses neither steps nor a quadrature rule: those controls go inactive.
  function syncPath() {
    syncPathOptions();
    const opts = model.get("path_options");
    pathField.hidden = !Array.isArray(opts) || opts.length <= 1;
    const fwd = model.get("forward_only_paths");
    const off = Array.isArray(fwd) && fwd.includes(model.get("path"));
    for (const c of [steps, stepsNum, method, auto]) c.disabled = off;
    if (!off && model.get("steps_auto")) method.disabled = true;
    const averaged = model.get("distribution") !== "none";
    syncPatch();
    if (!computeOn) return; // offline: every compute control stays off
    auto.disabled = off || averaged; // a distribution integrates with fixed steps
    path.disabled = averaged && model.get("path") === "straight";
    path.title = path.disabled ? "averaging over a distribution uses the straight line: set 'average' to none to pick another path" : "";
    distribution.disabled = model.get("path") !== "straight" && !averaged;
    distribution.title = distribution.disabled ? "averaging uses the straight-line path" : "";
    for (const f of [stepsField, methodField]) {
      f.classList.toggle("igw-field-off", off);
      f.title = off ? "this path is computed with forward passes only: steps and method do not apply" : "";
    }
  }
  const syncSign = () => setOptions(sign, withCurrent(plain(SIGN_MODES), model.get("sign")), model.get("sign"));
  const syncTarget = target.sync;
  function syncColormap() {
    const maps = model.get("_colormaps") || {};
    const groups = ["diverging", "sequential"].map((kind) => ({
      label: kind,
      options: Object.keys(maps).filter((k) => (maps[k]?.kind === "diverging") === (kind === "diverging")).map((k) => ({ value: k, label: k })),
    })).filter((g) => g.options.length);
    setOptions(colormap, withCurrent(groups, model.get("colormap")), model.get("colormap"));
  }

  // --- display sliders (redraw on every input event; drawing is rAF-coalesced)
  const opacity = input("igw-opacity", { type: "range", min: 0, max: 1, step: 0.01, "aria-label": "heatmap opacity" });
  const opacityVal = h("span", { class: "igw-value igw-opacity-value" });
  const clip = input("igw-clip", { type: "range", min: 50, max: 100, step: 0.1, "aria-label": "clip percentile" });
  const clipVal = h("span", { class: "igw-value igw-clip-value" });
  const topk = input("igw-topk", { type: "number", min: 1, step: 1, "aria-label": "features shown" });
  d.on(opacity, "input", () => setLocal("opacity", Number(opacity.value)));
  d.on(clip, "input", () => setLocal("clip_percentile", Number(clip.value)));
  d.on(topk, "input", () => {
    const k = Math.round(Number(topk.value));
    if (Number.isFinite(k) && k >= 1) setLocal("top_k", k);
  });
  d.on(topk, "change", () => { topk.value = String(model.get("top_k")); }); // undo invalid typing
  function syncOpacity() {
    const v = Number(model.get("opacity"));
    opacity.value = String(v);
    opacityVal.textContent = `${Math.round(v * 100)}%`;
  }
  function syncClip() {
    const v = Number(model.get("clip_percentile"));
    clip.value = String(v);
    clipVal.textContent = `p${v.toFixed(1).replace(/\.0$/, "")}`;
  }
  const syncTopk = () => { if (document.activeElement !== topk) topk.value = String(model.get("top_k")); };

  // --- averaging over a distribution (Expected Gradients, SmoothGrad): its samples and
  // noise; straight-line IG only, so the path select rests while one is on (and the
  // other way round)
  const distribution = select("igw-distribution", { "aria-label": "average over" });
  const samples = input("igw-samples", { type: "number", min: SAMPLES_MIN, max: SAMPLES_MAX, step: 1, "aria-label": "samples" });
  const noise = input("igw-noise", { type: "number", min: 0, max: 1, step: 0.01, "aria-label": "noise, a fraction of the input's range" });
  const samplesWrap = h("label", { class: "igw-field igw-field-samples" }, [h("span", { class: "igw-label", text: "samples" }), samples]);
  const noiseWrap = h("label", { class: "igw-field igw-field-noise", attrs: { title: "the noise's standard deviation as a fraction of the input's range (max − min)" } }, [
    h("span", { class: "igw-label", text: "noise" }), noise, h("span", { class: "igw-label", text: "× range" }),
  ]);
  d.on(distribution, "change", () => saveNow("distribution", distribution.value));
  d.on(samples, "change", () => {
    const n = Math.round(Number(samples.value));
    if (Number.isFinite(n) && n >= SAMPLES_MIN && n <= SAMPLES_MAX) saveNow("samples", n);
    else syncDistribution(); // undo bad typing
  });
  d.on(noise, "change", () => {
    const v = Number(noise.value);
    if (noise.value.trim() !== "" && Number.isFinite(v) && v >= 0 && v <= 1) saveNow("noise", v);
    else syncDistribution();
  });
  function syncDistribution() {
    const entries = distributionEntries(model.get("distribution_options"), kindNow);
    distribution.replaceChildren(...entries.map((o) => {
      const opt = h("option", { text: o.label, attrs: { value: o.value, disabled: Boolean(o.disabled), title: o.title } });
      return opt;
    }));
    distribution.value = String(model.get("distribution"));
    const on = model.get("distribution") !== "none";
    samples.value = String(model.get("samples"));
    noise.value = String(model.get("noise"));
    samplesWrap.hidden = !on;
    noiseWrap.hidden = model.get("distribution") !== "smoothgrad";
    distributionField.hidden = entries.length <= 1; // several inputs: nothing to choose
    syncPath();
  }

  // --- the patch size of the image paths that move patches, and of the "per patch"
  // display (the attribution summed per patch; display only)
  const patch = select("igw-patch", { "aria-label": "patch size" });
  d.on(patch, "change", () => saveNow("patch_size", Number(patch.value)));
  const perPatch = /** @type {HTMLInputElement} */ (input("igw-per-patch", { type: "checkbox", "aria-label": "attribution summed per patch" }));
  d.on(perPatch, "change", () => setLocal("patch_display", perPatch.checked));
  function syncPatch() {
    const sizes = model.get("patch_size_options");
    const raw = /** @type {{height?: unknown, width?: unknown, segment_sums?: unknown}} */ (model.get("_payload") || {});
    const list = Array.isArray(sizes) ? sizes : [];
    const given = Array.isArray(raw.segment_sums) ? raw.segment_sums.length : 0;
    setOptions(patch, [{ options: list.map((v, i) => ({ value: v, label: `${patchLabel(v, raw.height, raw.width, given)}${i === 0 ? " default" : ""}` })) }], model.get("patch_size"));
    const grouped = GROUPED_PATHS.includes(model.get("path"));
    perPatch.checked = model.get("patch_display") === true;
    perPatchField.hidden = list.length === 0;
    patchField.hidden = list.length === 0 || !(grouped || perPatch.checked);
  }

  // Shown when the compute controls cannot work (no kernel, or no model).
  const computeNote = h("div", { class: "igw-compute-note", attrs: { role: "note" } });
  computeNote.hidden = true;
  

  const topkField = field("top k", "topk", topk);
  // "steps: auto": the engine refines until the completeness error is under the tolerance
  // (percent here); the steps box is then the most steps to spend.
  const auto = /** @type {HTMLInputElement} */ (input("igw-steps-auto", { type: "checkbox", "aria-label": "steps: auto" }));
  const tol = input("igw-auto-tol", { type: "number", min: 0.0001, max: 50, step: "any", "aria-label": "auto: allowed error in percent" });
  const tolField = h("span", { class: "igw-auto-tol-wrap" }, [tol, h("span", { class: "igw-label", text: "% error" })]);
  d.on(auto, "change", () => saveNow("steps_auto", auto.checked));
  d.on(tol, "change", () => {
    const p = Number(tol.value);
    if (Number.isFinite(p) && p > 0 && p <= 50) saveNow("auto_tol", p / 100);
    else syncAuto();
  });
  function syncAuto() {
    auto.checked = Boolean(model.get("steps_auto"));
    tol.value = String(+(Number(model.get("auto_tol")) * 100).toPrecision(3));
    tolField.hidden = !auto.checked;
    method.disabled = auto.checked || stepsField.classList.contains("igw-field-off");
    stepsNum.title = auto.checked ? "the most steps auto may spend" : "";
  }
  const autoLabel = h("label", { class: "igw-field igw-field-auto" }, [auto, h("span", { class: "igw-label", text: "auto" })]);
  const stepsField = field("steps", "steps", steps, stepsNum, autoLabel, tolField);
  const modelPicker = createModelPicker(model, d); // compare_model=: which model is explained
  const computeInputs = [steps, stepsNum, auto, tol, method, baseline, path, distribution, samples, noise, patch, ...target.inputs, ...modelPicker.inputs];
  const methodField = field("method", "method", method);
  const pathField = field("path", "path", path);
  const patchField = field("patch", "patch", patch);
  const perPatchField = h("label", { class: "igw-field igw-field-per-patch" }, [perPatch, h("span", { class: "igw-label", text: "per patch" })]);
  const distributionField = field("average", "distribution", distribution);
  /** @type {string | null} */
  let kindNow = model.get("modality") || null;
  let computeOn = true;
  const opacityField = field("opacity", "opacity", opacity, opacityVal);
  const clipField = field("clip", "clip", clip, clipVal);
  const el = h("div", { class: "igw-controls" }, [
    h("div", { class: "igw-row igw-row-compute" }, [
      modelPicker.el,
      field("target", "target", target.el),
      stepsField,
      methodField,
      field("baseline", "baseline", baseline),
      pathField,
      patchField,
      distributionField,
      samplesWrap,
      noiseWrap,
      computeNote,
    ]),
    h("div", { class: "igw-row igw-row-display" }, [
      field("sign", "sign", sign),
      field("colormap", "colormap", colormap),
      opacityField,
      clipField,
      topkField,
      perPatchField,
    ]),
  ]);

  const syncs = {
    n_steps: syncSteps, method: syncMethod, method_options: syncMethod, baseline: syncBaseline,
    baseline_options: syncBaseline, path: syncPath, path_options: syncPath, forward_only_paths: syncPath,
    target: syncTarget, top_classes: syncTarget, class_labels: syncTarget, generated_tokens: syncTarget,
    generation_step: syncTarget, steps_auto: syncAuto, auto_tol: syncAuto,
    distribution: syncDistribution, distribution_options: syncDistribution, samples: syncDistribution,
    noise: syncDistribution, patch_size: syncPatch, patch_size_options: syncPatch, _payload: syncPatch,
    patch_display: syncPatch,
    sign: syncSign, colormap: syncColormap, _colormaps: syncColormap,
    opacity: syncOpacity, clip_percentile: syncClip, top_k: syncTopk,
  };
  for (const [trait, fn] of Object.entries(syncs)) d.model(model, `change:${trait}`, fn);
  for (const fn of new Set(Object.values(syncs))) fn();

  return {
    el,
    /**
     * Enable the controls that recompute, or disable them and say why.
     * @param {boolean} enabled
     * @param {string} why
     */
    setCompute(enabled, why) {
      computeOn = enabled;
      for (const c of computeInputs) c.disabled = !enabled;
      if (enabled) syncPath(); // steps and method stay off where the path ignores them (and
      // the path or the distribution where the other one is on)
      computeNote.textContent = enabled ? "" : why;
      computeNote.hidden = enabled;
      el.classList.toggle("igw-compute-off", !enabled);
    },
    /**
     * Show only the controls that mean something for this modality.
     * @param {string | null} kind
     */
    setKind(kind) {
      if (kind !== kindNow) {
        kindNow = kind;
        syncDistribution();
      }
      topkField.hidden = kind !== "tabular" && kind !== "multi";
      opacityField.hidden = kind !== "image" && kind !== "multi"; // only the image view blends
      clipField.hidden = kind === "tabular"; // bars scale to the largest |attr|
    },
  };
}
