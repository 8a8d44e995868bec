// @ts-check
// Text view: tokens in reading order, each a span coloured by its attribution, or
// (the "per word" box) one span per word with its pieces' attributions summed.
// Token strings are untrusted (they may contain markup), so they only ever go
// through textContent / text nodes. Long texts (10,000 tokens) wrap in a scrolling
// box; spans are built once per result and recoloured in place.
import { h, Disposer } from "./dom.js";
import { createColorScale } from "./colorbar.js";
import { lutIndex, rgbAt, cssRgb, textColorOn, parseCssColor, mixRgb, strength } from "./lib/colormap.js";
import { joinSubwords } from "./lib/subwords.js";
import { groupWords } from "./lib/words.js";
import { formatSigned } from "./lib/format.js";
import { spreadCaption, spreadDisplay, withSpread } from "./lib/spread.js";

/** @typedef {import("./types.js").Payload} Payload */
/** @typedef {import("./types.js").View} View */

const FADE = 3; // full colour from a third of the clip value up

/** @returns {View} */
export function createTextView() {
  const d = new Disposer();
  const tokensEl = h("div", { class: "igw-tokens" });
  const hover = h("div", { class: "igw-hover igw-text-hover" });
  const scale = createColorScale();
  const wordsBox = /** @type {HTMLInputElement} */ (h("input", { class: "igw-words", attrs: { type: "checkbox", "aria-label": "sum subword pieces into words" } }));
  const wordsToggle = h("label", { class: "igw-word-toggle" }, [wordsBox, h("span", { text: " per word" })]);
  // An averaged result (Expected Gradients, SmoothGrad): colour the tokens by their
  // spread (std across samples) instead of the mean. A word's spread is not the sum of
  // its pieces' spreads, so the spread is shown per token.
  const spreadBox = /** @type {HTMLInputElement} */ (h("input", { class: "igw-show-spread", attrs: { type: "checkbox", "aria-label": "colour tokens by their spread across samples" } }));
  const spreadToggle = h("label", { class: "igw-word-toggle igw-spread-toggle" }, [spreadBox, h("span", { text: " spread" })]);
  const spreadNote = h("div", { class: "igw-spread-caption" });
  spreadToggle.hidden = true;
  spreadNote.hidden = true;
  const toggles = h("div", { class: "igw-text-toggles" }, [wordsToggle, spreadToggle]);
  const el = h("div", { class: "igw-view igw-text-view" }, [toggles, tokensEl, scale.el, spreadNote, hover]);
  /** @type {(Payload & {tokens: string[]}) | null} */
  let p = null;
  /** @type {HTMLElement[]} */
  let spans = [];
  /** what each span shows: its text (raw token) and its value */
  /** @type {{label: string[], values: ArrayLike<number>}} */
  let shown = { label: [], values: [] };

  const idleText = () => (p ? `${p.tokens.length} tokens${wordsBox.checked ? ` in ${spans.length} words` : ""} · hover a ${wordsBox.checked ? "word" : "token"} for its attribution` : "");

  // One delegated listener instead of one per token.
  d.on(tokensEl, "mouseover", (e) => {
    const target = /** @type {Element | null} */ (e.target);
    const span = /** @type {HTMLElement | null} */ (target?.closest?.(".igw-token") ?? null);
    if (!span || !p) return;
    const i = Number(span.dataset.index);
    const spread = !wordsBox.checked ? p.spread?.[i] : null;
    hover.textContent = `#${i} ${JSON.stringify(shown.label[i])}  attribution ${withSpread(Number(shown.values[i]), spread, 4)}`;
  });
  d.on(tokensEl, "mouseleave", () => { if (p) hover.textContent = idleText(); });

  const spreadOn = () => Boolean(p?.spread) && spreadBox.checked;

  function build() {
    if (!p) return;
    const q = p;
    const frag = document.createDocumentFragment();
    wordsBox.disabled = spreadOn();
    if (spreadOn()) wordsBox.checked = false;
    spreadNote.hidden = !spreadOn();
    spreadNote.textContent = spreadOn() ? `${spreadCaption(q.readout.spreadDetail ?? "")}; colours show the spread, hover for mean ± spread` : "";
    if (wordsBox.checked) {
      const { words, attr } = groupWords(q.tokens, q.attr);
      shown = { label: words.map((w) => q.tokens.slice(w.first, w.first + w.count).join(" ")), values: attr };
      spans = words.map((w, i) => {
        if (i > 0) frag.append(document.createTextNode(" "));
        const cls = w.special ? "igw-token igw-token-special" : "igw-token";
        const span = h("span", { class: cls, text: w.text, attrs: { "data-index": i } });
        span.title = `${w.text}: ${formatSigned(attr[i], 4)} (${w.count} token${w.count === 1 ? "" : "s"})`;
        frag.append(span);
        return span;
      });
      scale.setData(attr);
    } else {
      shown = { label: q.tokens, values: q.attr };
      const pieces = joinSubwords(q.tokens);
      spans = pieces.map((piece, i) => {
        // A real space between words keeps copy/paste and line breaking natural.
        if (i > 0 && !piece.attachToPrevious) frag.append(document.createTextNode(" "));
        const cls = ["igw-token"];
        if (piece.attachToPrevious) cls.push("igw-token-cont");
        if (piece.special) cls.push("igw-token-special");
        if (piece.text === "") cls.push("igw-token-blank");
        const span = h("span", { class: cls.join(" "), text: piece.text, attrs: { "data-index": i } });
        span.title = `${q.tokens[i]}: ${withSpread(q.attr[i], q.spread?.[i], 4)}`;
        frag.append(span);
        return span;
      });
      scale.setData(spreadOn() && q.spread ? q.spread : q.attr);
    }
    tokensEl.replaceChildren(frag);
    hover.textContent = idleText();
  }

  /** @type {{display: import("./types.js").Display, cmap: import("./types.js").Colormap} | null} */
  let last = null;
  d.on(wordsBox, "change", () => { build(); if (last) paint(last.display, last.cmap); });
  d.on(spreadBox, "change", () => { build(); if (last) paint(last.display, last.cmap); });

  /**
   * @param {import("./types.js").Display} display
   * @param {import("./types.js").Colormap} cmap
   */
  function paint(display, cmap) {
    if (!p) return;
    const { values, clip, map } = scale.apply(spreadOn() ? spreadDisplay(display) : display, cmap);
    // Weak attributions fade into the card background (white centre boxes glare in
    // dark themes); text colour is picked against the colour actually shown.
    const bg = parseCssColor(getComputedStyle(el.closest(".igw-root") ?? el).backgroundColor) ?? [255, 255, 255];
    spans.forEach((span, i) => {
      const rgb = mixRgb(bg, rgbAt(cmap.lut, lutIndex(map, values[i])), Math.min(1, FADE * strength(values[i], clip)));
      span.style.backgroundColor = cssRgb(rgb);
      span.style.color = textColorOn(rgb);
    });
  }

  return {
    el,
    setData(payload) {
      p = { ...payload, tokens: payload.tokens ?? [] };
      spreadToggle.hidden = !p.spread;
      build();
    },
    draw(display, cmap) {
      last = { display, cmap };
      paint(display, cmap);
    },
    destroy: () => d.dispose(),
  };
}
