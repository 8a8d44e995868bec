// @ts-check
// Several inputs: one panel per attributed input, drawn by that input's own view
// (heatmap, tokens or bars), titled with the input's name and its share of the
// total |attribution|. The target, readout and path chart stay shared (widget.js).
import { h, Disposer } from "./dom.js";
import { formatPercent, formatSigned } from "./lib/format.js";

/** @typedef {import("./types.js").View} View */
/** @typedef {import("./types.js").Kind} Kind */
/** @typedef {import("./types.js").Panel} Panel */

/**
 * @param {Partial<Record<Kind, () => View>>} views  the single-input views by kind
 * @returns {View}
 */
export function createMultiView(views) {
  const d = new Disposer();
  const el = h("div", { class: "igw-view igw-multi" });
  /** @type {{kind: Kind, view: View, title: HTMLElement, share: HTMLElement}[]} */
  let panels = [];
  d.add(() => { for (const p of panels) p.view.destroy(); });

  /** @param {Panel[]} list */
  function build(list) {
    for (const p of panels) p.view.destroy();
    panels = list.map((panel) => {
      const make = views[panel.kind];
      if (!make || panel.kind === "multi") throw new Error(`no view for an input of kind "${panel.kind}"`);
      const view = make();
      const title = h("span", { class: "igw-multi-name" });
      const share = h("span", { class: "igw-multi-share" });
      const box = h("div", { class: `igw-multi-panel igw-multi-${panel.kind}` }, [
        h("div", { class: "igw-multi-title" }, [title, share]),
        view.el,
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
        build(list);
      }
      list.forEach((panel, i) => {
        const p = panels[i];
        p.title.textContent = panel.name;
        p.share.textContent = `${formatPercent(panel.share)} of |attribution| · sum ${formatSigned(panel.sum, 3)}`;
        p.view.setData(panel);
      });
    },
    draw(display, cmap) {
      for (const p of panels) p.view.draw(display, cmap);
    },
    destroy: () => d.dispose(),
  };
}
