// js/dom.js
var SVG_NS = "http://www.w3.org/2000/svg";
function h(tag, props = {}, children = []) {
  return build(document.createElement(tag), props, children);
}
function s(tag, props = {}, children = []) {
  return build(document.createElementNS(SVG_NS, tag), props, children);
}
function build(el, props, children) {
  if (props.class) el.setAttribute("class", props.class);
  if (props.text != null) el.textContent = String(props.text);
  for (const [k, v] of Object.entries(props.attrs || {})) {
    if (v != null && v !== false) el.setAttribute(k, v === true ? "" : String(v));
  }
  if (props.style) Object.assign(el.style, props.style);
  for (const c of children) if (c != null) el.append(c);
  return el;
}
function suppressShortcuts(el) {
  el.setAttribute("data-lm-suppress-shortcuts", "true");
  return el;
}
var Disposer = class {
  constructor() {
    this.fns = [];
  }
  /**
   * @template {() => void} F
   * @param {F} fn
   * @returns {F}
   */
  add(fn) {
    this.fns.push(fn);
    return fn;
  }
  /**
   * DOM event listener, removed on dispose.
   * @param {EventTarget} target
   * @param {string} type
   * @param {(e: any) => void} handler
   * @param {AddEventListenerOptions} [opts]
   */
  on(target, type, handler, opts) {
    target.addEventListener(type, handler, opts);
    this.add(() => target.removeEventListener(type, handler, opts));
  }
  /**
   * anywidget model listener ("change:x"), removed on dispose.
   * @param {import("./types.js").Model} model
   * @param {string} event
   * @param {() => void} handler
   */
  model(model, event, handler) {
    model.on(event, handler);
    this.add(() => model.off(event, handler));
  }
  dispose() {
    for (const fn of this.fns.splice(0).reverse()) {
      try {
        fn();
      } catch (e) {
        console.error("ig_widget cleanup", e);
      }
    }
  }
};
function frameScheduler(fn) {
  let id = null;
  const schedule = () => {
    if (id === null) {
      id = requestAnimationFrame(() => {
        id = null;
        fn();
      });
    }
  };
  schedule.cancel = () => {
    if (id !== null) cancelAnimationFrame(id);
    id = null;
  };
  return schedule;
}

// js/lib/debounce.js
function debounce(fn, getWait) {
  let timer = null;
  let lastArgs = null;
  const run = () => {
    timer = null;
    const args = lastArgs;
    lastArgs = null;
    if (args) fn(...args);
  };
  const debounced = (...args) => {
    lastArgs = args;
    if (timer !== null) clearTimeout(timer);
    const wait = Math.max(0, Number(getWait()) || 0);
    timer = setTimeout(run, wait);
  };
  debounced.cancel = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    lastArgs = null;
  };
  debounced.flush = () => {
    if (timer !== null) {
      clearTimeout(timer);
      run();
    }
  };
  return debounced;
}

// js/lib/logscale.js
var SLIDER_MAX = 1e3;
function sliderToValue(pos, lo, hi) {
  const t = Math.min(1, Math.max(0, pos / SLIDER_MAX));
  const v = Math.round(Math.exp(Math.log(lo) + t * (Math.log(hi) - Math.log(lo))));
  return Math.min(hi, Math.max(lo, v));
}
function valueToSlider(v, lo, hi) {
  const c = Math.min(hi, Math.max(lo, Number(v) || lo));
  if (hi === lo) return 0;
  return Math.round((Math.log(c) - Math.log(lo)) / (Math.log(hi) - Math.log(lo)) * SLIDER_MAX);
}

// js/lib/scale.js
var SIGN_MODES = ["signed", "positive", "negative", "absolute"];
function signValue(v, mode) {
  switch (mode) {
    case "positive":
      return v > 0 ? v : 0;
    case "negative":
      return v < 0 ? -v : 0;
    case "absolute":
      return Math.abs(v);
    default:
      return v;
  }
}
function applySign(values2, mode) {
  if (mode === "signed" || !SIGN_MODES.includes(mode)) return values2;
  const out = new Float32Array(values2.length);
  for (let i = 0; i < values2.length; i++) out[i] = signValue(values2[i], mode);
  return out;
}
function sortedAbs(values2) {
  const out = new Float64Array(values2.length);
  let n = 0;
  for (let i = 0; i < values2.length; i++) {
    const a = Math.abs(values2[i]);
    if (a === a) out[n++] = a;
  }
  return out.subarray(0, n).sort();
}
function percentileSorted(sorted, p) {
  const n = sorted.length;
  if (n === 0) return NaN;
  const q = Math.min(100, Math.max(0, p)) / 100;
  const pos = q * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}
function clipLimit(sorted, p) {
  const c = percentileSorted(sorted, p);
  if (c > 0) return c;
  const max = sorted.length ? sorted[sorted.length - 1] : 0;
  return max > 0 ? max : 0;
}
function displayRange(mode, clip) {
  const c = Math.abs(clip) || 0;
  if (mode === "signed") return [-c, c];
  if (mode === "negative") return [-c, 0];
  return [0, c];
}
function extent(values2) {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values2.length; i++) {
    const v = values2[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : [NaN, NaN];
}
function niceTicks(lo, hi, count = 5) {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (lo === hi) return [lo];
  if (lo > hi) [lo, hi] = [hi, lo];
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s2) => s2 >= raw) || 10 * mag;
  const ticks = [];
  for (let i = Math.ceil(lo / step - 1e-9); i * step <= hi + step * 1e-9; i++) {
    ticks.push(Math.abs(i * step) < step * 1e-9 ? 0 : i * step);
  }
  return ticks;
}
function topByMagnitude(values2, k) {
  const idx = Array.from(values2, (_, i) => i);
  const mag = (i) => {
    const a = Math.abs(values2[i]);
    return a === a ? a : -1;
  };
  idx.sort((i, j) => mag(j) - mag(i) || i - j);
  return idx.slice(0, Math.max(0, Math.floor(k)));
}
function scaleCache(attr) {
  const byMode = /* @__PURE__ */ new Map();
  return (mode, percentile) => {
    let entry = byMode.get(mode);
    if (!entry) {
      const values2 = applySign(attr, mode);
      entry = { values: values2, sorted: sortedAbs(values2) };
      byMode.set(mode, entry);
    }
    return { values: entry.values, clip: clipLimit(entry.sorted, percentile) };
  };
}

// js/lib/labels.js
var NAMES = {
  gausslegendre: "Gauss\u2013Legendre",
  riemann_left: "Riemann, left",
  riemann_right: "Riemann, right",
  riemann_middle: "Riemann, midpoint",
  riemann_trapezoid: "Riemann, trapezoid",
  straight: "straight line",
  extremal: "extremal (one feature or patch at a time)",
  all_orderings: "all orderings (Shapley)",
  guided: "Guided IG",
  blur: "Blur IG"
};
function readableName(id) {
  const key = String(id ?? "");
  return Object.prototype.hasOwnProperty.call(NAMES, key) ? NAMES[key] : key;
}
function readableOptions(list) {
  return (Array.isArray(list) ? list : []).map((v) => ({ value: String(v), label: readableName(v) }));
}
function targetText(target, label) {
  if (target == null) return `target: ${label || "output"}`;
  if (!label || label === String(target) || label === `class ${target}`) return `target: class ${target}`;
  return `target: ${label} (#${target})`;
}
function settingsText(r) {
  const forwardOnly = Boolean(r.pathDetail);
  const auto = r.autoTol != null;
  const parts = forwardOnly ? [readableName(r.path), r.pathDetail] : auto ? [
    `auto: ${r.autoSteps} steps for error \u2264 ${+(Number(r.autoTol) * 100).toPrecision(3)}% (at most ${r.nSteps})`,
    r.path && r.path !== "straight" ? `path: ${readableName(r.path)}` : ""
  ] : [
    r.method ? readableName(r.method) : "",
    r.nSteps != null ? `${r.nSteps} step${r.nSteps === 1 ? "" : "s"}` : "",
    r.path && r.path !== "straight" ? `path: ${readableName(r.path)}` : ""
  ];
  parts.push(r.baseline ? `baseline: ${r.baseline}` : "");
  parts.push(r.spreadDetail ?? "");
  if (r.model) parts.unshift(`model: ${r.model}`);
  return parts.filter(Boolean).join(" \xB7 ");
}
function barsFooter({ shown, pool, total, mode, rest, restCount }, fmt) {
  const kind = mode === "positive" || mode === "negative" ? `${mode} ` : "";
  if (shown >= total) return `all ${total} features`;
  const head = kind ? `the ${shown} largest of ${pool} ${kind}features (of ${total})` : `the ${shown} largest of ${total} features`;
  const any = kind ? " (any sign)" : "";
  return `${head} \xB7 the other ${restCount} feature${restCount === 1 ? "" : "s"}${any} sum to ${fmt(rest)}`;
}
function pointsText(k, n) {
  if (n != null && k === n) return `${n} nodes`;
  if (n != null && k === n + 1) return `${n} nodes + one end of the path`;
  if (n != null && k === n + 2) return `${n} nodes + both ends (\u03B1 = 0, 1)`;
  return `${k} points`;
}

// js/lib/format.js
function formatNumber(value, digits = 3) {
  const x = typeof value === "number" ? value : Number(value);
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "\u221E";
  if (x === -Infinity) return "\u2212\u221E";
  if (x === 0) return "0";
  const a = Math.abs(x);
  let s2;
  if (a < 1e-3 || a >= 1e4) {
    const [m, e] = x.toExponential(Math.max(0, digits - 1)).split("e");
    s2 = `${trimZeros(m)}e${Number(e)}`;
  } else {
    const decimals = Math.max(0, digits - 1 - Math.floor(Math.log10(a)));
    s2 = trimZeros(x.toFixed(Math.min(20, decimals)));
  }
  return s2.replace(/^-/, "\u2212");
}
function trimZeros(s2) {
  return s2.includes(".") ? s2.replace(/\.?0+$/, "") : s2;
}
function formatValue(x, digits = 4) {
  if (typeof x === "number" && Number.isInteger(x) && Math.abs(x) < 1e12) return String(x).replace(/^-/, "\u2212");
  return formatNumber(x, digits);
}
function formatSigned(x, digits = 3) {
  const s2 = formatNumber(x, digits);
  return x > 0 ? `+${s2}` : s2;
}
function formatDelta(delta, digits = 2) {
  return `\u03B4 = ${formatNumber(delta, digits)}`;
}
function formatPercent(p) {
  if (!Number.isFinite(p)) return "\u2013";
  const v = p * 100;
  if (v > 0 && v < 0.1) return "<0.1%";
  return `${v.toFixed(1)}%`;
}
function formatShare(r) {
  if (!Number.isFinite(r)) return "\u2013";
  if (r < 1e-4) return r === 0 ? "0%" : "<0.01%";
  return `${formatNumber(r * 100, 3)}%`;
}
function formatTick(value, step) {
  const a = Math.abs(value);
  if (!(step > 0) || step < 1e-4 || a >= 1e5) return formatNumber(value, 3);
  if (value === 0) return "0";
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  return value.toFixed(decimals).replace(/^-/, "\u2212");
}

// js/lib/target-search.js
function searchLabels(labels, query, limit = 20) {
  const q = query;
  const qt = q.trim();
  if (qt === "") return [];
  const ql = qt.toLowerCase();
  const tiers = [[], [], [], [], [], []];
  if (/^\d+$/.test(qt)) {
    const i = Number(qt);
    if (i < labels.length) tiers[0].push(i);
  }
  for (let i = 0; i < labels.length; i++) {
    const raw = String(labels[i]);
    if (raw === q) {
      tiers[1].push(i);
      continue;
    }
    const t = raw.trim();
    if (t === qt) {
      tiers[2].push(i);
      continue;
    }
    const l = t.toLowerCase();
    if (l === ql) tiers[3].push(i);
    else if (l.startsWith(ql)) tiers[4].push(i);
    else if (tiers[5].length < limit && l.includes(ql)) tiers[5].push(i);
  }
  const out = [];
  const seen = /* @__PURE__ */ new Set();
  for (const tier of tiers) {
    for (const i of tier) {
      if (seen.has(i)) continue;
      seen.add(i);
      out.push(i);
      if (out.length >= limit) return out;
    }
  }
  return out;
}
function showLabel(label) {
  const s2 = String(label);
  return s2 !== s2.trim() || s2 === "" ? JSON.stringify(s2) : s2;
}
function formatScore(score, activation, percent, value) {
  return activation === "none" ? value(score) : percent(score);
}

