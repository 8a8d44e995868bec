// js/dom.js
function h(tag, props = {}, children = []) {
  return build(document.createElement(tag), props, children);
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

// js/browser/model-listen.js
function onTraits(d, model, traits, handler) {
  for (const t of traits) {
    const event = `change:${t}`;
    model.on(event, handler);
    d.add(() => model.off(event, handler));
  }
}

// js/browser/toolbar.js
var SORTS = [
  ["index", "index"],
  ["loss", "loss"],
  ["confidence", "confidence"],
  ["margin", "margin"]
];
function field(label, control) {
  return h("label", { class: "igb-field" }, [h("span", { class: "igb-label", text: label }), control]);
}
function classOptions(select, names, anyText) {
  const keep = select.value;
  select.replaceChildren(
    h("option", { text: anyText, attrs: { value: "-1" } }),
    ...names.map((n, i) => h("option", { text: n, attrs: { value: String(i) } }))
  );
  select.value = keep && Number(keep) < names.length ? keep : "-1";
}
function createToolbar(model, d) {
  const set = (name, value) => {
    model.set(name, value);
    model.save_changes();
  };
  const sort = suppressShortcuts(
    /** @type {HTMLSelectElement} */
    h(
      "select",
      { class: "igb-input igb-sort" },
      SORTS.map(([v, t]) => h("option", { text: t, attrs: { value: v } }))
    )
  );
  const dir = suppressShortcuts(h("button", { class: "igb-input igb-dir", attrs: { type: "button" } }));
  const wrong = suppressShortcuts(
    /** @type {HTMLInputElement} */
    h("input", { class: "igb-wrong-only", attrs: { type: "checkbox" } })
  );
  const truth = suppressShortcuts(
    /** @type {HTMLSelectElement} */
    h("select", { class: "igb-input igb-true" })
  );
  const pred = suppressShortcuts(
    /** @type {HTMLSelectElement} */
    h("select", { class: "igb-input igb-predicted" })
  );
  const clear = suppressShortcuts(h("button", { class: "igb-input igb-clear", text: "clear filters", attrs: { type: "button" } }));
  const wrongField = h("label", { class: "igb-field igb-check" }, [wrong, h("span", { text: "misclassified only" })]);
  const truthField = field("true", truth);
  const el = h("div", { class: "igb-controls" }, [
    field("sort by", sort),
    dir,
    h("span", { class: "igb-sep" }),
    wrongField,
    truthField,
    field("predicted", pred),
    clear
  ]);
  d.on(sort, "change", () => {
    const key = SORTS.find(([v]) => v === sort.value)?.[0];
    if (key) set("sort_by", key);
  });
  d.on(dir, "click", () => set("descending", !model.get("descending")));
  d.on(wrong, "change", () => set("misclassified", wrong.checked));
  d.on(truth, "change", () => set("true_class", Number(truth.value)));
  d.on(pred, "change", () => set("predicted_class", Number(pred.value)));
  d.on(clear, "click", () => {
    model.set("misclassified", false);
    model.set("true_class", -1);
    model.set("predicted_class", -1);
    model.save_changes();
  });
  function update() {
    const labels = !!model.get("has_labels");
    const names = model.get("class_names") || [];
    if (truth.options.length !== names.length + 1) classOptions(truth, names, "any");
    if (pred.options.length !== names.length + 1) classOptions(pred, names, "any");
    sort.value = model.get("sort_by");
    const loss = sort.querySelector('option[value="loss"]');
    if (loss instanceof HTMLOptionElement) loss.disabled = !labels;
    const desc = !!model.get("descending");
    dir.textContent = desc ? "\u2193 largest first" : "\u2191 smallest first";
    dir.setAttribute("aria-pressed", String(desc));
    wrong.checked = !!model.get("misclassified");
    wrongField.hidden = !labels;
    truthField.hidden = !labels;
    truth.value = String(model.get("true_class"));
    pred.value = String(model.get("predicted_class"));
  }
  onTraits(d, model, ["sort_by", "descending", "misclassified", "true_class", "predicted_class", "class_names", "has_labels"], update);
  update();
  return { el, update };
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

// js/browser/lib/cards.js
function className(names, i) {
  if (i == null || i < 0) return "?";
  return names && i < names.length ? String(names[i]) : String(i);
}
function formatProb(p) {
  if (!Number.isFinite(p)) return "\u2013";
  const pct = 100 * p;
  if (pct > 0 && pct < 0.1) return "<0.1%";
  if (pct >= 99.95 && pct < 100) return ">99.9%";
  return pct >= 10 || pct === 0 ? `${Math.round(pct)}%` : `${pct.toFixed(1)}%`;
}
function cardText(card, names) {
  const hasLabel = card.label != null && card.label >= 0;
  const wrong = hasLabel && card.label !== card.predicted;
  const pred = `${className(names, card.predicted)} \xB7 ${formatProb(card.prob)}`;
  const truth = hasLabel ? className(names, card.label) : "";
  const tip = [
    `example ${card.index}`,
    hasLabel ? `true: ${truth}` : "no label",
    `predicted: ${pred}`,
    card.loss != null && Number.isFinite(card.loss) ? `loss ${card.loss.toPrecision(3)}` : null,
    Number.isFinite(card.margin) ? `margin ${card.margin.toFixed(3)}` : null
  ].filter(Boolean).join(" \xB7 ");
  return { title: `#${card.index}`, truth, pred, wrong, tip };
}
function pageLabel(page, pageSize, n) {
  if (n <= 0) return "nothing to show";
  const start = page * pageSize + 1;
  const stop = Math.min(n, (page + 1) * pageSize);
  return `${start.toLocaleString("en-US")}\u2013${stop.toLocaleString("en-US")} of ${n.toLocaleString("en-US")}`;
}
function stepPage(page, delta, nPages) {
  return Math.max(0, Math.min(Math.max(1, nPages) - 1, page + delta));
}

// js/browser/lib/heat.js
var NEG = [33, 102, 172];
var POS = [178, 24, 43];
function heatColor(v) {
  const x = Number.isFinite(v) ? Math.max(-1, Math.min(1, v)) : 0;
  const t = Math.abs(x);
  const c = x < 0 ? NEG : POS;
  return [
    Math.round(255 + (c[0] - 255) * t),
    Math.round(255 + (c[1] - 255) * t),
    Math.round(255 + (c[2] - 255) * t),
    Math.round(255 * Math.min(1, 0.15 + t))
  ];
}
function heatPixels(values) {
  const out = new Uint8ClampedArray(values.length * 4);
  for (let i = 0; i < values.length; i++) out.set(heatColor(values[i]), 4 * i);
  return out;
}
function heatCss(v, strength = 1) {
  const [r, g, b, a] = heatColor(v);
  return `rgba(${r}, ${g}, ${b}, ${(a / 255 * strength).toFixed(3)})`;
}

// js/browser/card-grid.js
var TEXT_HEAT = 0.5;
function imageCanvas(rec, cls) {
  const { shape, array } = decodeArray(rec);
  const [height, width] = shape;
  const canvas = (
    /** @type {HTMLCanvasElement} */
    h("canvas", { class: cls, attrs: { width, height } })
  );
  const ctx = canvas.getContext("2d");
  if (ctx) {
    const data = array instanceof Uint8ClampedArray ? array : new Uint8ClampedArray(array.buffer, array.byteOffset, array.length);
    ctx.putImageData(new ImageData(data.slice(), width, height), 0, 0);
  }
  return canvas;
}
function heatCanvas(rec) {
  const { shape, array } = decodeArray(rec);
  const [height, width] = shape.length === 2 ? shape : [1, shape[0]];
  const canvas = (
    /** @type {HTMLCanvasElement} */
    h("canvas", { class: "igb-heat", attrs: { width, height } })
  );
  const ctx = canvas.getContext("2d");
  if (ctx) ctx.putImageData(new ImageData(heatPixels(array), width, height), 0, 0);
  return canvas;
}
function buildCard(card, names, kind, onOpen) {
  const t = cardText(card, names);
  const el = suppressShortcuts(h("div", {
    class: `igb-card${t.wrong ? " igb-wrong" : ""}`,
    attrs: { tabindex: "0", role: "button", title: t.tip, "data-index": card.index, "aria-label": t.tip }
  }));
  const visual = h("div", { class: "igb-visual" });
  let tokenSpans = null;
  let cellEls = null;
  if (kind === "image" && card.thumb) {
    visual.append(imageCanvas(card.thumb, "igb-thumb"));
  } else if (kind === "text") {
    tokenSpans = (card.tokens || []).map((tok) => h("span", { class: "igb-token", text: tok }));
    visual.append(h("div", { class: "igb-text" }, tokenSpans));
  } else if (kind === "tabular") {
    cellEls = (card.cells || []).map(([name, value]) => h("div", { class: "igb-cell" }, [
      h("span", { class: "igb-cell-name", text: name }),
      h("span", { class: "igb-cell-value", text: value })
    ]));
    visual.append(h("div", { class: "igb-cells" }, cellEls));
  }
  const caption = h("div", { class: "igb-caption" }, [
    h("span", { class: "igb-index", text: t.title }),
    t.truth ? h("span", { class: "igb-truth", text: t.truth, attrs: { title: "true class" } }) : null,
    h("span", { class: "igb-pred", text: t.pred, attrs: { title: "predicted class and its probability" } })
  ]);
  el.append(visual, caption);
  const open = () => onOpen(card.index);
  el.addEventListener("click", open);
  el.addEventListener("keydown", (e) => {
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      open();
    }
  });
  function setAttr(rec) {
    if (kind === "image") {
      visual.querySelector(".igb-heat")?.remove();
      visual.append(heatCanvas(rec));
    } else if (kind === "text" && tokenSpans) {
      const { array } = decodeArray(rec);
      tokenSpans.forEach((span, i) => {
        span.style.background = i < array.length ? heatCss(array[i], TEXT_HEAT) : "";
      });
    } else if (kind === "tabular") {
      const { array } = decodeArray(rec);
      (cellEls || []).forEach((cell, i) => {
        cell.style.background = i < array.length ? heatCss(array[i], TEXT_HEAT) : "";
      });
      visual.querySelector(".igb-heat")?.remove();
      visual.append(heatCanvas(rec));
    }
  }
  return { el, setAttr };
}
function createCardGrid(onOpen) {
  const el = h("div", { class: "igb-grid", attrs: { role: "list" } });
  let cards = /* @__PURE__ */ new Map();
  let drawn = /* @__PURE__ */ new Set();
  function setItems(items, names, kind) {
    cards = /* @__PURE__ */ new Map();
    drawn = /* @__PURE__ */ new Set();
    const els = [];
    for (const card of items || []) {
      const c = buildCard(card, names, kind, onOpen);
      cards.set(String(card.index), c);
      els.push(c.el);
    }
    el.replaceChildren(...els);
    if (!els.length) el.append(h("div", { class: "igb-none", text: "No example matches these filters." }));
  }
  function setAttrs(attrs) {
    for (const [key, rec] of Object.entries(attrs || {})) {
      const c = cards.get(key);
      if (c && !drawn.has(key)) {
        c.setAttr(rec);
        drawn.add(key);
      }
    }
  }
  function cardOf(index) {
    return cards.get(String(index))?.el ?? null;
  }
  return { el, setItems, setAttrs, cardOf };
}

// js/browser/lib/confusion.js
function totals(matrix) {
  const c = matrix.length;
  const rows = new Array(c).fill(0);
  const cols = new Array(c).fill(0);
  let total = 0;
  let correct = 0;
  for (let i = 0; i < c; i++) {
    for (let j = 0; j < c; j++) {
      const v = Number(matrix[i][j]) || 0;
      rows[i] += v;
      cols[j] += v;
      total += v;
      if (i === j) correct += v;
    }
  }
  return { rows, cols, total, correct };
}
function cellShare(matrix, i, j) {
  let row = 0;
  for (const v of matrix[i]) row += Number(v) || 0;
  return row > 0 ? (Number(matrix[i][j]) || 0) / row : 0;
}
function isActive(filter, i, j) {
  return filter.true_class === i && filter.predicted_class === j;
}

// js/browser/confusion-view.js
var MAX_CLASSES = 30;
function createConfusionView(onPick) {
  const el = h("div", { class: "igb-confusion" });
  const table = h("table", { class: "igb-cm" });
  const caption = h("div", { class: "igb-cm-caption", text: "confusion matrix (rows true, columns predicted): a click on a cell filters the gallery" });
  el.append(caption, table);
  let buttons = [];
  function update(matrix, names, filter) {
    buttons = [];
    const c = matrix?.length ?? 0;
    el.hidden = c === 0;
    if (!matrix || c === 0) return;
    if (c > MAX_CLASSES) {
      table.replaceChildren();
      caption.textContent = `confusion matrix not drawn for ${c} classes (more than ${MAX_CLASSES}); filter by class above`;
      return;
    }
    const t = totals(matrix);
    const head = h("tr", {}, [
      h("th", { class: "igb-cm-corner", text: "true \\ pred" }),
      ...names.slice(0, c).map((n) => h("th", { class: "igb-cm-col", text: n, attrs: { title: `predicted ${n}` } }))
    ]);
    const rows = [head];
    for (let i = 0; i < c; i++) {
      const cells = [h("th", { class: "igb-cm-row", text: names[i] ?? String(i), attrs: { title: `true ${names[i]}` } })];
      for (let j = 0; j < c; j++) {
        const count = Number(matrix[i][j]) || 0;
        const share = cellShare(matrix, i, j);
        const diag = i === j;
        const btn = suppressShortcuts(
          /** @type {HTMLButtonElement} */
          h("button", {
            class: `igb-cm-cell${diag ? " igb-cm-diag" : ""}${isActive(filter, i, j) ? " igb-cm-active" : ""}`,
            text: count ? String(count) : "",
            attrs: {
              type: "button",
              title: `true ${names[i]}, predicted ${names[j]}: ${count} of ${t.rows[i]}`,
              "data-true": i,
              "data-pred": j
            },
            style: {
              background: count ? `color-mix(in srgb, ${diag ? "var(--igb-good)" : "var(--igb-bad)"} ${Math.round(10 + 70 * share)}%, transparent)` : ""
            }
          })
        );
        btn.disabled = count === 0;
        btn.addEventListener("click", () => onPick(i, j));
        buttons.push(btn);
        cells.push(h("td", {}, [btn]));
      }
      rows.push(h("tr", {}, cells));
    }
    table.replaceChildren(...rows);
  }
  return { el, update };
}

// js/browser/gallery.js
function render({ model, el }) {
  const d = new Disposer();
  const set = (name, value) => {
    model.set(name, value);
    model.save_changes();
  };
  const fill = h("div", { class: "igb-progress-fill" });
  const progressLabel = h("span", { class: "igb-progress-label" });
  const progress = h("div", { class: "igb-running" }, [h("div", { class: "igb-progress" }, [fill]), progressLabel]);
  const error = h("div", { class: "igb-error", attrs: { role: "alert" } });
  const summary = h("div", { class: "igb-summary" });
  const note = h("div", { class: "igb-note" });
  const toolbar = createToolbar(model, d);
  const grid = createCardGrid((index) => set("opened", index));
  const confusion = createConfusionView((i, j) => {
    model.set("misclassified", false);
    model.set("true_class", i);
    model.set("predicted_class", j);
    model.save_changes();
  });
  const prev = suppressShortcuts(
    /** @type {HTMLButtonElement} */
    h("button", { class: "igb-input igb-prev", text: "\u2039 previous", attrs: { type: "button" } })
  );
  const next = suppressShortcuts(
    /** @type {HTMLButtonElement} */
    h("button", { class: "igb-input igb-next", text: "next \u203A", attrs: { type: "button" } })
  );
  const pageText = h("span", { class: "igb-page" });
  const pager = h("div", { class: "igb-pager" }, [prev, pageText, next]);
  d.on(prev, "click", () => set("page", stepPage(model.get("page"), -1, model.get("n_pages"))));
  d.on(next, "click", () => set("page", stepPage(model.get("page"), 1, model.get("n_pages"))));
  const gallery = h("div", { class: "igb-gallery" }, [
    toolbar.el,
    h("div", { class: "igb-body" }, [
      h("div", { class: "igb-main" }, [grid.el, pager]),
      h("div", { class: "igb-side" }, [confusion.el, note])
    ])
  ]);
  const back = suppressShortcuts(h("button", { class: "igb-input igb-back", text: "\u2190 back to gallery", attrs: { type: "button" } }));
  const openedText = h("span", { class: "igb-opened" });
  const detailBar = h("div", { class: "igb-detail-bar" }, [back, openedText]);
  d.on(back, "click", () => set("opened", -1));
  const root = h("div", { class: "igb-root" }, [progress, error, summary, gallery, detailBar]);
  el.append(root);
  let items = [];
  function drawStatus() {
    const status = model.get("status");
    const p = Number(model.get("progress")) || 0;
    progress.hidden = status !== "predicting";
    fill.style.width = `${Math.round(100 * p)}%`;
    progressLabel.textContent = `predicting\u2026 ${Math.round(100 * p)}%`;
    const msg = model.get("error") || "";
    error.textContent = msg;
    error.hidden = msg === "";
    const n = model.get("n_examples");
    const acc = model.get("accuracy");
    const parts = [`${Number(n).toLocaleString("en-US")} examples`];
    if (acc >= 0) parts.push(`accuracy ${formatProb(acc)}`);
    parts.push(`${Number(model.get("n_shown")).toLocaleString("en-US")} shown`);
    summary.textContent = status === "ready" ? parts.join(" \xB7 ") : "";
    summary.hidden = status !== "ready";
    note.textContent = model.get("thumb_note") || "";
    gallery.hidden = status !== "ready" || model.get("opened") >= 0;
  }
  function drawPage() {
    items = model.get("_items") || [];
    grid.setItems(items, model.get("class_names") || [], model.get("modality"));
    grid.setAttrs(model.get("_attr_thumbs"));
    const page2 = model.get("page");
    const nPages = model.get("n_pages");
    pageText.textContent = pageLabel(page2, model.get("page_size"), model.get("n_shown"));
    prev.disabled = page2 <= 0;
    next.disabled = page2 >= nPages - 1;
  }
  function drawConfusion() {
    confusion.update(model.get("confusion"), model.get("class_names") || [], {
      true_class: model.get("true_class"),
      predicted_class: model.get("predicted_class")
    });
  }
  let lastOpened = -1;
  function drawOpened() {
    const opened = model.get("opened");
    detailBar.hidden = opened < 0;
    drawStatus();
    if (opened >= 0) {
      lastOpened = opened;
      const card = items.find((c) => c.index === opened);
      const names = model.get("class_names") || [];
      openedText.textContent = card ? `example #${opened} \xB7 true ${className(names, card.label)} \xB7 predicted ${className(names, card.predicted)} (${formatProb(card.prob)})` : `example #${opened}`;
    } else if (lastOpened >= 0) {
      const cardEl = grid.cardOf(lastOpened);
      lastOpened = -1;
      if (cardEl) {
        cardEl.scrollIntoView?.({ block: "nearest" });
        cardEl.focus({ preventScroll: true });
      }
    }
  }
  const page = frameScheduler(drawPage);
  d.add(page.cancel);
  const attrs = frameScheduler(() => grid.setAttrs(model.get("_attr_thumbs")));
  d.add(attrs.cancel);
  onTraits(d, model, ["status", "progress", "error", "n_examples", "n_shown", "accuracy", "thumb_note"], drawStatus);
  onTraits(d, model, ["_items", "page", "n_pages", "page_size", "class_names", "modality"], page);
  onTraits(d, model, ["_attr_thumbs"], attrs);
  onTraits(d, model, ["confusion", "class_names", "true_class", "predicted_class"], drawConfusion);
  onTraits(d, model, ["opened"], drawOpened);
  drawStatus();
  drawPage();
  drawConfusion();
  drawOpened();
  return () => {
    d.dispose();
    root.remove();
  };
}
var gallery_default = { render };
export {
  gallery_default as default
};
