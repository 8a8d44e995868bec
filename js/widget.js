// @ts-check
// anywidget entry: wires the model to the controls, the status strip, one view
// per payload kind, the readout and the path chart. Payload changes decode once
// and redraw; display-only traits redraw from the cached payload (no message).
import { h, Disposer, frameScheduler } from "./dom.js";
import { createControls } from "./controls.js";
import { createStatus } from "./status.js";
import { createImageView } from "./image-heatmap.js";
import { createTextView } from "./token-highlight.js";
import { createTabularView } from "./tabular-bars.js";
import { createMultiView } from "./multi-input.js";
import { createReadout } from "./readout.js";
import { createPathPanel } from "./path-panel.js";
import { createShare } from "./share.js";
import { watchKernel } from "./kernel.js";
import { createCompareView } from "./compare-view.js";
import { createAlphaScrubber } from "./alpha-scrubber.js";
import { createConvergenceView } from "./convergence-view.js";
import { decodePayload } from "./lib/payload.js";
import { resolveColormap } from "./lib/colormap.js";
import { SIGN_MODES } from "./lib/scale.js";

/** @typedef {import("./types.js").Model} Model */
/** @typedef {import("./types.js").RenderContext} RenderContext */
/** @typedef {import("./types.js").Display} Display */
/** @typedef {import("./types.js").Payload} Payload */
/** @typedef {import("./types.js").View} View */
/** @typedef {import("./types.js").Kind} Kind */

/** @type {Record<Kind, () => View>} */
const VIEWS = {
  image: createImageView,
  text: createTextView,
  tabular: createTabularView,
  multi: () => createMultiView(VIEWS), // one panel per input, each drawn by its own kind's view
};
const DISPLAY_TRAITS = ["sign", "colormap", "opacity", "clip_percentile", "top_k", "_colormaps", "patch_display", "patch_size"];
/** Why the compute controls are off: no kernel behind the page, or no model behind the result. */
const NO_KERNEL = "Saved result: open in Jupyter with a kernel to recompute.";
const NO_MODEL = "Result shown without its model: build IGWidget(model, x) to recompute.";

/**
 * The display settings now; their defaults live in the kernel's traits alone.
 * @param {Model} model
 * @returns {Display}
 */
function readDisplay(model) {
  const sign = model.get("sign");
  if (!SIGN_MODES.includes(sign)) throw new Error(`display setting sign: "${String(sign).slice(0, 40)}" is not one of ${SIGN_MODES.join(", ")}`);
  /** @param {"opacity" | "clip_percentile" | "top_k"} name */
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
    patch_display: model.get("patch_display") === true, // images: summed per patch
    patch_size: Number(model.get("patch_size")) || 0,
  };
}

/**
 * The settings of a readout in a few words ("" when there is none).
 * @param {unknown} r
 * @returns {string}
 */
function shownSettings(r) {
  if (!r || typeof r !== "object") return "";
  const o = /** @type {Record<string, unknown>} */ (r);
  if (o.target == null) return "";
  const steps = typeof o.n_steps === "number" ? `${o.n_steps} steps, ` : "";
  return `target ${String(o.target)}, ${steps}${String(o.method ?? "")}, baseline ${String(o.baseline ?? "")}, path ${String(o.path ?? "")}`;
}

/**
 * Draw the widget into `el`; returns the cleanup anywidget calls when the view goes.
 * Whatever the state holds (it may come from a notebook someone else saved), a failure
 * ends as a message in the view, never as an exception out of render.
 * @param {RenderContext} ctx
 * @returns {() => void}
 */
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

/**
 * @param {RenderContext} ctx
 * @returns {() => void}
 */
function renderView({ model, el }) {
  const d = new Disposer();
  const empty = h("div", { class: "igw-empty", text: "waiting for the first result…" });
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
  // the exploring views ask the kernel for every answer: off, like the compute controls,
  // in a saved page or for a result without its model
  const kernelViews = [compare.el, scrubber.el, convergence.el];
  let live = true;
  const share = createShare(model, d, () => live, () => main.querySelector("canvas.igw-heatmap"));
  const syncCompute = () => {
    const computable = model.get("computable") !== false;
    controls.setCompute(live && computable, computable ? NO_KERNEL : NO_MODEL);
    for (const c of kernelViews.flatMap((v) => [...v.querySelectorAll("button, input, select")])) {
      /** @type {HTMLButtonElement | HTMLInputElement | HTMLSelectElement} */ (c).disabled = !(live && computable);
    }
    root.classList.toggle("igw-offline", !live);
    share.sync();
  };
  // The version comes from the Python package (its one source), for bug reports.
  const root = h("div", { class: "igw-root", attrs: { "data-version": model.get("_version") } }, [
    controls.el,
    status.el,
    renderError,
    body,
    scrubber.el,
    convergence.el,
    compare.el,
    changed,
    share.el,
  ]);
  el.append(root);
  // In a saved page, say when later code changed the widget after its cell's output
  // was kept (that output's picture shows the cell's own result).
  const syncChanged = () => {
    const was = shownSettings(model.get("_shown"));
    const now = shownSettings(model.get("_payload")?.readout);
    const differs = !live && was !== "" && now !== "" && was !== now;
    changed.textContent = differs
      ? `Changed by code run after this cell: the cell's own output showed ${was}; this view shows ${now}.`
      : "";
    changed.hidden = !differs;
  };
  watchKernel(model, d, (isLive) => {
    live = isLive;
    syncCompute();
    syncChanged();
  });
  for (const t of ["_shown", "_payload"]) d.model(model, `change:${t}`, syncChanged);
  d.model(model, "change:computable", syncCompute);

  /** @type {Payload | null} */
  let payload = null;
  /** @type {View | null} */
  let view = null;
  /** @type {Kind | null} */
  let viewKind = null;
  d.add(() => view?.destroy());

  // A bug or malformed payload shows as a message in the widget, not a blank cell.
  // Payload and draw failures are tracked apart so a redraw cannot hide a bad payload.
  const failures = { payload: "", draw: "" };
  /**
   * @param {"payload" | "draw"} slot
   * @param {() => void} fn
   */
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
    body.hidden = msg !== ""; // the message alone: nothing half-drawn beside it
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
      share.sync(); // the view may have a heatmap canvas to download now
    });
  }

  d.model(model, "change:_payload", onPayload);
  for (const t of DISPLAY_TRAITS) d.model(model, `change:${t}`, draw);
  d.model(model, "change:modality", () => controls.setKind(payload?.kind ?? model.get("modality")));
  onPayload();

  // Listeners go first, then the DOM: removing a focused input fires blur/change.
  return () => {
    d.dispose();
    root.remove();
  };
}

export default { render };
