// @ts-check
// Status strip: progress while running, "refining…" for provisional results,
// the kernel's warning and error as text. Also dims the previous result
// (class igw-stale) from the moment a run starts until a new payload arrives.
import { h } from "./dom.js";

/**
 * @param {import("./types.js").Model} model
 * @param {import("./dom.js").Disposer} d
 * @param {HTMLElement[]} staleTargets dimmed while the result they show is out of date
 */
export function createStatus(model, d, staleTargets) {
  const fill = h("div", { class: "igw-progress-fill" });
  const bar = h("div", { class: "igw-progress", attrs: { role: "progressbar", "aria-valuemin": 0, "aria-valuemax": 100 } }, [fill]);
  const label = h("span", { class: "igw-progress-label" });
  const running = h("div", { class: "igw-running" }, [bar, label]);
  const provisional = h("span", { class: "igw-provisional", text: "refining…", attrs: { title: "coarse early result; a finer one is on its way" } });
  const warning = h("div", { class: "igw-warning", attrs: { role: "status" } });
  const errorMsg = h("pre", { class: "igw-error-message" });
  const error = h("div", { class: "igw-error", attrs: { role: "alert" } }, [h("strong", { text: "Attribution failed" }), errorMsg]);
  const el = h("div", { class: "igw-status" }, [h("div", { class: "igw-status-line" }, [running, provisional]), warning, error]);

  // The payload on screen when the current run started: stale until replaced.
  let payloadAtRunStart = model.get("status") === "running" ? model.get("_payload") : undefined;

  // Progress of a superseded request is not this run's: show 0 until this run reports.
  let requestShown = model.get("_request_id");
  let progressSeen = true;

  function update() {
    const isRunning = model.get("status") === "running";
    const p = progressSeen ? Math.min(1, Math.max(0, Number(model.get("progress")) || 0)) : 0;
    // The line keeps its height while idle, so the body below never jumps.
    running.style.visibility = isRunning ? "" : "hidden";
    fill.style.width = `${(p * 100).toFixed(1)}%`;
    bar.setAttribute("aria-valuenow", String(Math.round(p * 100)));
    label.textContent = `computing… ${Math.round(p * 100)}%`;
    provisional.hidden = !model.get("_provisional");
    const warn = String(model.get("warning") ?? "");
    warning.textContent = warn;
    warning.hidden = warn === "";
    const err = String(model.get("error") ?? "");
    errorMsg.textContent = err;
    error.hidden = err === "";
    const stale = isRunning && payloadAtRunStart !== undefined && model.get("_payload") === payloadAtRunStart;
    for (const t of staleTargets) t.classList.toggle("igw-stale", stale);
  }

  d.model(model, "change:status", () => {
    payloadAtRunStart = model.get("status") === "running" ? model.get("_payload") : undefined;
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
