// @ts-check
// Convergence: the completeness error |δ| / |F(x) − F(x′)| against n_steps for each
// method, on log axes, from the kernel's `convergence` trait (one engine call over
// shared nested nodes, see ig_widget/explore/convergence.py). Lines at 10% and 1%;
// the sentence under it says from which n each method stays under 1%.
import { h, s, suppressShortcuts } from "./dom.js";
import { CATEGORICAL } from "./lib/colormap.js";
import { readableName } from "./lib/labels.js";
import { stepsEnough, logPosition } from "./lib/convergence.js";

/** @typedef {import("./types.js").Model} Model */

const VW = 320;
const VH = 150;
const M = { left: 40, right: 8, top: 8, bottom: 26 };
const FLOOR = 1e-6;
const TOP = 10;

/**
 * @param {Model} model
 * @param {import("./dom.js").Disposer} d
 */
export function createConvergenceView(model, d) {
  const button = suppressShortcuts(/** @type {HTMLButtonElement} */ (h("button", { class: "igw-button igw-convergence-run", text: "Delta against steps", attrs: { type: "button" } })));
  const hint = h("span", { class: "igw-compare-hint", text: "how many steps are enough, per method (one run over shared nodes)" });
  const said = h("span", { class: "igw-compare-hint igw-convergence-said", attrs: { role: "status" } });
  const svg = s("svg", { class: "igw-convergence-chart", attrs: { viewBox: `0 0 ${VW} ${VH}`, role: "img", "aria-label": "completeness error against steps" } });
  const legend = h("div", { class: "igw-legend igw-convergence-legend" });
  const summary = h("div", { class: "igw-convergence-summary" });
  const body = h("div", { class: "igw-convergence-body" }, [svg, legend, summary]);
  const el = h("section", { class: "igw-convergence", attrs: { "aria-label": "convergence" } }, [
    h("div", { class: "igw-compare-head" }, [h("span", { class: "igw-panel-title", text: "Convergence" }), button, hint, said]),
    body,
  ]);
  d.on(button, "click", () => {
    button.disabled = true;
    summary.textContent = "computing…";
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
    const x0 = M.left;
    const x1 = VW - M.right;
    const y0 = M.top;
    const y1 = VH - M.bottom;
    const X = (/** @type {number} */ n) => x0 + (Math.log2(Math.max(1, n)) / Math.log2(nMax)) * (x1 - x0);
    const Y = (/** @type {number} */ r) => y1 - logPosition(r, FLOOR, TOP) * (y1 - y0);
    svg.append(s("rect", { class: "igw-chart-frame", attrs: { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } }));
    for (const [r, label] of [[1, "100%"], [0.1, "10%"], [0.01, "1%"], [1e-4, "0.01%"], [1e-6, "≤1e-6"]]) {
      const cls = r === 0.1 ? "igw-chart-limit" : "igw-chart-grid";
      svg.append(s("line", { class: cls, attrs: { x1: x0, x2: x1, y1: Y(Number(r)), y2: Y(Number(r)) } }));
      svg.append(s("text", { class: "igw-chart-tick", text: String(label), attrs: { x: x0 - 3, y: Y(Number(r)) + 3, "text-anchor": "end" } }));
    }
    for (let n = 1; n <= nMax; n *= 2) {
      svg.append(s("text", { class: "igw-chart-tick", text: String(n), attrs: { x: X(n), y: y1 + 10, "text-anchor": "middle" } }));
    }
    svg.append(s("text", { class: "igw-chart-title", text: "n_steps (log)  ·  |δ| / |F(x) − F(x′)| (log)", attrs: { x: (x0 + x1) / 2, y: VH - 3, "text-anchor": "middle" } }));
    /** @type {string[]} */
    const lines = [];
    curves.forEach(([method, pts], i) => {
      const color = CATEGORICAL[i % CATEGORICAL.length];
      const points = pts.map(([n, r]) => `${X(n).toFixed(1)},${Y(r).toFixed(1)}`).join(" ");
      svg.append(s("polyline", { class: "igw-chart-line", attrs: { points, "data-method": method }, style: { stroke: color } }));
      for (const [n, r] of pts) svg.append(s("circle", { class: "igw-chart-dot", attrs: { cx: X(n), cy: Y(r), r: 1.8 }, style: { fill: color } }));
      legend.append(h("span", { class: "igw-legend-item" }, [
        h("span", { class: "igw-swatch", style: { background: color } }),
        h("span", { class: "igw-legend-name", text: readableName(method) }),
      ]));
      const n = stepsEnough(pts, 0.01);
      lines.push(`${readableName(method)}: ${n == null ? `not under 1% by n = ${nMax}` : `under 1% from n = ${n}`}`);
    });
    summary.textContent = `${lines.join(" · ")}. ${c.model ? `Model ${c.model}, baseline` : "Baseline"} ${c.baseline}; ${c.n_evals} gradient evaluations ` +
      `(separate runs would take ${c.n_evals_separate}).`;
  }

  d.model(model, "change:convergence", draw);
  d.model(model, "change:error", () => {
    if (button.disabled) {
      button.disabled = false;
      summary.textContent = "";
    }
  });
  // the kernel computes the figure on its worker; a settings change cancels it
  const onMessage = (/** @type {unknown} */ msg) => {
    const m = /** @type {{type?: unknown, cancelled?: unknown}} */ (msg);
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
