// Text view: tokens in reading order, each a span coloured by its attribution.
// Token strings are untrusted (they may contain markup), so they only ever go
// through textContent / text nodes.
import { h, Disposer } from "./dom.js";
import { createColorBar } from "./colorbar.js";
import { linearMap, lutIndex, rgbAt, cssRgb, textColorOn, parseCssColor, mixRgb, strength } from "./lib/colormap.js";
import { scaleCache } from "./lib/scale.js";
import { joinSubwords } from "./lib/subwords.js";
import { formatSigned } from "./lib/format.js";

const FADE = 3; // full colour from a third of the clip value up

export function createTextView() {
  const d = new Disposer();
  const tokensEl = h("div", { class: "igw-tokens" });
  const hover = h("div", { class: "igw-hover igw-text-hover" });
  const colorbar = createColorBar();
  const el = h("div", { class: "igw-view igw-text-view" }, [tokensEl, colorbar.el, hover]);
  let p = null;
  let cache = null;
  let spans = [];

  const idleText = () => `${p.tokens.length} tokens · hover a token for its attribution`;

  // One delegated listener instead of one per token.
  d.on(tokensEl, "mouseover", (e) => {
    const span = e.target.closest?.(".igw-token");
    if (!span || !p) return;
    const i = Number(span.dataset.index);
    hover.textContent = `#${i} ${JSON.stringify(p.tokens[i])}  attribution ${formatSigned(p.attr[i], 4)}`;
  });
  d.on(tokensEl, "mouseleave", () => { if (p) hover.textContent = idleText(); });

  return {
    el,
    setData(payload) {
      p = payload;
      cache = scaleCache(p.attr);
      const pieces = joinSubwords(p.tokens);
      const frag = document.createDocumentFragment();
      spans = pieces.map((piece, i) => {
        // A real space between words keeps copy/paste and line breaking natural.
        if (i > 0 && !piece.attachToPrevious) frag.append(document.createTextNode(" "));
        const cls = ["igw-token"];
        if (piece.attachToPrevious) cls.push("igw-token-cont");
        if (piece.special) cls.push("igw-token-special");
        if (piece.text === "") cls.push("igw-token-blank");
        const span = h("span", { class: cls.join(" "), text: piece.text, attrs: { "data-index": i } });
        span.title = `${p.tokens[i]}: ${formatSigned(p.attr[i], 4)}`;
        frag.append(span);
        return span;
      });
      tokensEl.replaceChildren(frag);
      hover.textContent = idleText();
    },
    draw(display, cmap) {
      if (!p) return;
      const { values, clip } = cache(display.sign, display.clip_percentile);
      const map = linearMap(cmap.kind, display.sign, clip);
      // Weak attributions fade into the card background (white centre boxes glare in
      // dark themes); text colour is picked against the colour actually shown.
      const bg = parseCssColor(getComputedStyle(el.closest(".igw-root") ?? el).backgroundColor) ?? [255, 255, 255];
      spans.forEach((span, i) => {
        const rgb = mixRgb(bg, rgbAt(cmap.lut, lutIndex(map, values[i])), Math.min(1, FADE * strength(values[i], clip)));
        span.style.backgroundColor = cssRgb(rgb);
        span.style.color = textColorOn(rgb);
      });
      colorbar.draw({ lut: cmap.lut, map, mode: display.sign, clip, percentile: display.clip_percentile, cmapName: cmap.name });
    },
    destroy: () => d.dispose(),
  };
}
