// Tiny DOM helpers: elements built with text only (never innerHTML), and a
// disposer that remembers every listener/timer so render()'s cleanup is total.

const SVG_NS = "http://www.w3.org/2000/svg";

/**
 * h("div", {class: "a b", text: "hi", attrs: {title: "x"}, style: {width: "3px"}}, [children])
 * `text` goes through textContent, so markup in it shows literally.
 */
export function h(tag, props = {}, children = []) {
  return build(document.createElement(tag), props, children);
}

/** Same as h() for SVG elements. */
export function s(tag, props = {}, children = []) {
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

/** Focusable controls must opt out of JupyterLab's keyboard shortcuts. */
export function suppressShortcuts(el) {
  el.setAttribute("data-lm-suppress-shortcuts", "true");
  return el;
}

export class Disposer {
  constructor() {
    this.fns = [];
  }

  add(fn) {
    this.fns.push(fn);
    return fn;
  }

  /** DOM event listener, removed on dispose. */
  on(target, type, handler, opts) {
    target.addEventListener(type, handler, opts);
    this.add(() => target.removeEventListener(type, handler, opts));
  }

  /** anywidget model listener ("change:x"), removed on dispose. */
  model(model, event, handler) {
    model.on(event, handler);
    this.add(() => model.off(event, handler));
  }

  dispose() {
    // Reverse order: later things may depend on earlier ones.
    for (const fn of this.fns.splice(0).reverse()) {
      try {
        fn();
      } catch (e) {
        console.error("ig_widget cleanup", e);
      }
    }
  }
}

/** Run `fn` at most once per animation frame; returns schedule() with .cancel(). */
export function frameScheduler(fn) {
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