// js/target-picker.js
var MATCHES = 12;
function createTargetPicker(model, d, save) {
  const select2 = suppressShortcuts(
    /** @type {HTMLSelectElement} */
    h("select", { class: "igw-input igw-target", attrs: { "aria-label": "target class" } })
  );
  const search = suppressShortcuts(
    /** @type {HTMLInputElement} */
    h("input", { class: "igw-input igw-target-search", attrs: { type: "search", placeholder: "find a class\u2026", "aria-label": "find a target class" } })
  );
  const results = h("div", { class: "igw-target-results", attrs: { role: "listbox" } });
  results.hidden = true;
  const step = suppressShortcuts(
    /** @type {HTMLSelectElement} */
    h("select", { class: "igw-input igw-gen-step", attrs: { "aria-label": "generated token to explain" } })
  );
  step.hidden = true;
  const el = h("span", { class: "igw-target-picker" }, [step, select2, search, results]);
  d.on(step, "change", () => {
    const j = Number(step.value);
    const gen = model.get("generated_tokens") ?? [];
    if (!gen[j]) return;
    model.set("generation_step", j);
    model.set("target", gen[j].index);
    model.save_changes();
  });
  const labels = () => {
    const l = model.get("class_labels");
    return Array.isArray(l) ? l.map((v) => typeof v === "string" ? v : String(v)) : [];
  };
  const labelOf = (i) => labels()[i] ?? `class ${i}`;
  function pick(i) {
    search.value = "";
    results.hidden = true;
    results.replaceChildren();
    save(i);
  }
  function showMatches() {
    const found = searchLabels(labels(), search.value, MATCHES);
    results.replaceChildren(...found.map((i) => {
      const b = h("button", { class: "igw-target-match", text: `${showLabel(labelOf(i))}  #${i}`, attrs: { type: "button", role: "option", "data-index": i } });
      return b;
    }));
    if (search.value.trim() !== "" && found.length === 0) {
      results.append(h("span", { class: "igw-target-none", text: "no class matches" }));
    }
    results.hidden = search.value.trim() === "";
  }
  d.on(select2, "change", () => save(Number(select2.value)));
  d.on(search, "input", showMatches);
  d.on(search, "keydown", (e) => {
    const ev = (
      /** @type {KeyboardEvent} */
      e
    );
    if (ev.key === "Enter") {
      const [best] = searchLabels(labels(), search.value, 1);
      if (best !== void 0) pick(best);
      ev.preventDefault();
    } else if (ev.key === "Escape") {
      search.value = "";
      showMatches();
    }
  });
  d.on(results, "click", (e) => {
    const t = (
      /** @type {Element | null} */
      e.target
    );
    const b = (
      /** @type {HTMLElement | null} */
      t?.closest?.(".igw-target-match") ?? null
    );
    if (b) pick(Number(b.dataset.index));
  });
  function sync() {
    const raw = model.get("top_classes");
    const classes = (Array.isArray(raw) ? raw : []).filter((c) => c !== null && typeof c === "object" && Number.isInteger(c.index));
    const cur = Number(model.get("target"));
    select2.replaceChildren();
    const opts = classes.map((c) => ({
      value: c.index,
      label: `${showLabel(c.label == null ? labelOf(c.index) : String(c.label))} (${formatScore(Number(c.prob), c.activation, formatPercent, (v) => formatValue(v, 4))})`
    }));
    if (!opts.some((o) => o.value === cur)) opts.unshift({ value: cur, label: showLabel(labelOf(cur)) });
    for (const o of opts) select2.append(h("option", { text: o.label, attrs: { value: String(o.value) } }));
    select2.value = String(cur);
    search.hidden = labels().length <= classes.length;
    const rawGen = model.get("generated_tokens");
    const gen = (Array.isArray(rawGen) ? rawGen : []).filter((g) => g !== null && typeof g === "object");
    step.hidden = gen.length === 0;
    step.replaceChildren(...gen.map((g, j) => h("option", { text: `step ${j + 1}: ${showLabel(String(g.label))} #${String(g.index)}`, attrs: { value: String(j) } })));
    if (gen.length) step.value = String(model.get("generation_step"));
  }
  return { el, select: select2, inputs: [select2, search, step], sync };
}

// js/model-picker.js
function createModelPicker(model, d) {
  const select2 = suppressShortcuts(
    /** @type {HTMLSelectElement} */
    h("select", { class: "igw-input igw-model", attrs: { "aria-label": "model explained" } })
  );
  const el = h("label", { class: "igw-field igw-field-model" }, [h("span", { class: "igw-label", text: "model" }), select2]);
  d.on(select2, "change", () => {
    model.set(
      "model_choice",
      /** @type {"main" | "compare"} */
      select2.value
    );
    model.save_changes();
  });
  function sync() {
    const labels = model.get("model_labels") ?? {};
    const keys = Object.keys(labels);
    el.hidden = keys.length < 2;
    select2.replaceChildren(...keys.map((k) => h("option", { text: String(labels[k]), attrs: { value: k } })));
    select2.value = String(model.get("model_choice"));
  }
  for (const t of ["model_labels", "model_choice"]) d.model(model, `change:${t}`, sync);
  sync();
  return { el, inputs: [select2] };
}

// js/lib/spread.js
function spreadDisplay(display) {
  return { ...display, sign: "absolute" };
}
function whisker(mean, spread, maxAbs, oneSided) {
  if (!(maxAbs > 0) || !Number.isFinite(mean) || !Number.isFinite(spread) || spread <= 0) return null;
  const at = oneSided ? (v) => v / maxAbs * 100 : (v) => 50 + v / maxAbs * 50;
  const centre = oneSided ? Math.abs(mean) : mean;
  const lo = Math.min(100, Math.max(0, at(centre - spread)));
  const hi = Math.min(100, Math.max(0, at(centre + spread)));
  return hi > lo ? { left: lo, width: hi - lo } : null;
}
function withSpread(mean, spread, digits = 3) {
  const m = formatSigned(mean, digits);
  return spread == null || !Number.isFinite(spread) ? m : `${m} \xB1 ${formatNumber(spread, 2)}`;
}
function spreadCaption(detail) {
  return detail ? `spread: std across samples (${detail})` : "spread: std across samples";
}
function distributionEntries(offered, kind) {
  const list = Array.isArray(offered) ? offered.map(String) : ["none"];
  const names = { none: "none", smoothgrad: "SmoothGrad", expected_gradients: "expected gradients" };
  const out = list.map((v) => ({ value: v, label: names[v] ?? v }));
  const shapes = { image: "(B, C, H, W) images", tabular: "(B, F) rows", text: "(B, T) token-id rows of the input's length" };
  if (!list.includes("expected_gradients") && kind != null && shapes[kind]) {
    const shape = shapes[kind];
    out.push({
      value: "expected_gradients",
      label: "expected gradients (needs background=)",
      disabled: true,
      title: `pass IGWidget(model, x, background=...) with at least 2 ${shape} to enable it`
    });
  }
  return out;
}
function patchLabel(size, height, width, segments = 0) {
  if (size === -1) return segments > 0 ? `${segments} given segments` : "given segments";
  const h2 = Number(height);
  const w = Number(width);
  if (!(size > 0) || !(h2 > 0) || !(w > 0)) return `${size} px`;
  const rows = Math.ceil(h2 / size);
  const cols = Math.ceil(w / size);
  return `${size} px (${rows} \xD7 ${cols})`;
}

// js/controls.js
var STEPS_MIN = 1;
var SAMPLES_MIN = 2;
var SAMPLES_MAX = 256;
var GROUPED_PATHS = ["extremal", "all_orderings"];
var input = (cls, attrs) => suppressShortcuts(
  /** @type {HTMLInputElement} */
  h("input", { class: `igw-input ${cls}`, attrs })
);
var select = (cls, attrs) => suppressShortcuts(
  /** @type {HTMLSelectElement} */
  h("select", { class: `igw-input ${cls}`, attrs })
);
function field(label, name, ...controls) {
  return h("label", { class: `igw-field igw-field-${name}` }, [h("span", { class: "igw-label", text: label }), ...controls]);
}
function setOptions(select2, groups, current) {
  select2.replaceChildren();
  for (const g of groups) {
    const parent = g.label ? h("optgroup", { attrs: { label: g.label } }) : select2;
    for (const o of g.options) parent.append(h("option", { text: o.label, attrs: { value: String(o.value) } }));
    if (g.label) select2.append(parent);
  }
  if (current != null) select2.value = String(current);
}
var plain = (list) => [{ options: (Array.isArray(list) ? list : []).map((v) => ({ value: v, label: String(v) })) }];
function withCurrent(groups, current, label) {
  const has = groups.some((g) => g.options.some((o) => String(o.value) === String(current)));
  if (has || current == null || current === "") return groups;
  return [{ options: [{ value: current, label: label ?? String(current) }] }, ...groups];
}
function createControls(model, d) {
  const STEPS_MAX = Number(model.get("max_steps"));
  const saveNow = (name, value) => {
    model.set(name, value);
    model.save_changes();
  };
  const setLocal = (name, value) => model.set(name, value);
  const saveSteps = debounce((n) => saveNow("n_steps", n), () => model.get("debounce_ms"));
  d.add(saveSteps.cancel);
  const steps = input("igw-steps", { type: "range", min: 0, max: SLIDER_MAX, step: 1, "aria-label": "integration steps" });
  const stepsNum = input("igw-steps-number", { type: "number", min: STEPS_MIN, max: STEPS_MAX, step: 1, "aria-label": "integration steps (exact)" });
  d.on(steps, "input", () => {
    const n = sliderToValue(Number(steps.value), STEPS_MIN, STEPS_MAX);
    stepsNum.value = String(n);
    saveSteps(n);
  });
  d.on(steps, "change", () => saveSteps.flush());
  const ARROWS = { ArrowRight: 1, ArrowUp: 1, ArrowLeft: -1, ArrowDown: -1 };
  d.on(steps, "keydown", (e) => {
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
    if (stepsNum.value.trim() === "" || !Number.isFinite(n)) return syncSteps();
    const c = Math.min(STEPS_MAX, Math.max(STEPS_MIN, n));
    stepsNum.value = String(c);
    steps.value = String(valueToSlider(c, STEPS_MIN, STEPS_MAX));
    saveSteps.cancel();
    if (c !== Number(model.get("n_steps"))) saveNow("n_steps", c);
  }
  d.on(stepsNum, "change", commitSteps);
  d.on(stepsNum, "keydown", (e) => {
    if (e.key !== "Enter") return;
    e.preventDefault();
    e.stopPropagation();
    commitSteps();
  });
  function syncSteps() {
    const n = Number(model.get("n_steps"));
    stepsNum.value = String(n);
    if (sliderToValue(Number(steps.value), STEPS_MIN, STEPS_MAX) !== n) {
      steps.value = String(valueToSlider(n, STEPS_MIN, STEPS_MAX));
    }
  }
  const method = select("igw-method", { "aria-label": "integration method" });
  const baseline = select("igw-baseline", { "aria-label": "baseline" });
  const path = select("igw-path", { "aria-label": "path" });
  const target = createTargetPicker(model, d, (v) => saveNow("target", v));
  const sign = select("igw-sign", { "aria-label": "sign" });
  const colormap = select("igw-colormap", { "aria-label": "colormap" });
  d.on(method, "change", () => saveNow("method", method.value));
  d.on(baseline, "change", () => saveNow("baseline", baseline.value));
  d.on(path, "change", () => saveNow("path", path.value));
  d.on(sign, "change", () => setLocal(
    "sign",
    /** @type {Traits["sign"]} */
    sign.value
  ));
  d.on(colormap, "change", () => setLocal("colormap", colormap.value));
  const syncSelect = (sel, optionsTrait, trait, asGiven = false) => () => {
    const list = model.get(optionsTrait);
    const groups = asGiven ? plain(list) : [{ options: readableOptions(list) }];
    setOptions(sel, withCurrent(groups, model.get(trait)), model.get(trait));
  };
  const syncMethod = syncSelect(method, "method_options", "method");
  const syncBaseline = syncSelect(baseline, "baseline_options", "baseline", true);
  const syncPathOptions = syncSelect(path, "path_options", "path");
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
    if (!computeOn) return;
    auto.disabled = off || averaged;
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
      options: Object.keys(maps).filter((k) => maps[k]?.kind === "diverging" === (kind === "diverging")).map((k) => ({ value: k, label: k }))
    })).filter((g) => g.options.length);
    setOptions(colormap, withCurrent(groups, model.get("colormap")), model.get("colormap"));
  }
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
  d.on(topk, "change", () => {
    topk.value = String(model.get("top_k"));
  });
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
  const syncTopk = () => {
    if (document.activeElement !== topk) topk.value = String(model.get("top_k"));
  };
  const distribution = select("igw-distribution", { "aria-label": "average over" });
  const samples = input("igw-samples", { type: "number", min: SAMPLES_MIN, max: SAMPLES_MAX, step: 1, "aria-label": "samples" });
  const noise = input("igw-noise", { type: "number", min: 0, max: 1, step: 0.01, "aria-label": "noise, a fraction of the input's range" });
  const samplesWrap = h("label", { class: "igw-field igw-field-samples" }, [h("span", { class: "igw-label", text: "samples" }), samples]);
  const noiseWrap = h("label", { class: "igw-field igw-field-noise", attrs: { title: "the noise's standard deviation as a fraction of the input's range (max \u2212 min)" } }, [
    h("span", { class: "igw-label", text: "noise" }),
    noise,
    h("span", { class: "igw-label", text: "\xD7 range" })
  ]);
  d.on(distribution, "change", () => saveNow("distribution", distribution.value));
  d.on(samples, "change", () => {
    const n = Math.round(Number(samples.value));
    if (Number.isFinite(n) && n >= SAMPLES_MIN && n <= SAMPLES_MAX) saveNow("samples", n);
    else syncDistribution();
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
    distributionField.hidden = entries.length <= 1;
    syncPath();
  }
  const patch = select("igw-patch", { "aria-label": "patch size" });
  d.on(patch, "change", () => saveNow("patch_size", Number(patch.value)));
  const perPatch = (
    /** @type {HTMLInputElement} */
    input("igw-per-patch", { type: "checkbox", "aria-label": "attribution summed per patch" })
  );
  d.on(perPatch, "change", () => setLocal("patch_display", perPatch.checked));
  function syncPatch() {
    const sizes = model.get("patch_size_options");
    const raw = (
      /** @type {{height?: unknown, width?: unknown, segment_sums?: unknown}} */
      model.get("_payload") || {}
    );
    const list = Array.isArray(sizes) ? sizes : [];
    const given = Array.isArray(raw.segment_sums) ? raw.segment_sums.length : 0;
    setOptions(patch, [{ options: list.map((v, i) => ({ value: v, label: `${patchLabel(v, raw.height, raw.width, given)}${i === 0 ? " default" : ""}` })) }], model.get("patch_size"));
    const grouped = GROUPED_PATHS.includes(model.get("path"));
    perPatch.checked = model.get("patch_display") === true;
    perPatchField.hidden = list.length === 0;
    patchField.hidden = list.length === 0 || !(grouped || perPatch.checked);
  }
  const computeNote = h("div", { class: "igw-compute-note", attrs: { role: "note" } });
  computeNote.hidden = true;
  const topkField = field("top k", "topk", topk);
  const auto = (
    /** @type {HTMLInputElement} */
    input("igw-steps-auto", { type: "checkbox", "aria-label": "steps: auto" })
  );
  const tol = input("igw-auto-tol", { type: "number", min: 1e-4, max: 50, step: "any", "aria-label": "auto: allowed error in percent" });
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
  const modelPicker = createModelPicker(model, d);
  const computeInputs = [steps, stepsNum, auto, tol, method, baseline, path, distribution, samples, noise, patch, ...target.inputs, ...modelPicker.inputs];
  const methodField = field("method", "method", method);
  const pathField = field("path", "path", path);
  const patchField = field("patch", "patch", patch);
  const perPatchField = h("label", { class: "igw-field igw-field-per-patch" }, [perPatch, h("span", { class: "igw-label", text: "per patch" })]);
  const distributionField = field("average", "distribution", distribution);
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
      computeNote
    ]),
    h("div", { class: "igw-row igw-row-display" }, [
      field("sign", "sign", sign),
      field("colormap", "colormap", colormap),
      opacityField,
      clipField,
      topkField,
      perPatchField
    ])
  ]);
  const syncs = {
    n_steps: syncSteps,
    method: syncMethod,
    method_options: syncMethod,
    baseline: syncBaseline,
    baseline_options: syncBaseline,
    path: syncPath,
    path_options: syncPath,
    forward_only_paths: syncPath,
    target: syncTarget,
    top_classes: syncTarget,
    class_labels: syncTarget,
    generated_tokens: syncTarget,
    generation_step: syncTarget,
    steps_auto: syncAuto,
    auto_tol: syncAuto,
    distribution: syncDistribution,
    distribution_options: syncDistribution,
    samples: syncDistribution,
    noise: syncDistribution,
    patch_size: syncPatch,
    patch_size_options: syncPatch,
    _payload: syncPatch,
    patch_display: syncPatch,
    sign: syncSign,
    colormap: syncColormap,
    _colormaps: syncColormap,
    opacity: syncOpacity,
    clip_percentile: syncClip,
    top_k: syncTopk
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
      if (enabled) syncPath();
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
      opacityField.hidden = kind !== "image" && kind !== "multi";
      clipField.hidden = kind === "tabular";
    }
  };
}

