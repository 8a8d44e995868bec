// @ts-check
// Tiny DOM helpers: elements built with text only (never innerHTML), and a
// disposer that remembers every listener/timer so render()'s cleanup is total.

const SVG_NS = "http://www.w3.org/2000/svg";

/**
 * @typedef {object} Props
 * @property {string} [class]
 * @property {unknown} [text] set through textContent
 * @property {Record<string, string | number | boolean | null | undefined>} [attrs]
 * @property {Record<string, string>} [style]
 */
/** @typedef {Node | string | null | undefined} Child */

/**
 * h("div", {class: "a b", text: "hi", attrs: {title: "x"}, style: {width: "3px"}}, [children])
 * `text` goes through textContent, so markup in it shows literally.
 * @param {string} tag
 * @param {Props} [props]
 * @param {Child[]} [children]
 * @returns {HTMLElement}
 */
export function h(tag, props = {}, children = []) {
  return build(document.createElement(tag), props, children);
}

/**
 * Same as h() for SVG elements.
 * @param {string} tag
 * @param {Props} [props]
 * @param {Child[]} [children]
 * @returns {SVGElement}
 */
export function s(tag, props = {}, children = []) {
  return build(document.createElementNS(SVG_NS, tag), props, children);
}

/**
 * @template {HTMLElement | SVGElement} E
 * @param {E} el
 * @param {Props} props
 * @param {Child[]} children
 * @returns {E}
 */
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

/**
 * Focusable controls must opt out of JupyterLab's keyboard shortcuts.
 * @template {Element} E
 * @param {E} el
 * @returns {E}
 */
export function suppressShortcuts(el) {
  el.setAttribute("data-lm-suppress-shortcuts", "true");
  return el;
}

export class Disposer {
  constructor() {
    /** @type {(() => void)[]} */
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

/**
 * Run `fn` at most once per animation frame; returns schedule() with .cancel().
 * @param {() => void} fn
 * @returns {(() => void) & {cancel: () => void}}
 */
export function frameScheduler(fn) {
  /** @type {number | null} */
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
