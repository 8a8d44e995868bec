// @ts-check
// Path chart: F(γ(α)) against α, and each listed feature's running attribution
// against α, so one can see where along the path attribution accrues (e.g. a
// saturated model gains everything near α = 0).
import { h, s, Disposer } from "./dom.js";
import { CATEGORICAL } from "./lib/colormap.js";
import { extent } from "./lib/scale.js";
import { formatNumber, formatSigned } from "./lib/format.js";
import { axisTicks, tickLabels } from "./lib/ticks.js";
import { pointsText } from "./lib/labels.js";

const VW = 320; // viewBox units; the SVG scales to the panel width
const M = { left: 44, right: 8 };
const MAX_DOTS = 64; // show quadrature nodes as dots when there are few

/** @typedef {import("./types.js").Trace} Trace */
/** @typedef {{xs: import("./types.js").NumArray, ys: import("./types.js").NumArray, color: string}} Series */

/**
 * One small line chart into SVG group `g`. Returns {X(alpha), y0, y1}.
 * @param {SVGElement} g
 * @param {number} top
 * @param {number} height
 * @param {string} title
 * @param {Series[]} series
 * @returns {{X: (a: number) => number, y0: number, y1: number}}
 */
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
  const X = (/** @type {number} */ a) => x0 + a * (x1 - x0);
  const Y = (/** @type {number} */ v) => y1 - ((v - lo) / (hi - lo)) * (y1 - y0);
  g.append(s("text", { class: "igw-chart-title", text: title, attrs: { x: x0, y: top + 9 } }));
  // at least two ticks, labels that differ (lib/ticks.js)
  const ticks = axisTicks(lo, hi, 4);
  const labels = tickLabels(ticks);
  ticks.forEach((t, i) => {
    g.append(s("line", { class: t === 0 ? "igw-chart-zero" : "igw-chart-grid", attrs: { x1: x0, x2: x1, y1: Y(t), y2: Y(t) } }));
    g.append(s("text", { class: "igw-chart-tick", text: labels[i], attrs: { x: x0 - 4, y: Y(t) + 3, "text-anchor": "end" } }));
  });
  g.append(s("rect", { class: "igw-chart-frame", attrs: { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } }));
  for (const ser of series) {
    // Non-finite points are skipped so one NaN does not blank the whole line.
    const pts = Array.from(ser.xs, (a, i) => (Number.isFinite(ser.ys[i]) ? `${X(a).toFixed(1)},${Y(ser.ys[i]).toFixed(1)}` : ""))
      .filter(Boolean).join(" ");
    g.append(s("polyline", { class: "igw-chart-line", attrs: { points: pts }, style: { stroke: ser.color } }));
    if (ser.xs.length <= MAX_DOTS) {
      ser.xs.forEach((/** @type {number} */ a, /** @type {number} */ i) => Number.isFinite(ser.ys[i]) && g.append(s("circle", { class: "igw-chart-dot", attrs: { cx: X(a), cy: Y(ser.ys[i]), r: 1.8 }, style: { fill: ser.color } })));
    }
  }
  return { X, y0, y1 };
}

export function createPathPanel() {
  const d = new Disposer();
  const svg = s("svg", { class: "igw-path-chart", attrs: { viewBox: `0 0 ${VW} 100`, role: "img", "aria-label": "attribution along the path" } });
  const legend = h("div", { class: "igw-legend" });
  const hover = h("div", { class: "igw-hover igw-path-hover" });
  const note = h("div", { class: "igw-path-note" });
  const el = h("div", { class: "igw-path-panel" }, [h("div", { class: "igw-panel-title", text: "Along the path" }), svg, legend, hover, note]);
  /** @type {Trace | null} */
  let trace = null;
  /** @type {number | null | undefined} */
  let steps = null;
  /** @type {SVGElement[]} */
  let guides = [];
  /** @type {SVGElement[]} the alpha scrubber's position on each chart */
  let markers = [];
  /** @type {number | null} */
  let marked = null;
  /** @type {((alpha: number) => void) | null} */
  let onHover = null;
  const placeMarkers = () => {
    for (const m of markers) {
      m.style.display = marked == null || !X ? "none" : "";
      if (marked != null && X) { m.setAttribute("x1", String(X(marked))); m.setAttribute("x2", String(X(marked))); }
    }
  };
  /** @type {((a: number) => number) | null} */
  let X = null;

  function idle() {
    hover.textContent = trace ? `${pointsText(trace.alphas.length, steps)} · hover for values at α` : "";
  }

  d.on(svg, "mousemove", (/** @type {MouseEvent} */ e) => {
    const t = trace;
    const x = X;
    if (!t || !x) return;
    const r = svg.getBoundingClientRect();
    const vx = ((e.clientX - r.left) / r.width) * VW;
    // Nearest node in screen space.
    let best = 0;
    t.alphas.forEach((a, i) => { if (Math.abs(x(a) - vx) < Math.abs(x(t.alphas[best]) - vx)) best = i; });
    const gx = String(x(t.alphas[best]));
    for (const g of guides) { g.setAttribute("x1", gx); g.setAttribute("x2", gx); g.style.display = ""; }
    const parts = [`α = ${formatNumber(t.alphas[best], 3)}`];
    if (t.outputs) parts.push(`F = ${formatNumber(t.outputs[best], 4)}`);
    for (const f of t.features.slice(0, 4)) parts.push(`${f.name} ${formatSigned(f.cumulative[best], 3)}`);
    hover.textContent = parts.join(" · ");
    onHover?.(t.alphas[best]);
  });
  d.on(svg, "mouseleave", () => {
    for (const g of guides) g.style.display = "none";
    idle();
  });

  /**
   * @param {Trace | null} t
   * @param {number | null} [nSteps] the steps asked for (the chart's points are those nodes and the path's ends)
   */
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
        h("span", { class: "igw-legend-name", text: f.name }),
      ])));
    }
    // x axis labels under the last chart
    if (X) {
      for (const a of [0, 0.25, 0.5, 0.75, 1]) svg.append(s("text", { class: "igw-chart-tick", text: String(a), attrs: { x: X(a), y: top + 2, "text-anchor": "middle" } }));
      svg.append(s("text", { class: "igw-chart-title", text: "α (0 = baseline, 1 = input)", attrs: { x: X(0.5), y: top + 13, "text-anchor": "middle" } }));
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
    destroy: () => d.dispose(),
  };
}