// js/status.js
function createStatus(model, d, staleTargets) {
  const fill = h("div", { class: "igw-progress-fill" });
  const bar = h("div", { class: "igw-progress", attrs: { role: "progressbar", "aria-valuemin": 0, "aria-valuemax": 100 } }, [fill]);
  const label = h("span", { class: "igw-progress-label" });
  const running = h("div", { class: "igw-running" }, [bar, label]);
  const provisional = h("span", { class: "igw-provisional", text: "refining\u2026", attrs: { title: "coarse early result; a finer one is on its way" } });
  const warning = h("div", { class: "igw-warning", attrs: { role: "status" } });
  const errorMsg = h("pre", { class: "igw-error-message" });
  const error = h("div", { class: "igw-error", attrs: { role: "alert" } }, [h("strong", { text: "Attribution failed" }), errorMsg]);
  const el = h("div", { class: "igw-status" }, [h("div", { class: "igw-status-line" }, [running, provisional]), warning, error]);
  let payloadAtRunStart = model.get("status") === "running" ? model.get("_payload") : void 0;
  let requestShown = model.get("_request_id");
  let progressSeen = true;
  function update() {
    const isRunning = model.get("status") === "running";
    const p = progressSeen ? Math.min(1, Math.max(0, Number(model.get("progress")) || 0)) : 0;
    running.style.visibility = isRunning ? "" : "hidden";
    fill.style.width = `${(p * 100).toFixed(1)}%`;
    bar.setAttribute("aria-valuenow", String(Math.round(p * 100)));
    label.textContent = `computing\u2026 ${Math.round(p * 100)}%`;
    provisional.hidden = !model.get("_provisional");
    const warn = String(model.get("warning") ?? "");
    warning.textContent = warn;
    warning.hidden = warn === "";
    const err = String(model.get("error") ?? "");
    errorMsg.textContent = err;
    error.hidden = err === "";
    const stale = isRunning && payloadAtRunStart !== void 0 && model.get("_payload") === payloadAtRunStart;
    for (const t of staleTargets) t.classList.toggle("igw-stale", stale);
  }
  d.model(model, "change:status", () => {
    payloadAtRunStart = model.get("status") === "running" ? model.get("_payload") : void 0;
    update();
  });
  d.model(model, "change:_request_id", () => {
    if (model.get("_request_id") !== requestShown) {
      requestShown = model.get("_request_id");
      progressSeen = false;
    }
    update();
  });
  d.model(model, "change:progress", () => {
    progressSeen = true;
    update();
  });
  for (const t of ["_provisional", "warning", "error", "_payload"]) d.model(model, `change:${t}`, update);
  update();
  return { el };
}

// js/lib/codec.js
var CTORS = {
  float32: Float32Array,
  float64: Float64Array,
  uint8: Uint8Array
};
function shapeSize(shape) {
  let n = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new Error(`bad shape ${JSON.stringify(shape)}`);
    n *= d;
  }
  return n;
}
function toBytes(data) {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw new TypeError(`array data must be binary, got ${Object.prototype.toString.call(data)}`);
}
function decodeArray(rec) {
  if (rec == null || typeof rec !== "object") throw new TypeError("array record missing");
  const { dtype, data } = rec;
  if (typeof dtype !== "string" || !Object.prototype.hasOwnProperty.call(CTORS, dtype)) {
    throw new Error(`unsupported dtype ${String(dtype).slice(0, 40)}`);
  }
  const Ctor = CTORS[
    /** @type {keyof typeof CTORS} */
    dtype
  ];
  const shape = Array.isArray(rec.shape) ? rec.shape : [];
  const n = shapeSize(shape);
  let array;
  if (data instanceof Ctor) {
    array = data;
  } else if (Array.isArray(data)) {
    array = Ctor.from(data);
  } else {
    const bytes = toBytes(data);
    const size = Ctor.BYTES_PER_ELEMENT;
    if (bytes.byteLength !== n * size) {
      throw new Error(`${dtype}${JSON.stringify(shape)} needs ${n * size} bytes, got ${bytes.byteLength}`);
    }
    array = bytes.byteOffset % size === 0 ? new Ctor(
      /** @type {ArrayBuffer} */
      bytes.buffer,
      bytes.byteOffset,
      n
    ) : new Ctor(bytes.slice().buffer);
  }
  if (array.length !== n) throw new Error(`${dtype}${JSON.stringify(shape)} has ${array.length} elements`);
  return { dtype, shape, array };
}

// js/lib/colormap.js
var LUT_SIZE = 256;
var rgb = (c) => [c[0], c[1], c[2]];
function lutFromData(data) {
  const bytes = Array.isArray(data) ? Uint8Array.from(data) : toBytes(data);
  if (bytes.length !== LUT_SIZE * 3) throw new Error(`colormap LUT needs 768 bytes, got ${bytes.length}`);
  return bytes;
}
function lutFromStops(stops) {
  const lut = new Uint8Array(LUT_SIZE * 3);
  for (let i = 0; i < LUT_SIZE; i++) {
    const t = i / (LUT_SIZE - 1);
    let k = 1;
    while (k < stops.length - 1 && stops[k][0] < t) k++;
    const [t0, ...a] = stops[k - 1];
    const [t1, ...b] = stops[k];
    const u = t1 > t0 ? Math.min(1, Math.max(0, (t - t0) / (t1 - t0))) : 0;
    for (let c = 0; c < 3; c++) lut[i * 3 + c] = Math.round(a[c] + (b[c] - a[c]) * u);
  }
  return lut;
}
var BUILTIN = {
  diverging: lutFromStops([[0, 33, 102, 172], [0.5, 247, 247, 247], [1, 178, 24, 43]]),
  sequential: lutFromStops([[0, 255, 255, 255], [1, 165, 15, 21]])
};
function resolveColormap(colormaps, name, mode) {
  const maps = colormaps && typeof colormaps === "object" ? colormaps : {};
  const want = mode === "signed" ? "diverging" : "sequential";
  const tryOne = (key) => {
    const cm = maps[key];
    if (!cm) return null;
    try {
      return { name: key, kind: cm.kind === "diverging" ? "diverging" : "sequential", lut: lutFromData(cm.lut) };
    } catch {
      return null;
    }
  };
  const named = name != null ? tryOne(name) : null;
  if (named) return named;
  for (const key of Object.keys(maps)) {
    if (maps[key] && maps[key].kind === want) {
      const cm = tryOne(key);
      if (cm) return cm;
    }
  }
  return { name: `built-in ${want}`, kind: want, lut: BUILTIN[want] };
}
function linearMap(kind, mode, clip) {
  const ok = Number.isFinite(clip) && clip > 0;
  const inv = ok ? 1 / clip : 0;
  if (mode === "signed") return { offset: 0.5, slope: 0.5 * inv };
  if (kind !== "diverging") return { offset: 0, slope: inv };
  if (mode === "negative") return { offset: 0.5, slope: -0.5 * inv };
  return { offset: 0.5, slope: 0.5 * inv };
}
function lutIndex(m, v) {
  let t = m.offset + m.slope * v;
  if (!(t === t)) t = m.offset;
  if (t <= 0) return 0;
  if (t >= 1) return LUT_SIZE - 1;
  return Math.min(LUT_SIZE - 1, Math.floor(t * LUT_SIZE));
}
function rgbAt(lut, i) {
  return [lut[i * 3], lut[i * 3 + 1], lut[i * 3 + 2]];
}
function cssRgb([r, g, b]) {
  return `rgb(${r}, ${g}, ${b})`;
}
function textColorOn([r, g, b]) {
  const lin = (c) => {
    const s2 = c / 255;
    return s2 <= 0.03928 ? s2 / 12.92 : ((s2 + 0.055) / 1.055) ** 2.4;
  };
  const L = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  return L > 0.179 ? "#000" : "#fff";
}
function parseCssColor(css) {
  const str2 = String(css ?? "").trim();
  let m = str2.match(/^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)(?:[\s,/]+([\d.]+%?))?\s*\)$/);
  if (m) {
    const alpha = m[4] == null ? 1 : m[4].endsWith("%") ? parseFloat(m[4]) / 100 : parseFloat(m[4]);
    return alpha === 0 ? null : rgb([m[1], m[2], m[3]].map((v) => Math.round(Number(v))));
  }
  m = str2.match(/^#([0-9a-f]{3}|[0-9a-f]{6})$/i);
  if (m) {
    const hex = m[1].length === 3 ? m[1].replace(/./g, "$&$&") : m[1];
    return rgb([0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16)));
  }
  return null;
}
function mixRgb(a, b, t) {
  return rgb(a.map((v, i) => Math.round(v + (b[i] - v) * t)));
}
function strength(v, clip) {
  if (!(clip > 0) || !Number.isFinite(v)) return 0;
  return Math.min(1, Math.abs(v) / clip);
}
var CATEGORICAL = [
  "#1f77b4",
  "#ff7f0e",
  "#2ca02c",
  "#d62728",
  "#9467bd",
  "#8c564b",
  "#e377c2",
  "#7f7f7f",
  "#bcbd22",
  "#17becf"
];

// js/lib/raster.js
function blendHeatmap(values2, image, lut, map, opacity, out) {
  const n = values2.length;
  if (out.length !== 4 * n) throw new Error("output size mismatch");
  if (image && image.length !== 4 * n) throw new Error("image size mismatch");
  const a = Math.min(1, Math.max(0, Number.isFinite(opacity) ? opacity : 0));
  const b = 1 - a;
  for (let p = 0, q = 0; p < n; p++, q += 4) {
    const k = lutIndex(map, values2[p]) * 3;
    if (image) {
      const ia = image[q + 3] / 255;
      const white = 255 * (1 - ia);
      out[q] = (image[q] * ia + white) * b + lut[k] * a;
      out[q + 1] = (image[q + 1] * ia + white) * b + lut[k + 1] * a;
      out[q + 2] = (image[q + 2] * ia + white) * b + lut[k + 2] * a;
    } else {
      out[q] = lut[k];
      out[q + 1] = lut[k + 1];
      out[q + 2] = lut[k + 2];
    }
    out[q + 3] = 255;
  }
  return out;
}
function colorBarPixels(width, colorOf) {
  const out = new Uint8ClampedArray(width * 4);
  for (let x = 0; x < width; x++) {
    const [r, g, b] = colorOf(width === 1 ? 0.5 : x / (width - 1));
    out.set([r, g, b, 255], x * 4);
  }
  return out;
}

// js/colorbar.js
var WIDTH = 256;
function createColorBar() {
  const canvas = (
    /** @type {HTMLCanvasElement} */
    h("canvas", { class: "igw-colorbar", attrs: { width: WIDTH, height: 1 } })
  );
  const min = h("span", { class: "igw-colorbar-min" });
  const mid = h("span", { class: "igw-colorbar-mid" });
  const max = h("span", { class: "igw-colorbar-max" });
  const caption = h("div", { class: "igw-colorbar-caption" });
  const el = h("div", { class: "igw-colorbar-wrap" }, [
    canvas,
    h("div", { class: "igw-colorbar-labels" }, [min, mid, max]),
    caption
  ]);
  function draw({ lut, map, mode, clip, percentile, cmapName, quantity }) {
    const [lo, hi] = displayRange(mode, clip);
    const px = colorBarPixels(WIDTH, (u) => rgbAt(lut, lutIndex(map, signValue(lo + (hi - lo) * u, mode))));
    canvas.getContext("2d")?.putImageData(new ImageData(px, WIDTH, 1), 0, 0);
    min.textContent = formatNumber(lo);
    max.textContent = formatNumber(hi);
    mid.textContent = mode === "signed" ? "0" : "";
    const what = quantity ?? (mode === "signed" ? "|attr|" : `${mode} part`);
    caption.textContent = clip > 0 ? `${cmapName} \xB7 clipped at p${formatNumber(percentile, 4)} of ${what} = ${formatNumber(clip)}` : quantity ? `${cmapName} \xB7 ${quantity} is 0 everywhere` : `${cmapName} \xB7 all ${mode === "signed" ? "" : `${mode} `}attributions are 0`;
  }
  return { el, draw };
}
function createColorScale(quantity) {
  const bar = createColorBar();
  let cache = null;
  return {
    el: bar.el,
    /** @param {NumArray} attr */
    setData(attr) {
      cache = scaleCache(attr);
    },
    /**
     * @param {Display} display
     * @param {Colormap} cmap
     * @returns {{values: NumArray, clip: number, map: LinearMap}}
     */
    apply(display, cmap) {
      if (!cache) throw new Error("colour scale used before setData");
      const { values: values2, clip } = cache(display.sign, display.clip_percentile);
      const map = linearMap(cmap.kind, display.sign, clip);
      bar.draw({ lut: cmap.lut, map, mode: display.sign, clip, percentile: display.clip_percentile, cmapName: cmap.name, quantity });
      return { values: values2, clip, map };
    }
  };
}

