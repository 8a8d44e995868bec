// @ts-check
// Text view: tokens in reading order, each a span coloured by its attribution.
// Token strings are untrusted (they may contain markup), so they only ever go
// through textContent / text nodes.
import { h, Disposer } from "./dom.js";
import { createColorScale } from "./colorbar.js";
import { lutIndex, rgbAt, cssRgb, textColorOn, parseCssColor, mixRgb, strength } from "./lib/colormap.js";
import { joinSubwords } from "./lib/subwords.js";
import { formatSigned } from "./lib/format.js";

/** @typedef {import("./types.js").Payload} Payload */
/** @typedef {import("./types.js").View} View */

const FADE = 3; // full colour from a third of the clip value up

/** @returns {View} */
export function createTextView() {
  const d = new Disposer();
  const tokensEl = h("div", { class: "igw-tokens" });
  const hover = h("div", { class: "igw-hover igw-text-hover" });
  const scale = createColorScale();
  const el = h("div", { class: "igw-view igw-text-view" }, [tokensEl, scale.el, hover]);
  /** @type {(Payload & {tokens: string[]}) | null} */
  let p = null;
  /** @type {HTMLElement[]} */
  let spans = [];

  const idleText = () => (p ? `${p.tokens.length} tokens · hover a token for its attribution` : "");

  // One delegated listener instead of one per token.
  d.on(tokensEl, "mouseover", (e) => {
    const target = /** @type {Element | null} */ (e.target);
    const span = /** @type {HTMLElement | null} */ (target?.closest?.(".igw-token") ?? null);
    if (!span || !p) return;
    const i = Number(span.dataset.index);
    hover.textContent = `#${i} ${JSON.stringify(p.tokens[i])}  attribution ${formatSigned(p.attr[i], 4)}`;
  });
  d.on(tokensEl, "mouseleave", () => { if (p) hover.textContent = idleText(); });

  return {
    el,
    setData(payload) {
      const q = { ...payload, tokens: payload.tokens ?? [] };
      p = q;
      scale.setData(q.attr);
      const pieces = joinSubwords(q.tokens);
      const frag = document.createDocumentFragment();
      spans = pieces.map((piece, i) => {
        // A real space between words keeps copy/paste and line breaking natural.
        if (i > 0 && !piece.attachToPrevious) frag.append(document.createTextNode(" "));
        const cls = ["igw-token"];
        if (piece.attachToPrevious) cls.push("igw-token-cont");
        if (piece.special) cls.push("igw-token-special");
        if (piece.text === "") cls.push("igw-token-blank");
        const span = h("span", { class: cls.join(" "), text: piece.text, attrs: { "data-index": i } });
        span.title = `${q.tokens[i]}: ${formatSigned(q.attr[i], 4)}`;
        frag.append(span);
        return span;
      });
      tokensEl.replaceChildren(frag);
      hover.textContent = idleText();
    },
    draw(display, cmap) {
      if (!p) return;
      const { values, clip, map } = scale.apply(display, cmap);
      // Weak attributions fade into the card background (white centre boxes glare in
      // dark themes); text colour is picked against the colour actually shown.
      const bg = parseCssColor(getComputedStyle(el.closest(".igw-root") ?? el).backgroundColor) ?? [255, 255, 255];
      spans.forEach((span, i) => {
        const rgb = mixRgb(bg, rgbAt(cmap.lut, lutIndex(map, values[i])), Math.min(1, FADE * strength(values[i], clip)));
        span.style.backgroundColor = cssRgb(rgb);
        span.style.color = textColorOn(rgb);
      });
    },
    destroy: () => d.dispose(),
  };
}
