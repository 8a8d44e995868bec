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
import { createReadout } from "./readout.js";
import { createPathPanel } from "./path-panel.js";
import { createCompareView } from "./compare-view.js";
import { createAlphaScrubber } from "./alpha-scrubber.js";
import { createConvergenceView } from "./convergence-view.js";
import { decodePayload } from "./lib/payload.js";
import { resolveColormap } from "./lib/colormap.js";

/** @typedef {import("./types.js").Model} Model */
/** @typedef {import("./types.js").RenderContext} RenderContext */
/** @typedef {import("./types.js").Display} Display */
/** @typedef {import("./types.js").Payload} Payload */
/** @typedef {import("./types.js").View} View */
/** @typedef {import("./types.js").Kind} Kind */

/** @type {Record<Kind, () => View>} */
const VIEWS = { image: createImageView, text: createTextView, tabular: createTabularView };
const DISPLAY_TRAITS = ["sign", "colormap", "opacity", "clip_percentile", "top_k", "_colormaps"];

/**
 * The display settings now; their defaults live in the kernel's traits alone.
 * @param {Model} model
 * @returns {Display}
 */
function readDisplay(model) {
  return {
    sign: model.get("sign"),
    colormap: model.get("colormap"),
    opacity: Number(model.get("opacity")),
    clip_percentile: Number(model.get("clip_percentile")),
    top_k: Number(model.get("top_k")),
  };
}

/**
 * Draw the widget into `el`; returns the cleanup anywidget calls when the view goes.
 * @param {RenderContext} ctx
 * @returns {() => void}
 */
function render({ model, el }) {
  const d = new Disposer();
  const empty = h("div", { class: "igw-empty", text: "waiting for the first result…" });
  const main = h("div", { class: "igw-main" }, [empty]);
  const renderError = h("div", { class: "igw-render-error", attrs: { role: "alert" } });
  renderError.hidden = true;
  const readout = createReadout();
  const pathPanel = createPathPanel();
  d.add(pathPanel.destroy);
  const side = h("div", { class: "igw-side" }, [readout.el, pathPanel.el]);
  const controls = createControls(model, d);
  const status = createStatus(model, d, [main, side]);
  const compare = createCompareView(model, d);
  const scrubber = createAlphaScrubber(model, d, pathPanel);
  pathPanel.onHover(scrubber.setAlpha);
  const convergence = createConvergenceView(model, d);
  // The version comes from the Python package (its one source), for bug reports.
  const root = h("div", { class: "igw-root", attrs: { "data-version": model.get("_version") } }, [
    controls.el,
    status.el,
    renderError,
    h("div", { class: "igw-body" }, [main, side]),
    scrubber.el,
    convergence.el,
    compare.el,
  ]);
  el.append(root);

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