// js/lib/patches.js
function patchSums(attr, height, width, size) {
  if (!(size >= 1) || attr.length !== height * width) throw new Error("patchSums: bad size");
  const s2 = Math.floor(size);
  const rows = Math.ceil(height / s2);
  const cols = Math.ceil(width / s2);
  const group = (x, y) => Math.floor(y / s2) * cols + Math.floor(x / s2);
  const sums = new Float64Array(rows * cols);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) sums[group(x, y)] += attr[y * width + x];
  }
  const painted = new Float32Array(height * width);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) painted[y * width + x] = sums[group(x, y)];
  }
  return { painted, sums, rows, cols, group };
}
function segmentSums(attr, labels, width) {
  if (labels.length !== attr.length || !(width >= 1)) throw new Error("segmentSums: labels do not match attr");
  let count = 0;
  for (let i = 0; i < labels.length; i++) {
    const g = labels[i];
    if (!(Number.isInteger(g) && g >= 0)) throw new Error("segmentSums: labels must be whole numbers from 0");
    if (g + 1 > count) count = g + 1;
  }
  const sums = new Float64Array(count);
  for (let i = 0; i < attr.length; i++) sums[labels[i]] += attr[i];
  const painted = new Float32Array(attr.length);
  for (let i = 0; i < attr.length; i++) painted[i] = sums[labels[i]];
  const group = (x, y) => labels[y * width + x];
  return { painted, sums, count, group };
}

// js/image-heatmap.js
function createImageView() {
  const d = new Disposer();
  const canvas = (
    /** @type {HTMLCanvasElement} */
    h("canvas", { class: "igw-heatmap" })
  );
  const hover = h("div", { class: "igw-hover igw-image-hover" });
  const scale = createColorScale();
  const input2 = (
    /** @type {HTMLCanvasElement} */
    h("canvas", { class: "igw-input-image", attrs: { role: "img", "aria-label": "the input" } })
  );
  const inputCaption = h("div", { class: "igw-image-caption", text: "input" });
  const overlayCaption = h("div", { class: "igw-image-caption", text: "attribution over the input" });
  const inputFig = h("div", { class: "igw-image-cell" }, [input2, inputCaption]);
  const spreadCanvas = (
    /** @type {HTMLCanvasElement} */
    h("canvas", { class: "igw-spread-map", attrs: { role: "img", "aria-label": "spread across samples" } })
  );
  const spreadScale = createColorScale("the spread");
  const spreadText = h("div", { class: "igw-image-caption igw-spread-caption" });
  const spreadFig = h("div", { class: "igw-image-cell igw-spread-cell" }, [spreadCanvas, spreadText, spreadScale.el]);
  spreadFig.hidden = true;
  const pair = h("div", { class: "igw-image-pair" }, [inputFig, h("div", { class: "igw-image-cell" }, [canvas, overlayCaption]), spreadFig]);
  const el = h("div", { class: "igw-view igw-image-view" }, [h("div", { class: "igw-canvas-wrap" }, [pair]), scale.el, hover]);
  const ctx = (
    /** @type {CanvasRenderingContext2D} */
    canvas.getContext("2d")
  );
  const spreadCtx = (
    /** @type {CanvasRenderingContext2D} */
    spreadCanvas.getContext("2d")
  );
  let spreadPixels = null;
  let p = null;
  let pixels = null;
  const idleText = () => p ? `${p.width} \xD7 ${p.height} px \xB7 hover for values` : "";
  let shown = { key: "", values: [], patches: null };
  function source(display) {
    if (!p) return shown;
    const size = display.patch_display ? Math.floor(Number(display.patch_size) || 0) : 0;
    const bySegments = size === -1 && p.segments != null;
    const key = bySegments ? "segments" : size >= 1 ? `patch ${size}` : "pixels";
    if (key !== shown.key) {
      let patches = null;
      let caption = "attribution over the input";
      if (bySegments && p.segments) {
        const seg = segmentSums(p.attr, p.segments, p.width);
        patches = seg;
        caption = `attribution summed per segment (${seg.count} given segments)`;
      } else if (size >= 1) {
        const grid = patchSums(p.attr, p.height, p.width, size);
        patches = grid;
        caption = `attribution summed per patch (${grid.rows} \xD7 ${grid.cols} patches of ${size} px)`;
      }
      shown = { key, values: patches ? patches.painted : p.attr, patches };
      scale.setData(patches ? patches.painted : p.attr);
      overlayCaption.textContent = caption;
    }
    return shown;
  }
  d.on(canvas, "mousemove", (e) => {
    if (!p) return;
    const r = canvas.getBoundingClientRect();
    const x = Math.min(p.width - 1, Math.max(0, Math.floor((e.clientX - r.left) / r.width * p.width)));
    const y = Math.min(p.height - 1, Math.max(0, Math.floor((e.clientY - r.top) / r.height * p.height)));
    const patches = shown.patches;
    hover.textContent = patches ? `(x ${x}, y ${y})  ${shown.key === "segments" ? "segment" : "patch"} ${patches.group(x, y)}: sum ${formatSigned(patches.sums[patches.group(x, y)], 4)} \xB7 pixel ${formatSigned(p.attr[y * p.width + x], 4)}` : `(x ${x}, y ${y})  attribution ${withSpread(p.attr[y * p.width + x], p.spread?.[y * p.width + x], 4)}`;
  });
  d.on(canvas, "mouseleave", () => {
    if (p) hover.textContent = idleText();
  });
  d.on(spreadCanvas, "mousemove", (e) => {
    if (!p?.spread) return;
    const r = spreadCanvas.getBoundingClientRect();
    const x = Math.min(p.width - 1, Math.max(0, Math.floor((e.clientX - r.left) / r.width * p.width)));
    const y = Math.min(p.height - 1, Math.max(0, Math.floor((e.clientY - r.top) / r.height * p.height)));
    hover.textContent = `(x ${x}, y ${y})  attribution ${withSpread(p.attr[y * p.width + x], p.spread[y * p.width + x], 4)}`;
  });
  d.on(spreadCanvas, "mouseleave", () => {
    if (p) hover.textContent = idleText();
  });
  return {
    el,
    setData(payload) {
      if (payload.width == null || payload.height == null) throw new Error("image payload without a size");
      const q = { ...payload, width: payload.width, height: payload.height };
      p = q;
      shown = { key: "", values: q.attr, patches: null };
      if (canvas.width !== p.width || canvas.height !== p.height || !pixels) {
        canvas.width = q.width;
        canvas.height = q.height;
        pixels = ctx.createImageData(q.width, q.height);
      }
      inputFig.hidden = !q.image;
      if (q.image) {
        input2.width = q.width;
        input2.height = q.height;
        input2.getContext("2d")?.putImageData(new ImageData(Uint8ClampedArray.from(q.image), q.width, q.height), 0, 0);
      }
      spreadFig.hidden = !q.spread;
      pair.classList.toggle("igw-image-triple", Boolean(q.spread));
      if (q.spread) {
        spreadScale.setData(q.spread);
        spreadText.textContent = spreadCaption(q.readout.spreadDetail ?? "");
        if (spreadCanvas.width !== q.width || spreadCanvas.height !== q.height || !spreadPixels) {
          spreadCanvas.width = q.width;
          spreadCanvas.height = q.height;
          spreadPixels = spreadCtx.createImageData(q.width, q.height);
        }
      }
      hover.textContent = idleText();
    },
    draw(display, cmap) {
      if (!p || !pixels) return;
      source(display);
      const { values: values2, map } = scale.apply(display, cmap);
      blendHeatmap(values2, p.image ?? null, cmap.lut, map, display.opacity, pixels.data);
      ctx.putImageData(pixels, 0, 0);
      if (p.spread && spreadPixels) {
        const s2 = spreadScale.apply(spreadDisplay(display), cmap);
        blendHeatmap(s2.values, null, cmap.lut, s2.map, 1, spreadPixels.data);
        spreadCtx.putImageData(spreadPixels, 0, 0);
      }
    },
    destroy: () => d.dispose()
  };
}

// js/lib/subwords.js
var BPE_SPACE = "\u0120";
var BPE_NEWLINE = "\u010A";
var SP_SPACE = "\u2581";
var SPECIAL = /^(\[[A-Za-z_]+\]|<\/?[A-Za-z_]+>|<\|[^|<>]*\|>)$/;
function detectScheme(tokens) {
  let bpe = 0;
  let sp = 0;
  for (const t of tokens) {
    if (typeof t !== "string") continue;
    if (t.startsWith(BPE_SPACE) || t.startsWith(BPE_NEWLINE)) bpe++;
    else if (t.startsWith(SP_SPACE)) sp++;
  }
  if (bpe === 0 && sp === 0) return "wordpiece";
  return bpe >= sp ? "bpe" : "sentencepiece";
}
function joinSubwords(tokens) {
  const scheme = detectScheme(tokens);
  return tokens.map((raw, i) => {
    const tok = raw == null ? "" : String(raw);
    const special = SPECIAL.test(tok);
    let text = tok;
    let continues;
    if (special) {
      continues = false;
    } else if (scheme === "wordpiece") {
      continues = tok.length > 2 && tok.startsWith("##");
      if (continues) text = tok.slice(2);
    } else {
      const marker = scheme === "bpe" ? BPE_SPACE : SP_SPACE;
      const newline = scheme === "bpe" && tok.startsWith(BPE_NEWLINE);
      continues = !tok.startsWith(marker) && !newline;
      if (tok.startsWith(marker)) text = tok.slice(marker.length);
      if (scheme === "bpe") text = text.replaceAll(BPE_NEWLINE, "\u21B5").replaceAll(BPE_SPACE, " ");
    }
    const prevSpecial = i > 0 && SPECIAL.test(String(tokens[i - 1] ?? ""));
    const attachToPrevious = i > 0 && continues && !prevSpecial;
    return { text, attachToPrevious, startsWord: !attachToPrevious, special };
  });
}

// js/lib/words.js
function groupWords(tokens, attr) {
  const pieces = joinSubwords(tokens);
  const words = [];
  const sums = [];
  pieces.forEach((p, i) => {
    const last = words[words.length - 1];
    if (last && p.attachToPrevious) {
      last.text += p.text;
      last.count += 1;
      sums[sums.length - 1] += Number(attr[i]);
    } else {
      words.push({ text: p.text, first: i, count: 1, special: p.special });
      sums.push(Number(attr[i]));
    }
  });
  return { words, attr: Float64Array.from(sums) };
}

// js/token-highlight.js
var FADE = 3;
function createTextView() {
  const d = new Disposer();
  const tokensEl = h("div", { class: "igw-tokens" });
  const hover = h("div", { class: "igw-hover igw-text-hover" });
  const scale = createColorScale();
  const wordsBox = (
    /** @type {HTMLInputElement} */
    h("input", { class: "igw-words", attrs: { type: "checkbox", "aria-label": "sum subword pieces into words" } })
  );
  const wordsToggle = h("label", { class: "igw-word-toggle" }, [wordsBox, h("span", { text: " per word" })]);
  const spreadBox = (
    /** @type {HTMLInputElement} */
    h("input", { class: "igw-show-spread", attrs: { type: "checkbox", "aria-label": "colour tokens by their spread across samples" } })
  );
  const spreadToggle = h("label", { class: "igw-word-toggle igw-spread-toggle" }, [spreadBox, h("span", { text: " spread" })]);
  const spreadNote = h("div", { class: "igw-spread-caption" });
  spreadToggle.hidden = true;
  spreadNote.hidden = true;
  const toggles = h("div", { class: "igw-text-toggles" }, [wordsToggle, spreadToggle]);
  const el = h("div", { class: "igw-view igw-text-view" }, [toggles, tokensEl, scale.el, spreadNote, hover]);
  let p = null;
  let spans = [];
  let shown = { label: [], values: [] };
  const idleText = () => p ? `${p.tokens.length} tokens${wordsBox.checked ? ` in ${spans.length} words` : ""} \xB7 hover a ${wordsBox.checked ? "word" : "token"} for its attribution` : "";
  d.on(tokensEl, "mouseover", (e) => {
    const target = (
      /** @type {Element | null} */
      e.target
    );
    const span = (
      /** @type {HTMLElement | null} */
      target?.closest?.(".igw-token") ?? null
    );
    if (!span || !p) return;
    const i = Number(span.dataset.index);
    const spread = !wordsBox.checked ? p.spread?.[i] : null;
    hover.textContent = `#${i} ${JSON.stringify(shown.label[i])}  attribution ${withSpread(Number(shown.values[i]), spread, 4)}`;
  });
  d.on(tokensEl, "mouseleave", () => {
    if (p) hover.textContent = idleText();
  });
  const spreadOn = () => Boolean(p?.spread) && spreadBox.checked;
  function build2() {
    if (!p) return;
    const q = p;
    const frag = document.createDocumentFragment();
    wordsBox.disabled = spreadOn();
    if (spreadOn()) wordsBox.checked = false;
    spreadNote.hidden = !spreadOn();
    spreadNote.textContent = spreadOn() ? `${spreadCaption(q.readout.spreadDetail ?? "")}; colours show the spread, hover for mean \xB1 spread` : "";
    if (wordsBox.checked) {
      const { words, attr } = groupWords(q.tokens, q.attr);
      shown = { label: words.map((w) => q.tokens.slice(w.first, w.first + w.count).join(" ")), values: attr };
      spans = words.map((w, i) => {
        if (i > 0) frag.append(document.createTextNode(" "));
        const cls = w.special ? "igw-token igw-token-special" : "igw-token";
        const span = h("span", { class: cls, text: w.text, attrs: { "data-index": i } });
        span.title = `${w.text}: ${formatSigned(attr[i], 4)} (${w.count} token${w.count === 1 ? "" : "s"})`;
        frag.append(span);
        return span;
      });
      scale.setData(attr);
    } else {
      shown = { label: q.tokens, values: q.attr };
      const pieces = joinSubwords(q.tokens);
      spans = pieces.map((piece, i) => {
        if (i > 0 && !piece.attachToPrevious) frag.append(document.createTextNode(" "));
        const cls = ["igw-token"];
        if (piece.attachToPrevious) cls.push("igw-token-cont");
        if (piece.special) cls.push("igw-token-special");
        if (piece.text === "") cls.push("igw-token-blank");
        const span = h("span", { class: cls.join(" "), text: piece.text, attrs: { "data-index": i } });
        span.title = `${q.tokens[i]}: ${withSpread(q.attr[i], q.spread?.[i], 4)}`;
        frag.append(span);
        return span;
      });
      scale.setData(spreadOn() && q.spread ? q.spread : q.attr);
    }
    tokensEl.replaceChildren(frag);
    hover.textContent = idleText();
  }
  let last = null;
  d.on(wordsBox, "change", () => {
    build2();
    if (last) paint(last.display, last.cmap);
  });
  d.on(spreadBox, "change", () => {
    build2();
    if (last) paint(last.display, last.cmap);
  });
  function paint(display, cmap) {
    if (!p) return;
    const { values: values2, clip, map } = scale.apply(spreadOn() ? spreadDisplay(display) : display, cmap);
    const bg = parseCssColor(getComputedStyle(el.closest(".igw-root") ?? el).backgroundColor) ?? [255, 255, 255];
    spans.forEach((span, i) => {
      const rgb2 = mixRgb(bg, rgbAt(cmap.lut, lutIndex(map, values2[i])), Math.min(1, FADE * strength(values2[i], clip)));
      span.style.backgroundColor = cssRgb(rgb2);
      span.style.color = textColorOn(rgb2);
    });
  }
  return {
    el,
    setData(payload) {
      p = { ...payload, tokens: payload.tokens ?? [] };
      spreadToggle.hidden = !p.spread;
      build2();
    },
    draw(display, cmap) {
      last = { display, cmap };
      paint(display, cmap);
    },
    destroy: () => d.dispose()
  };
}

