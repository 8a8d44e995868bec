// @ts-check
// The confusion matrix: rows are true classes, columns predicted ones; a click on a
// cell filters the gallery to that pair. Class names go in through textContent.
import { h, suppressShortcuts } from "../dom.js";
import { cellShare, isActive, totals } from "./lib/confusion.js";

/** @typedef {import("./types.js").ConfusionMatrix} ConfusionMatrix */
/** @typedef {import("./types.js").ClassFilter} ClassFilter */

/**
 * The confusion matrix view (`createConfusionView`).
 * @typedef {object} ConfusionView
 * @property {HTMLElement} el
 * @property {(matrix: ConfusionMatrix | null | undefined, names: string[], filter: ClassFilter) => void} update
 */

/** Matrices with more classes than this are not drawn (they would not fit). */
export const MAX_CLASSES = 30;

/**
 * @param {(trueClass: number, predictedClass: number) => void} onPick called with a clicked cell
 * @returns {ConfusionView}
 */
export function createConfusionView(onPick) {
  const el = h("div", { class: "igb-confusion" });
  const table = h("table", { class: "igb-cm" });
  const caption = h("div", { class: "igb-cm-caption", text: "confusion matrix (rows true, columns predicted): a click on a cell filters the gallery" });
  el.append(caption, table);
  /** @type {HTMLButtonElement[]} */
  let buttons = [];

  /** @type {ConfusionView["update"]} */
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
      ...names.slice(0, c).map((n) => h("th", { class: "igb-cm-col", text: n, attrs: { title: `predicted ${n}` } })),
    ]);
    const rows = [head];
    for (let i = 0; i < c; i++) {
      const cells = [h("th", { class: "igb-cm-row", text: names[i] ?? String(i), attrs: { title: `true ${names[i]}` } })];
      for (let j = 0; j < c; j++) {
        const count = Number(matrix[i][j]) || 0;
        const share = cellShare(matrix, i, j);
        const diag = i === j;
        const btn = suppressShortcuts(/** @type {HTMLButtonElement} */ (h("button", {
          class: `igb-cm-cell${diag ? " igb-cm-diag" : ""}${isActive(filter, i, j) ? " igb-cm-active" : ""}`,
          text: count ? String(count) : "",
          attrs: {
            type: "button",
            title: `true ${names[i]}, predicted ${names[j]}: ${count} of ${t.rows[i]}`,
            "data-true": i,
            "data-pred": j,
          },
          style: {
            background: count
              ? `color-mix(in srgb, ${diag ? "var(--igb-good)" : "var(--igb-bad)"} ${Math.round(10 + 70 * share)}%, transparent)`
              : "",
          },
        })));
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