// js/tabular-bars.js
var END = 0.8;
function candidates(attr, mode) {
  const keep = mode === "positive" ? (v) => v > 0 : mode === "negative" ? (v) => v < 0 : () => true;
  const idx = [];
  for (let i = 0; i < attr.length; i++) if (keep(attr[i])) idx.push(i);
  return idx;
}
function createTabularView() {
  const rows = h("div", { class: "igw-bars" });
  const foot = h("div", { class: "igw-bars-foot" });
  const head = h("div", { class: "igw-bars-head" }, ["feature", "value", "attribution", ""].map((t) => h("span", { text: t })));
  const spreadNote = h("div", { class: "igw-spread-caption" });
  spreadNote.hidden = true;
  const el = h("div", { class: "igw-view igw-tabular-view" }, [head, rows, foot, spreadNote]);
  let p = null;
  let maxAbs = 0;
  return {
    el,
    setData(payload) {
      const q = { ...payload, names: payload.names ?? [] };
      p = q;
      maxAbs = 0;
      for (const v of q.attr) if (Math.abs(v) > maxAbs) maxAbs = Math.abs(v);
      spreadNote.hidden = !q.spread;
      el.classList.toggle("igw-with-spread", Boolean(q.spread));
      spreadNote.textContent = q.spread ? `${spreadCaption(q.readout.spreadDetail ?? "")}; whiskers: mean \xB1 one std` : "";
    },
    draw(display, cmap) {
      const q = p;
      if (!q) return;
      const mode = display.sign;
      const oneSided = mode === "absolute";
      const signed = linearMap(cmap.kind, "signed", 1);
      const pos = cssRgb(rgbAt(cmap.lut, lutIndex(signed, END)));
      const neg = cssRgb(rgbAt(cmap.lut, lutIndex(signed, -END)));
      const pool = candidates(q.attr, mode);
      const sub = Float64Array.from(pool, (i) => q.attr[i]);
      const k = Math.max(1, Math.floor(Number(display.top_k) || 1));
      const shown = topByMagnitude(sub, k).map((j) => pool[j]);
      rows.classList.toggle("igw-bars-onesided", oneSided);
      rows.replaceChildren(...shown.map((i) => {
        const a = q.attr[i];
        const frac = maxAbs > 0 && Number.isFinite(a) ? Math.abs(a) / maxAbs : 0;
        const fill = h("div", { class: `igw-bar-fill ${a < 0 ? "igw-bar-neg" : "igw-bar-pos"}` });
        fill.style.width = `${(frac * (oneSided ? 100 : 50)).toFixed(2)}%`;
        if (oneSided) fill.style.left = "0";
        else if (a < 0) fill.style.right = "50%";
        else fill.style.left = "50%";
        fill.style.backgroundColor = a < 0 ? neg : pos;
        const name = q.names[i];
        const value = q.values ? formatValue(q.values[i]) : "";
        const sd = q.spread ? q.spread[i] : null;
        const w = sd == null ? null : whisker(a, sd, maxAbs, oneSided);
        const whiskerEl = w ? h("div", { class: "igw-bar-whisker", style: { left: `${w.left.toFixed(2)}%`, width: `${w.width.toFixed(2)}%` } }) : null;
        const row = h("div", { class: "igw-bar", attrs: { "data-index": i } }, [
          h("span", { class: "igw-bar-name", text: name, attrs: { title: name } }),
          h("span", { class: "igw-bar-input", text: value }),
          h("div", { class: "igw-bar-track" }, [h("div", { class: "igw-bar-axis" }), fill, whiskerEl]),
          h("span", { class: "igw-bar-value", text: withSpread(a, sd, 3) })
        ]);
        row.title = `${name} = ${value}: attribution ${withSpread(a, sd, 4)}`;
        return row;
      }));
      let rest = 0;
      const shownSet = new Set(shown);
      for (let i = 0; i < q.attr.length; i++) if (!shownSet.has(i)) rest += q.attr[i];
      foot.textContent = barsFooter({ shown: shown.length, pool: pool.length, total: q.attr.length, mode, rest, restCount: q.attr.length - shown.length }, formatSigned);
    },
    destroy() {
    }
  };
}

// js/multi-input.js
function createMultiView(views) {
  const d = new Disposer();
  const el = h("div", { class: "igw-view igw-multi" });
  let panels = [];
  d.add(() => {
    for (const p of panels) p.view.destroy();
  });
  function build2(list) {
    for (const p of panels) p.view.destroy();
    panels = list.map((panel) => {
      const make = views[panel.kind];
      if (!make || panel.kind === "multi") throw new Error(`no view for an input of kind "${panel.kind}"`);
      const view = make();
      const title = h("span", { class: "igw-multi-name" });
      const share = h("span", { class: "igw-multi-share" });
      const box = h("div", { class: `igw-multi-panel igw-multi-${panel.kind}` }, [
        h("div", { class: "igw-multi-title" }, [title, share]),
        view.el
      ]);
      el.append(box);
      return { kind: panel.kind, view, title, share };
    });
  }
  return {
    el,
    setData(payload) {
      const list = payload.panels ?? [];
      const same = list.length === panels.length && list.every((p, i) => p.kind === panels[i].kind);
      if (!same) {
        el.replaceChildren();
        build2(list);
      }
      list.forEach((panel, i) => {
        const p = panels[i];
        p.title.textContent = panel.name;
        p.share.textContent = `${formatPercent(panel.share)} of |attribution| \xB7 sum ${formatSigned(panel.sum, 3)}`;
        p.view.setData(panel);
      });
    },
    draw(display, cmap) {
      for (const p of panels) p.view.draw(display, cmap);
    },
    destroy: () => d.dispose()
  };
}

// js/lib/quality.js
var GOOD = 0.01;
var FAIR = 0.05;
function deltaQuality(delta, output, baselineOutput) {
  if (![delta, output, baselineOutput].every(Number.isFinite)) {
    return { level: "unknown", rel: NaN, basis: "change" };
  }
  const change = Math.abs(output - baselineOutput);
  const size = Math.max(Math.abs(output), Math.abs(baselineOutput), 1);
  const degenerate = change <= 1e-9 * size;
  const scale = degenerate ? size : change;
  const rel = Math.abs(delta) / scale;
  const level = rel < GOOD ? "good" : rel < FAIR ? "fair" : "poor";
  return { level, rel, basis: degenerate ? "output" : "change" };
}

// js/readout.js
var LEVEL_TEXT = { good: "good", fair: "fair", poor: "poor: try more steps", unknown: "n/a" };
function createReadout() {
  const target = h("div", { class: "igw-readout-target" });
  const cell = (cls) => h("span", { class: `igw-num ${cls}` });
  const fx = cell("igw-fx");
  const fb = cell("igw-fb");
  const diff = cell("igw-diff");
  const sum = cell("igw-sum");
  const delta = h("span", { class: "igw-delta" });
  const quality = h("span", { class: "igw-delta-note" });
  const settings = h("div", { class: "igw-settings" });
  const deltaNote = h("div", { class: "igw-delta-meaning" });
  const row = (label, value, title) => [h("span", { class: "igw-key", text: label, attrs: { title } }), value];
  const el = h("div", { class: "igw-readout" }, [
    target,
    h("div", { class: "igw-grid" }, [
      ...row("F(x)", fx, "model output at the input, for the target"),
      ...row("F(x\u2032)", fb, "model output at the baseline"),
      ...row("F(x) \u2212 F(x\u2032)", diff, "what the attributions should add up to"),
      ...row("\u03A3 attributions", sum, "sum of all attributions"),
      ...row("completeness", h("span", {}, [delta, quality]), "\u03B4 = \u03A3 attributions \u2212 (F(x) \u2212 F(x\u2032))")
    ]),
    settings,
    deltaNote
  ]);
  function update(r) {
    target.textContent = targetText(r.target, r.targetLabel);
    fx.textContent = formatNumber(r.output, 4);
    fb.textContent = formatNumber(r.baselineOutput, 4);
    diff.textContent = formatNumber(r.output - r.baselineOutput, 4);
    sum.textContent = formatNumber(r.sum, 4);
    delta.textContent = formatDelta(r.delta);
    const q = deltaQuality(r.delta, r.output, r.baselineOutput);
    delta.className = `igw-delta igw-delta-${q.level}`;
    const of = q.basis === "change" ? "of the change" : "of the output";
    quality.textContent = Number.isFinite(q.rel) ? ` error ${formatShare(q.rel)} ${of} \xB7 ${LEVEL_TEXT[q.level]}` : "";
    const basis = q.basis === "change" ? "|F(x) \u2212 F(x\u2032)|" : "max(|F(x)|, |F(x\u2032)|, 1), since F(x) \u2248 F(x\u2032)";
    delta.title = Number.isFinite(q.rel) ? `|\u03B4| is ${formatShare(q.rel)} of ${basis}; good < 1%, fair < 5%` : "not a finite number";
    settings.textContent = settingsText(r);
    deltaNote.textContent = r.deltaNote ?? "";
    deltaNote.hidden = !r.deltaNote;
  }
  return { el, update };
}

// js/lib/ticks.js
function axisTicks(lo, hi, count = 4, min = 2) {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (lo === hi) return [lo];
  let ticks = niceTicks(lo, hi, count);
  for (let n = count + 1; ticks.length < min && n <= 4 * count + 8; n++) ticks = niceTicks(lo, hi, n);
  return ticks;
}
function tickLabels(ticks) {
  const step = ticks.length > 1 ? ticks[1] - ticks[0] : 0;
  let labels = ticks.map((t) => formatTick(t, step));
  for (let digits = 3; digits <= 12 && !distinct(labels); digits++) {
    labels = ticks.map((t) => t === 0 ? "0" : formatNumber(t, digits));
  }
  return labels;
}
function distinct(labels) {
  return new Set(labels).size === labels.length;
}

// js/path-panel.js
var VW = 320;
var M = { left: 44, right: 8 };
var MAX_DOTS = 64;
function chart(g, top, height, title, series) {
  const x0 = M.left;
  const x1 = VW - M.right;
  const y0 = top + 14;
  const y1 = top + height - 14;
  let [lo, hi] = [Infinity, -Infinity];
  for (const ser of series) {
    const [a, b] = extent(ser.ys);
    if (a < lo) lo = a;
    if (b > hi) hi = b;
  }
  if (!(lo <= hi)) [lo, hi] = [0, 1];
  if (lo === hi) [lo, hi] = [lo - 0.5 * (Math.abs(lo) || 1), hi + 0.5 * (Math.abs(hi) || 1)];
  const pad = 0.06 * (hi - lo);
  [lo, hi] = [lo - pad, hi + pad];
  const X = (a) => x0 + a * (x1 - x0);
  const Y = (v) => y1 - (v - lo) / (hi - lo) * (y1 - y0);
  g.append(s("text", { class: "igw-chart-title", text: title, attrs: { x: x0, y: top + 9 } }));
  const ticks = axisTicks(lo, hi, 4);
  const labels = tickLabels(ticks);
  ticks.forEach((t, i) => {
    g.append(s("line", { class: t === 0 ? "igw-chart-zero" : "igw-chart-grid", attrs: { x1: x0, x2: x1, y1: Y(t), y2: Y(t) } }));
    g.append(s("text", { class: "igw-chart-tick", text: labels[i], attrs: { x: x0 - 4, y: Y(t) + 3, "text-anchor": "end" } }));
  });
  g.append(s("rect", { class: "igw-chart-frame", attrs: { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } }));
  for (const ser of series) {
    const pts = Array.from(ser.xs, (a, i) => Number.isFinite(ser.ys[i]) ? `${X(a).toFixed(1)},${Y(ser.ys[i]).toFixed(1)}` : "").filter(Boolean).join(" ");
    g.append(s("polyline", { class: "igw-chart-line", attrs: { points: pts }, style: { stroke: ser.color } }));
    if (ser.xs.length <= MAX_DOTS) {
      ser.xs.forEach((a, i) => Number.isFinite(ser.ys[i]) && g.append(s("circle", { class: "igw-chart-dot", attrs: { cx: X(a), cy: Y(ser.ys[i]), r: 1.8 }, style: { fill: ser.color } })));
    }
  }
  return { X, y0, y1 };
}
function createPathPanel() {
  const d = new Disposer();
  const svg = s("svg", { class: "igw-path-chart", attrs: { viewBox: `0 0 ${VW} 100`, role: "img", "aria-label": "attribution along the path" } });
  const legend = h("div", { class: "igw-legend" });
  const hover = h("div", { class: "igw-hover igw-path-hover" });
  const note = h("div", { class: "igw-path-note" });
  const el = h("div", { class: "igw-path-panel" }, [h("div", { class: "igw-panel-title", text: "Along the path" }), svg, legend, hover, note]);
  let trace = null;
  let steps = null;
  let guides = [];
  let markers = [];
  let marked = null;
  let onHover = null;
  const placeMarkers = () => {
    for (const m of markers) {
      m.style.display = marked == null || !X ? "none" : "";
      if (marked != null && X) {
        m.setAttribute("x1", String(X(marked)));
        m.setAttribute("x2", String(X(marked)));
      }
    }
  };
  let X = null;
  function idle() {
    hover.textContent = trace ? `${pointsText(trace.alphas.length, steps)} \xB7 hover for values at \u03B1` : "";
  }
  d.on(svg, "mousemove", (e) => {
    const t = trace;
    const x = X;
    if (!t || !x) return;
    const r = svg.getBoundingClientRect();
    const vx = (e.clientX - r.left) / r.width * VW;
    let best = 0;
    t.alphas.forEach((a, i) => {
      if (Math.abs(x(a) - vx) < Math.abs(x(t.alphas[best]) - vx)) best = i;
    });
    const gx = String(x(t.alphas[best]));
    for (const g of guides) {
      g.setAttribute("x1", gx);
      g.setAttribute("x2", gx);
      g.style.display = "";
    }
    const parts = [`\u03B1 = ${formatNumber(t.alphas[best], 3)}`];
    if (t.outputs) parts.push(`F = ${formatNumber(t.outputs[best], 4)}`);
    for (const f of t.features.slice(0, 4)) parts.push(`${f.name} ${formatSigned(f.cumulative[best], 3)}`);
    hover.textContent = parts.join(" \xB7 ");
    onHover?.(t.alphas[best]);
  });
  d.on(svg, "mouseleave", () => {
    for (const g of guides) g.style.display = "none";
    idle();
  });
  function update(t, nSteps) {
    trace = t;
    steps = nSteps;
    svg.replaceChildren();
    legend.replaceChildren();
    guides = [];
    markers = [];
    X = null;
    el.classList.toggle("igw-path-empty", !t);
    if (!t) {
      note.textContent = "no path trace for this result";
      svg.setAttribute("viewBox", `0 0 ${VW} 0`);
      idle();
      return;
    }
    const outputs = t.outputs;
    const hasFeat = t.features.length > 0;
    let top = 0;
    const spans = [];
    if (outputs) {
      const c = chart(svg, top, 110, "F along the path", [{ xs: t.alphas, ys: outputs, color: "var(--igw-accent)" }]);
      X = c.X;
      spans.push(c);
      top += 110;
    }
    if (hasFeat) {
      const series = t.features.map((f, i) => ({ xs: t.alphas, ys: f.cumulative, color: CATEGORICAL[i % CATEGORICAL.length] }));
      const c = chart(svg, top, 130, "cumulative attribution", series);
      X = c.X;
      spans.push(c);
      top += 130;
      t.features.forEach((f, i) => legend.append(h("span", { class: "igw-legend-item" }, [
        h("span", { class: "igw-swatch", style: { background: series[i].color } }),
        h("span", { class: "igw-legend-name", text: f.name })
      ])));
    }
    if (X) {
      for (const a of [0, 0.25, 0.5, 0.75, 1]) svg.append(s("text", { class: "igw-chart-tick", text: String(a), attrs: { x: X(a), y: top + 2, "text-anchor": "middle" } }));
      svg.append(s("text", { class: "igw-chart-title", text: "\u03B1 (0 = baseline, 1 = input)", attrs: { x: X(0.5), y: top + 13, "text-anchor": "middle" } }));
      top += 11;
      guides = spans.map((c) => svg.appendChild(s("line", { class: "igw-chart-guide", attrs: { y1: c.y0, y2: c.y1 }, style: { display: "none" } })));
      markers = spans.map((c) => svg.appendChild(s("line", { class: "igw-chart-marker", attrs: { y1: c.y0, y2: c.y1 } })));
      placeMarkers();
    }
    svg.setAttribute("viewBox", `0 0 ${VW} ${top + 8}`);
    note.textContent = hasFeat ? "" : "per-feature running attribution not sent for this result";
    idle();
  }
  return {
    el,
    update,
    /** @param {number | null} alpha where the alpha scrubber is (null: nowhere) */
    mark(alpha) {
      marked = alpha;
      placeMarkers();
    },
    /** @param {(alpha: number) => void} cb called with the hovered node's alpha */
    onHover(cb) {
      onHover = cb;
    },
    destroy: () => d.dispose()
  };
}

// js/lib/record.js
function base64(bytes) {
  let s2 = "";
  const CHUNK = 32768;
  for (let i = 0; i < bytes.length; i += CHUNK) {
    s2 += String.fromCharCode.apply(null, Array.from(bytes.subarray(i, i + CHUNK)));
  }
  return btoa(s2);
}
function embedded(rec) {
  if (!rec || typeof rec !== "object") return null;
  const r = (
    /** @type {{dtype?: unknown, shape?: unknown, data?: unknown}} */
    rec
  );
  try {
    return { dtype: String(r.dtype), shape: Array.isArray(r.shape) ? r.shape.map(Number) : [], data: base64(toBytes(r.data)) };
  } catch (e) {
    return null;
  }
}
function resultRecord(model) {
  const p = (
    /** @type {Record<string, any>} */
    model.get("_payload") || {}
  );
  const r = p.readout && typeof p.readout === "object" ? p.readout : {};
  const arrays = { display_attributions: embedded(p.attr) };
  if (p.kind === "image") arrays.image_rgba = embedded(p.image);
  if (p.kind === "tabular") arrays.input = embedded(p.values);
  const doc = {
    format: "ig_widget.result",
    format_version: 1,
    saved_at: (/* @__PURE__ */ new Date()).toISOString(),
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
      sign: model.get("sign"),
      colormap: model.get("colormap"),
      opacity: model.get("opacity"),
      clip_percentile: model.get("clip_percentile"),
      top_k: model.get("top_k")
    },
    embedded_arrays: arrays
  };
  if (p.kind === "text") doc.tokens = p.tokens;
  if (p.kind === "tabular") doc.feature_names = p.names;
  return doc;
}

// js/share.js
var NOTE_MAX = 2e3;
function download(bytes, type, name) {
  const url = URL.createObjectURL(new Blob([bytes], { type }));
  const a = (
    /** @type {HTMLAnchorElement} */
    h("a", { attrs: { href: url, download: name } })
  );
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1e4);
}
function createShare(model, d, canSave, getCanvas) {
  const note = suppressShortcuts(
    /** @type {HTMLTextAreaElement} */
    h("textarea", {
      class: "igw-note",
      attrs: {
        rows: 2,
        maxlength: NOTE_MAX,
        "aria-label": "note",
        placeholder: "What do you see? The note is saved with the notebook and in every export."
      }
    })
  );
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
  const png = suppressShortcuts(
    /** @type {HTMLButtonElement} */
    h("button", {
      class: "igw-button igw-download-png",
      text: "PNG",
      attrs: { type: "button" }
    })
  );
  const json = suppressShortcuts(
    /** @type {HTMLButtonElement} */
    h("button", {
      class: "igw-button igw-download-json",
      text: "JSON",
      attrs: { type: "button", title: "download this result as JSON" }
    })
  );
  const said = h("span", { class: "igw-download-status", attrs: { role: "status" } });
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
      "": hasResult() ? "the picture needs a kernel; the JSON works without one" : "no result yet"
    }[source];
    json.disabled = !hasResult();
    return source;
  };
  let waiting = null;
  const stopWaiting = () => {
    if (waiting !== null) clearTimeout(waiting);
    waiting = null;
  };
  d.add(stopWaiting);
  const onMessage = (msg, buffers) => {
    const m = (
      /** @type {{type?: unknown, error?: unknown}} */
      msg
    );
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
      said.textContent = "drawing\u2026";
      waiting = setTimeout(() => {
        waiting = null;
        said.textContent = "no answer from the kernel";
      }, 2e4);
      model.send({ type: "png" });
    } else if (source === "saved") {
      const bytes = savedPng();
      if (bytes) download(bytes.slice(), "image/png", "ig_widget.png");
    } else if (source === "canvas") {
      getCanvas()?.toBlob((blob) => {
        if (blob) download(blob, "image/png", "ig_widget_heatmap.png");
      }, "image/png");
    }
  });
  d.on(json, "click", () => {
    const text = JSON.stringify(resultRecord(model), null, 2);
    download(text, "application/json", "ig_widget_result.json");
  });
  d.model(model, "change:_payload", () => {
    sync();
  });
  sync();
  const el = h("div", { class: "igw-share" }, [
    h("label", { class: "igw-field igw-field-note" }, [h("span", { class: "igw-label", text: "note" }), note]),
    h("span", { class: "igw-downloads" }, [h("span", { class: "igw-label", text: "download" }), png, json, said])
  ]);
  return { el, sync };
}

// js/kernel.js
function watchKernel(model, d, onChange) {
  const manager = model.widget_manager;
  let gone = false;
  d.add(() => {
    gone = true;
  });
  if (!manager || typeof manager.get_model !== "function") {
    onChange(false);
    return;
  }
  onChange(true);
  const id = model.get("_comm_id");
  if (typeof id !== "string" || id === "") return;
  let found;
  try {
    found = manager.get_model(id);
  } catch (e) {
    return;
  }
  Promise.resolve(found).then((backbone) => {
    if (gone || !backbone || typeof backbone.comm_live !== "boolean") return;
    const update = () => onChange(backbone.comm_live === true);
    update();
    if (typeof backbone.on === "function" && typeof backbone.off === "function") {
      const on = backbone.on.bind(backbone);
      const off = backbone.off.bind(backbone);
      on("comm_live_update", update);
      d.add(() => off("comm_live_update", update));
    }
  }, () => {
  });
}

// js/lib/compare.js
function commonClip(arrays) {
  let m = 0;
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++) {
      const v = Math.abs(a[i]);
      if (Number.isFinite(v) && v > m) m = v;
    }
  }
  return m;
}
function difference(a, b) {
  if (a.length !== b.length) return null;
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] - b[i];
  return out;
}
function pairedRows(a, b, k) {
  const n = Math.min(a.length, b.length);
  const score = (i) => {
    const s2 = Math.max(Math.abs(a[i]), Math.abs(b[i]));
    return Number.isFinite(s2) ? s2 : -1;
  };
  return Array.from({ length: n }, (_, i) => i).sort((i, j) => score(j) - score(i) || i - j).slice(0, Math.max(0, k));
}
function relativeChange(current, diff) {
  let num2 = 0;
  let den = 0;
  for (let i = 0; i < diff.length; i++) {
    if (Number.isFinite(diff[i])) num2 += Math.abs(diff[i]);
    if (Number.isFinite(current[i])) den += Math.abs(current[i]);
  }
  return den > 0 ? num2 / den : num2 > 0 ? Infinity : 0;
}

// js/compare-view.js
var PAIRED_ROWS = 8;
function describe(r) {
  const q = deltaQuality(r.delta, r.output, r.baselineOutput);
  const err = Number.isFinite(q.rel) ? ` (error ${formatShare(q.rel)})` : "";
  const target = r.targetLabel && r.targetLabel !== String(r.target) ? r.targetLabel : `class ${r.target}`;
  return { settings: `${settingsText({ ...r, model: "" })} \xB7 target: ${target}`, delta: `${formatDelta(r.delta)}${err}`, level: q.level };
}
var titleText = (name, modelLabel) => modelLabel ? `${name} \xB7 ${modelLabel}` : name;
function pinReadout(pin) {
  const r = pin.readout ?? {};
  return {
    output: Number(r.output),
    baselineOutput: Number(r.baseline_output),
    delta: Number(r.delta),
    target: r.target == null ? null : Number(r.target),
    targetLabel: String(r.target_label ?? ""),
    method: String(r.method ?? ""),
    nSteps: r.n_steps == null ? null : Number(r.n_steps),
    baseline: String(r.baseline ?? ""),
    path: String(r.path ?? ""),
    pathDetail: String(r.path_detail ?? ""),
    model: String(r.model ?? "")
  };
}
function imageMap(values2, width, height, cmap, map, label) {
  const canvas = (
    /** @type {HTMLCanvasElement} */
    h("canvas", { class: "igw-compare-canvas", attrs: { width, height, role: "img", "aria-label": label } })
  );
  const px = new ImageData(width, height);
  blendHeatmap(values2, null, cmap.lut, map, 1, px.data);
  canvas.getContext("2d")?.putImageData(px, 0, 0);
  return h("figure", { class: "igw-compare-figure" }, [canvas, h("figcaption", { text: label })]);
}
function tokenMap(values2, tokens, cmap, map, label) {
  const row = h("div", { class: "igw-compare-tokens", attrs: { "aria-label": label } });
  tokens.forEach((t, i) => {
    if (i > 0) row.append(document.createTextNode(" "));
    const rgb2 = rgbAt(cmap.lut, lutIndex(map, values2[i]));
    const span = h("span", { class: "igw-compare-token", text: t, attrs: { title: `${t}: ${formatSigned(values2[i], 4)}` } });
    span.style.backgroundColor = cssRgb(rgb2);
    span.style.color = textColorOn(rgb2);
    row.append(span);
  });
  return h("figure", { class: "igw-compare-figure" }, [row, h("figcaption", { text: label })]);
}
function pairedBars(cur, pin, names, clip, pos, neg) {
  const rows = pairedRows(cur, pin, PAIRED_ROWS).map((i) => {
    const bar = (v, cls) => {
      const fill = h("div", { class: `igw-pair-fill ${cls}` });
      const frac = clip > 0 && Number.isFinite(v) ? Math.min(1, Math.abs(v) / clip) : 0;
      fill.style.width = `${(frac * 50).toFixed(2)}%`;
      if (v < 0) fill.style.right = "50%";
      else fill.style.left = "50%";
      fill.style.backgroundColor = v < 0 ? neg : pos;
      return h("div", { class: "igw-pair-track" }, [h("div", { class: "igw-bar-axis" }), fill]);
    };
    return h("div", { class: "igw-pair", attrs: { "data-index": i } }, [
      h("span", { class: "igw-pair-name", text: names[i] ?? String(i), attrs: { title: names[i] ?? "" } }),
      h("div", { class: "igw-pair-bars" }, [bar(cur[i], "igw-pair-now"), bar(pin[i], "igw-pair-pin")]),
      h("span", { class: "igw-pair-values", text: `${formatSigned(cur[i], 3)} / ${formatSigned(pin[i], 3)}` })
    ]);
  });
  return h("div", { class: "igw-compare-pairs" }, [
    h("div", { class: "igw-pair-legend", text: "upper bar: current \xB7 lower bar: pinned" }),
    ...rows
  ]);
}
function createCompareView(model, d) {
  const pinButton = suppressShortcuts(
    /** @type {HTMLButtonElement} */
    h("button", { class: "igw-button igw-pin", text: "Pin this result", attrs: { type: "button" } })
  );
  const swap = suppressShortcuts(
    /** @type {HTMLButtonElement} */
    h("button", { class: "igw-button igw-compare-models", attrs: { type: "button" } })
  );
  const hint = h("span", { class: "igw-compare-hint" });
  const caption = h("div", { class: "igw-compare-caption" });
  const cards = h("div", { class: "igw-compare-cards" });
  const el = h("section", { class: "igw-compare", attrs: { "aria-label": "compare pinned results" } }, [
    h("div", { class: "igw-compare-head" }, [h("span", { class: "igw-panel-title", text: "Compare" }), pinButton, swap, hint]),
    caption,
    cards
  ]);
  let current = null;
  d.on(pinButton, "click", () => model.send({ type: "pin" }));
  d.on(swap, "click", () => model.send({ type: "compare_models" }));
  function draw() {
    const pins = Array.isArray(model.get("pins")) ? model.get("pins") : [];
    const labels = model.get("model_labels") ?? {};
    const other = labels[model.get("model_choice") === "main" ? "compare" : "main"];
    swap.hidden = !other;
    swap.textContent = other ? `Pin and explain ${other}` : "";
    swap.title = other ? `pin this result, then compute the same settings on the model ${other}` : "";
    pinButton.disabled = swap.disabled = !current;
    hint.textContent = pins.length ? `${pins.length} pinned \xB7 change a setting${other ? " or the model" : ""} to compare` : `pin a result, change the ${other ? "model, " : ""}baseline, steps, method, path or target, and see both here`;
    cards.replaceChildren();
    caption.textContent = "";
    if (!current || !pins.length) return;
    const cur = current;
    const decoded = pins.map((p) => ({ pin: p, attr: decodeArray(p.attr).array, r: pinReadout(p) }));
    const clip = commonClip([cur.attr, ...decoded.map((x) => x.attr)]);
    const cmap = resolveColormap(model.get("_colormaps"), model.get("colormap"), "signed");
    const map = linearMap(cmap.kind, "signed", clip);
    const signed = linearMap(cmap.kind, "signed", 1);
    const pos = cssRgb(rgbAt(cmap.lut, lutIndex(signed, 0.8)));
    const neg = cssRgb(rgbAt(cmap.lut, lutIndex(signed, -0.8)));
    caption.textContent = `one colour scale for every map: ${cmap.name}, \xB1${formatNumber(clip)} (the largest |attribution| among them); differences are current \u2212 pinned on the same scale`;
    const mapOf = (values2, label) => {
      if (cur.kind === "image" && cur.width && cur.height) return imageMap(values2, cur.width, cur.height, cmap, map, label);
      if (cur.kind === "text") return tokenMap(values2, cur.tokens ?? [], cmap, map, label);
      return null;
    };
    const now = describe(cur.readout);
    const curCard = h("div", { class: "igw-compare-card igw-compare-current" }, [
      h("div", { class: "igw-compare-title", text: titleText("current", cur.readout.model) }),
      h("div", { class: "igw-compare-settings", text: now.settings }),
      h("div", { class: `igw-compare-delta igw-delta-${now.level}`, text: now.delta })
    ]);
    const curMap = mapOf(cur.attr, "attribution");
    if (curMap) curCard.append(curMap);
    cards.append(curCard);
    for (const { pin, attr, r } of decoded) {
      const info = describe(r);
      const remove = suppressShortcuts(
        /** @type {HTMLButtonElement} */
        h("button", { class: "igw-button igw-unpin", text: "\xD7", attrs: { type: "button", title: `remove pin #${pin.id}`, "aria-label": `remove pin #${pin.id}` } })
      );
      d.on(remove, "click", () => model.send({ type: "unpin", id: pin.id }));
      const diff = pin.kind === cur.kind ? difference(cur.attr, attr) : null;
      const card = h("div", { class: "igw-compare-card", attrs: { "data-pin": pin.id } }, [
        h("div", { class: "igw-compare-title" }, [h("span", { text: titleText(`pin #${pin.id}`, r.model) }), remove]),
        h("div", { class: "igw-compare-settings", text: info.settings }),
        h("div", { class: `igw-compare-delta igw-delta-${info.level}`, text: info.delta })
      ]);
      if (cur.kind === "tabular") {
        card.append(pairedBars(cur.attr, attr, cur.names ?? [], clip, pos, neg));
      } else {
        const m = mapOf(attr, "pinned attribution");
        if (m) card.append(m);
        const dm = diff ? mapOf(diff, "difference: current \u2212 pinned") : null;
        if (dm) card.append(dm);
      }
      if (diff) {
        card.append(h("div", { class: "igw-compare-change", text: `maps differ by ${formatShare(relativeChange(cur.attr, diff))} of the current map's total |attribution|` }));
      } else {
        card.append(h("div", { class: "igw-compare-change", text: "a different input: no difference map" }));
      }
      cards.append(card);
    }
  }
  for (const t of ["pins", "colormap", "_colormaps", "model_labels", "model_choice"]) d.model(model, `change:${t}`, draw);
  draw();
  return {
    el,
    /** @param {Payload | null} p the current result */
    update(p) {
      current = p;
      draw();
    }
  };
}

// js/lib/saturation.js
function changeWindow(alphas, outputs, share = 0.8) {
  const n = Math.min(alphas.length, outputs.length);
  if (n < 2) return null;
  const steps = [];
  let total = 0;
  for (let i2 = 0; i2 + 1 < n; i2++) {
    const d = Math.abs(outputs[i2 + 1] - outputs[i2]);
    const v = Number.isFinite(d) ? d : 0;
    steps.push(v);
    total += v;
  }
  if (!(total > 0)) return null;
  const need = share * total;
  let best = null;
  let sum = 0;
  let i = 0;
  for (let j = 0; j < steps.length; j++) {
    sum += steps[j];
    while (i < j && sum - steps[i] >= need) sum -= steps[i++];
    if (sum >= need) {
      const width = alphas[j + 1] - alphas[i];
      if (!best || width < best.width) best = { lo: alphas[i], hi: alphas[j + 1], width, share: sum / total };
    }
  }
  return best;
}
function saturationNote(w, fmt, narrow = 0.3) {
  if (!w || w.width > narrow) return "";
  const pct = Math.round(w.share * 100);
  return `${pct}% of the change in F happens for \u03B1 in [${fmt(w.lo)}, ${fmt(w.hi)}]: the model saturates, so the gradients outside that range add little; more steps there (or n_steps="auto") and a baseline closer to the input help.`;
}

// js/alpha-scrubber.js
var ROWS = 8;
function createAlphaScrubber(model, d, pathPanel) {
  const slider = suppressShortcuts(
    /** @type {HTMLInputElement} */
    h("input", {
      class: "igw-input igw-alpha",
      attrs: { type: "range", min: 0, max: 1, step: 0.01, value: 0.5, "aria-label": "alpha along the path" }
    })
  );
  const value = h("span", { class: "igw-value igw-alpha-value" });
  const readout = h("div", { class: "igw-scrub-readout" });
  const note = h("div", { class: "igw-scrub-note" });
  const canvas = (
    /** @type {HTMLCanvasElement} */
    h("canvas", { class: "igw-scrub-canvas", attrs: { role: "img", "aria-label": "the input at alpha with the gradient overlaid" } })
  );
  const tokens = h("div", { class: "igw-scrub-tokens" });
  const rows = h("div", { class: "igw-scrub-rows" });
  const picture = h("div", { class: "igw-scrub-picture" }, [canvas, tokens, rows]);
  const el = h("section", { class: "igw-scrubber", attrs: { "aria-label": "alpha scrubber" } }, [
    h("div", { class: "igw-scrub-head" }, [
      h("span", { class: "igw-panel-title", text: "At a point of the path" }),
      h("label", { class: "igw-field" }, [h("span", { class: "igw-label", text: "\u03B1" }), slider, value])
    ]),
    readout,
    picture,
    note
  ]);
  let current = null;
  const request = debounce(() => model.send({ type: "scrub", alpha: Number(slider.value) }), () => model.get("debounce_ms"));
  d.add(request.cancel);
  function setAlpha(a) {
    if (current?.kind === "multi") return;
    slider.value = String(Math.min(1, Math.max(0, a)));
    value.textContent = Number(slider.value).toFixed(2);
    pathPanel.mark(Number(slider.value));
    request();
  }
  d.on(slider, "input", () => setAlpha(Number(slider.value)));
  d.on(slider, "change", () => request.flush());
  function draw() {
    const sp = model.get("scrub_point");
    const kind = current?.kind;
    canvas.hidden = kind !== "image";
    tokens.hidden = kind !== "text";
    rows.hidden = kind !== "tabular";
    if (!current || !sp || sp.alpha == null || !sp.grad) {
      readout.textContent = "move the slider to see the input, F and the gradient at that point";
      return;
    }
    const cur = current;
    const grad = decodeArray(sp.grad).array;
    const cmap = resolveColormap(model.get("_colormaps"), model.get("colormap"), "signed");
    const clip = commonClip([grad]);
    const map = linearMap(cmap.kind, "signed", clip);
    readout.textContent = (sp.model ? `model: ${String(sp.model)} \xB7 ` : "") + `\u03B1 = ${Number(sp.alpha).toFixed(2)} \xB7 F(x\u2032 + \u03B1(x \u2212 x\u2032)) = ${formatNumber(Number(sp.output), 4)} \xB7 colour: gradient \xD7 (x \u2212 x\u2032) there, \xB1${formatNumber(clip)}` + (cur.readout.path && cur.readout.path !== "straight" ? " \xB7 on the straight line from the baseline, not this result's path" : "") + (cur.readout.spreadDetail ? " \xB7 one plain straight line from the baseline, not the average over samples" : "");
    if (kind === "image" && sp.image && cur.width && cur.height) {
      const img = decodeArray(sp.image).array;
      canvas.width = cur.width;
      canvas.height = cur.height;
      const px = new ImageData(cur.width, cur.height);
      blendHeatmap(grad, img, cmap.lut, map, Number(model.get("opacity")), px.data);
      canvas.getContext("2d")?.putImageData(px, 0, 0);
    } else if (kind === "text" && sp.mix) {
      const mix = decodeArray(sp.mix).array;
      const toks = cur.tokens ?? [];
      tokens.replaceChildren(...toks.flatMap((t, i) => {
        const rgb2 = rgbAt(cmap.lut, lutIndex(map, grad[i]));
        const span = h("span", { class: "igw-scrub-token", text: t, attrs: { title: `${t}: ${Math.round(100 * mix[i])}% of the way to the input \xB7 gradient \xD7 (x \u2212 x\u2032) ${formatSigned(grad[i], 4)}` } });
        span.style.backgroundColor = cssRgb(rgb2);
        span.style.color = textColorOn(rgb2);
        span.style.opacity = String(0.15 + 0.85 * Math.min(1, Math.max(0, mix[i])));
        return i > 0 ? [document.createTextNode(" "), span] : [span];
      }));
    } else if (kind === "tabular" && sp.values) {
      const vals = decodeArray(sp.values).array;
      const names = cur.names ?? [];
      rows.replaceChildren(
        h("div", { class: "igw-scrub-row igw-scrub-row-head" }, ["feature", "value at \u03B1", "gradient \xD7 (x \u2212 x\u2032)"].map((t) => h("span", { text: t }))),
        ...topByMagnitude(grad, ROWS).map((i) => h("div", { class: "igw-scrub-row", attrs: { "data-index": i } }, [
          h("span", { class: "igw-scrub-name", text: names[i] ?? String(i), attrs: { title: names[i] ?? "" } }),
          h("span", { class: "igw-scrub-num", text: formatValue(vals[i]) }),
          h("span", { class: "igw-scrub-num", text: formatSigned(grad[i], 3) })
        ]))
      );
    }
  }
  for (const t of ["scrub_point", "colormap", "_colormaps", "opacity"]) d.model(model, `change:${t}`, draw);
  value.textContent = Number(slider.value).toFixed(2);
  return {
    el,
    /** hovering the path chart moves the slider */
    setAlpha,
    /** @param {Payload | null} p a new result: its trace decides the saturation note; the point is asked again */
    update(p) {
      current = p;
      const w = p?.trace?.outputs ? changeWindow(p.trace.alphas, p.trace.outputs) : null;
      note.textContent = saturationNote(w, (x) => x.toFixed(2));
      note.hidden = note.textContent === "";
      const shown = Boolean(p) && p?.kind !== "multi";
      el.hidden = !shown;
      pathPanel.mark(shown ? Number(slider.value) : null);
      if (shown) request();
      draw();
    }
  };
}

// js/lib/convergence.js
function stepsEnough(points, tol) {
  let enough = null;
  for (let i = points.length - 1; i >= 0; i--) {
    if (!(points[i][1] <= tol)) break;
    enough = points[i][0];
  }
  return enough;
}
function logPosition(rel, floor, top) {
  if (!Number.isFinite(rel)) return 1;
  const v = Math.min(top, Math.max(floor, rel));
  return (Math.log10(v) - Math.log10(floor)) / (Math.log10(top) - Math.log10(floor));
}

// js/convergence-view.js
var VW2 = 320;
var VH = 150;
var M2 = { left: 40, right: 8, top: 8, bottom: 26 };
var FLOOR = 1e-6;
var TOP = 10;
function createConvergenceView(model, d) {
  const button = suppressShortcuts(
    /** @type {HTMLButtonElement} */
    h("button", { class: "igw-button igw-convergence-run", text: "Delta against steps", attrs: { type: "button" } })
  );
  const hint = h("span", { class: "igw-compare-hint", text: "how many steps are enough, per method (one run over shared nodes)" });
  const said = h("span", { class: "igw-compare-hint igw-convergence-said", attrs: { role: "status" } });
  const svg = s("svg", { class: "igw-convergence-chart", attrs: { viewBox: `0 0 ${VW2} ${VH}`, role: "img", "aria-label": "completeness error against steps" } });
  const legend = h("div", { class: "igw-legend igw-convergence-legend" });
  const summary = h("div", { class: "igw-convergence-summary" });
  const body = h("div", { class: "igw-convergence-body" }, [svg, legend, summary]);
  const el = h("section", { class: "igw-convergence", attrs: { "aria-label": "convergence" } }, [
    h("div", { class: "igw-compare-head" }, [h("span", { class: "igw-panel-title", text: "Convergence" }), button, hint, said]),
    body
  ]);
  d.on(button, "click", () => {
    button.disabled = true;
    summary.textContent = "computing\u2026";
    said.textContent = "";
    model.send({ type: "convergence" });
  });
  function draw() {
    const c = model.get("convergence");
    button.disabled = false;
    said.textContent = "";
    svg.replaceChildren();
    legend.replaceChildren();
    const curves = c && c.curves ? Object.entries(c.curves) : [];
    body.hidden = curves.length === 0;
    if (!curves.length || !c) return;
    const nMax = Number(c.n_max) || 64;
    const x0 = M2.left;
    const x1 = VW2 - M2.right;
    const y0 = M2.top;
    const y1 = VH - M2.bottom;
    const X = (n) => x0 + Math.log2(Math.max(1, n)) / Math.log2(nMax) * (x1 - x0);
    const Y = (r) => y1 - logPosition(r, FLOOR, TOP) * (y1 - y0);
    svg.append(s("rect", { class: "igw-chart-frame", attrs: { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } }));
    for (const [r, label] of [[1, "100%"], [0.1, "10%"], [0.01, "1%"], [1e-4, "0.01%"], [1e-6, "\u22641e-6"]]) {
      const cls = r === 0.1 ? "igw-chart-limit" : "igw-chart-grid";
      svg.append(s("line", { class: cls, attrs: { x1: x0, x2: x1, y1: Y(Number(r)), y2: Y(Number(r)) } }));
      svg.append(s("text", { class: "igw-chart-tick", text: String(label), attrs: { x: x0 - 3, y: Y(Number(r)) + 3, "text-anchor": "end" } }));
    }
    for (let n = 1; n <= nMax; n *= 2) {
      svg.append(s("text", { class: "igw-chart-tick", text: String(n), attrs: { x: X(n), y: y1 + 10, "text-anchor": "middle" } }));
    }
    svg.append(s("text", { class: "igw-chart-title", text: "n_steps (log)  \xB7  |\u03B4| / |F(x) \u2212 F(x\u2032)| (log)", attrs: { x: (x0 + x1) / 2, y: VH - 3, "text-anchor": "middle" } }));
    const lines = [];
    curves.forEach(([method, pts], i) => {
      const color = CATEGORICAL[i % CATEGORICAL.length];
      const points = pts.map(([n2, r]) => `${X(n2).toFixed(1)},${Y(r).toFixed(1)}`).join(" ");
      svg.append(s("polyline", { class: "igw-chart-line", attrs: { points, "data-method": method }, style: { stroke: color } }));
      for (const [n2, r] of pts) svg.append(s("circle", { class: "igw-chart-dot", attrs: { cx: X(n2), cy: Y(r), r: 1.8 }, style: { fill: color } }));
      legend.append(h("span", { class: "igw-legend-item" }, [
        h("span", { class: "igw-swatch", style: { background: color } }),
        h("span", { class: "igw-legend-name", text: readableName(method) })
      ]));
      const n = stepsEnough(pts, 0.01);
      lines.push(`${readableName(method)}: ${n == null ? `not under 1% by n = ${nMax}` : `under 1% from n = ${n}`}`);
    });
    summary.textContent = `${lines.join(" \xB7 ")}. ${c.model ? `Model ${c.model}, baseline` : "Baseline"} ${c.baseline}; ${c.n_evals} gradient evaluations (separate runs would take ${c.n_evals_separate}).`;
  }
  d.model(model, "change:convergence", draw);
  d.model(model, "change:error", () => {
    if (button.disabled) {
      button.disabled = false;
      summary.textContent = "";
    }
  });
  const onMessage = (msg) => {
    const m = (
      /** @type {{type?: unknown, cancelled?: unknown}} */
      msg
    );
    if (!m || typeof m !== "object" || m.type !== "convergence" || m.cancelled !== true) return;
    button.disabled = false;
    summary.textContent = "";
    said.textContent = "cancelled: the settings changed while it was computing; run it again";
  };
  model.on("msg:custom", onMessage);
  d.add(() => model.off("msg:custom", onMessage));
  draw();
  return { el };
}

// js/lib/payload.js
var KINDS = ["image", "text", "tabular", "multi"];
var MAX_SIDE = 8192;
var MAX_ITEMS = 1e5;
function num(v, what) {
  if (v == null) return NaN;
  if (typeof v !== "number") throw new Error(`payload ${what}: expected a number, got ${typeof v}`);
  return v;
}
function str(v, what) {
  if (v == null) return "";
  if (typeof v !== "string") throw new Error(`payload ${what}: expected a string, got ${typeof v}`);
  return v;
}
function strings(v, what) {
  if (!Array.isArray(v)) throw new Error(`payload ${what}: expected a list of strings`);
  if (v.length > MAX_ITEMS) throw new Error(`payload ${what}: ${v.length} entries, more than ${MAX_ITEMS}`);
  return v.map((x, i) => str(x, `${what}[${i}]`));
}
function finite(a, what) {
  let bad = 0;
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) bad++;
  if (bad) throw new Error(`payload ${what}: ${bad} of ${a.length} values are NaN or infinite`);
  return a;
}
function values(rec, what) {
  try {
    return decodeArray(rec).array;
  } catch (e) {
    throw new Error(`payload ${what}: ${e instanceof Error ? e.message : e}`);
  }
}
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
    deltaNote: str(r.delta_note, "readout.delta_note")
  };
}
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
function lengthOf(arr, n, what) {
  if (arr.length !== n) throw new Error(`payload ${what}: expected ${n} values, got ${arr.length}`);
  return arr;
}
function decodePayload(p) {
  if (p == null) return null;
  if (typeof p !== "object" || Array.isArray(p)) throw new Error(`payload: expected an object, got ${Array.isArray(p) ? "a list" : typeof p}`);
  if (!p.kind) return null;
  if (typeof p.kind !== "string" || !KINDS.includes(p.kind)) {
    throw new Error(`payload kind "${String(p.kind).slice(0, 40)}" is not one of ${KINDS.join(", ")}`);
  }
  if (!p.attr) throw new Error("payload attr: array record missing");
  if (p.kind === "image") {
    const { height, width } = p;
    if (!(Number.isInteger(height) && Number.isInteger(width) && Number(height) > 0 && Number(width) > 0)) {
      throw new Error(`payload image: bad size ${String(height).slice(0, 20)}x${String(width).slice(0, 20)}`);
    }
    if (Number(height) > MAX_SIDE || Number(width) > MAX_SIDE) {
      throw new Error(`payload image: ${height}x${width} pixels is larger than ${MAX_SIDE}x${MAX_SIDE}`);
    }
  }
  const attr = finite(values(p.attr, "attr"), "attr");
  const out = {
    kind: p.kind,
    readout: decodeReadout(p.readout),
    trace: decodeTrace(p.path_trace),
    attr
  };
  if (p.kind === "image") {
    const height = Number(p.height);
    const width = Number(p.width);
    out.height = height;
    out.width = width;
    out.attr = lengthOf(attr, height * width, "attr");
    out.image = p.image ? lengthOf(values(p.image, "image"), height * width * 4, "image (RGBA)") : null;
    out.segments = p.segments ? lengthOf(values(p.segments, "segments"), height * width, "segments") : null;
  } else if (p.kind === "multi") {
    const raw = Array.isArray(p.panels) ? p.panels : [];
    if (raw.length === 0) throw new Error("payload multi: no panels");
    out.panels = raw.map((panel, i) => {
      if (!panel || panel.kind === "multi") throw new Error(`payload multi: panel ${i} is not one input`);
      const inner = (
        /** @type {Payload} */
        decodePayload(panel)
      );
      return {
        ...inner,
        name: str(panel.name, `panel ${i} name`) || `input ${i}`,
        share: num(panel.share, `panel ${i} share`),
        sum: num(panel.sum, `panel ${i} sum`)
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
  out.spread = p.spread ? lengthOf(finite(values(p.spread, "spread"), "spread"), out.attr.length, "spread") : null;
  return out;
}

// js/widget.js
var VIEWS = {
  image: createImageView,
  text: createTextView,
  tabular: createTabularView,
  multi: () => createMultiView(VIEWS)
  // one panel per input, each drawn by its own kind's view
};
var DISPLAY_TRAITS = ["sign", "colormap", "opacity", "clip_percentile", "top_k", "_colormaps", "patch_display", "patch_size"];
var NO_KERNEL = "Saved result: open in Jupyter with a kernel to recompute.";
var NO_MODEL = "Result shown without its model: build IGWidget(model, x) to recompute.";
function readDisplay(model) {
  const sign = model.get("sign");
  if (!SIGN_MODES.includes(sign)) throw new Error(`display setting sign: "${String(sign).slice(0, 40)}" is not one of ${SIGN_MODES.join(", ")}`);
  const number = (name) => {
    const v = model.get(name);
    if (typeof v !== "number" || !Number.isFinite(v)) throw new Error(`display setting ${name}: expected a number, got ${typeof v}`);
    return v;
  };
  const colormap = model.get("colormap");
  return {
    sign,
    colormap: typeof colormap === "string" ? colormap : "",
    opacity: number("opacity"),
    clip_percentile: number("clip_percentile"),
    top_k: number("top_k"),
    patch_display: model.get("patch_display") === true,
    // images: summed per patch
    patch_size: Number(model.get("patch_size")) || 0
  };
}
function shownSettings(r) {
  if (!r || typeof r !== "object") return "";
  const o = (
    /** @type {Record<string, unknown>} */
    r
  );
  if (o.target == null) return "";
  const steps = typeof o.n_steps === "number" ? `${o.n_steps} steps, ` : "";
  return `target ${String(o.target)}, ${steps}${String(o.method ?? "")}, baseline ${String(o.baseline ?? "")}, path ${String(o.path ?? "")}`;
}
function render(ctx) {
  try {
    return renderView(ctx);
  } catch (e) {
    console.error("ig_widget", e);
    ctx.el.replaceChildren();
    const msg = document.createElement("div");
    msg.className = "igw-render-error";
    msg.setAttribute("role", "alert");
    msg.textContent = `ig_widget could not show this view: ${e instanceof Error ? e.message : String(e)}`;
    ctx.el.append(msg);
    return () => msg.remove();
  }
}
function renderView({ model, el }) {
  const d = new Disposer();
  const empty = h("div", { class: "igw-empty", text: "waiting for the first result\u2026" });
  const main = h("div", { class: "igw-main" }, [empty]);
  const renderError = h("div", { class: "igw-render-error", attrs: { role: "alert" } });
  const changed = h("div", { class: "igw-changed", attrs: { role: "note" } });
  changed.hidden = true;
  renderError.hidden = true;
  const readout = createReadout();
  const pathPanel = createPathPanel();
  d.add(pathPanel.destroy);
  const side = h("div", { class: "igw-side" }, [readout.el, pathPanel.el]);
  const body = h("div", { class: "igw-body" }, [main, side]);
  const controls = createControls(model, d);
  const status = createStatus(model, d, [main, side]);
  const compare = createCompareView(model, d);
  const scrubber = createAlphaScrubber(model, d, pathPanel);
  pathPanel.onHover(scrubber.setAlpha);
  const convergence = createConvergenceView(model, d);
  const kernelViews = [compare.el, scrubber.el, convergence.el];
  let live = true;
  const share = createShare(model, d, () => live, () => main.querySelector("canvas.igw-heatmap"));
  const syncCompute = () => {
    const computable = model.get("computable") !== false;
    controls.setCompute(live && computable, computable ? NO_KERNEL : NO_MODEL);
    for (const c of kernelViews.flatMap((v) => [...v.querySelectorAll("button, input, select")])) {
      c.disabled = !(live && computable);
    }
    root.classList.toggle("igw-offline", !live);
    share.sync();
  };
  const root = h("div", { class: "igw-root", attrs: { "data-version": model.get("_version") } }, [
    controls.el,
    status.el,
    renderError,
    body,
    scrubber.el,
    convergence.el,
    compare.el,
    changed,
    share.el
  ]);
  el.append(root);
  const syncChanged = () => {
    const was = shownSettings(model.get("_shown"));
    const now = shownSettings(model.get("_payload")?.readout);
    const differs = !live && was !== "" && now !== "" && was !== now;
    changed.textContent = differs ? `Changed by code run after this cell: the cell's own output showed ${was}; this view shows ${now}.` : "";
    changed.hidden = !differs;
  };
  watchKernel(model, d, (isLive) => {
    live = isLive;
    syncCompute();
    syncChanged();
  });
  for (const t of ["_shown", "_payload"]) d.model(model, `change:${t}`, syncChanged);
  d.model(model, "change:computable", syncCompute);
  let payload = null;
  let view = null;
  let viewKind = null;
  d.add(() => view?.destroy());
  const failures = { payload: "", draw: "" };
  function guard(slot, fn) {
    try {
      fn();
      failures[slot] = "";
    } catch (e) {
      console.error("ig_widget", e);
      const why = e instanceof Error ? e.message : String(e);
      failures[slot] = `Could not draw this result (ig_widget ${model.get("_version")}): ${why}`;
    }
    const msg = failures.payload || failures.draw;
    renderError.textContent = msg;
    renderError.hidden = msg === "";
    body.hidden = msg !== "";
  }
  const draw = frameScheduler(() => guard("draw", () => {
    if (!payload || !view) return;
    const display = readDisplay(model);
    view.draw(display, resolveColormap(model.get("_colormaps"), display.colormap, display.sign));
  }));
  d.add(draw.cancel);
  function onPayload() {
    guard("payload", () => {
      payload = decodePayload(model.get("_payload"));
      const kind = payload?.kind ?? null;
      controls.setKind(kind ?? model.get("modality"));
      if (kind !== viewKind) {
        view?.destroy();
        view = kind ? VIEWS[kind]() : null;
        viewKind = kind;
        main.replaceChildren(view ? view.el : empty);
      }
      side.hidden = !payload;
      if (!payload || !view) return;
      view.setData(payload);
      readout.update(payload.readout);
      compare.update(payload);
      scrubber.update(payload);
      pathPanel.update(payload.trace, payload.readout.pathDetail ? null : payload.readout.nSteps);
      draw();
      share.sync();
    });
  }
  d.model(model, "change:_payload", onPayload);
  for (const t of DISPLAY_TRAITS) d.model(model, `change:${t}`, draw);
  d.model(model, "change:modality", () => controls.setKind(payload?.kind ?? model.get("modality")));
  onPayload();
  return () => {
    d.dispose();
    root.remove();
  };
}
var widget_default = { render };
export {
  widget_default as default
};
