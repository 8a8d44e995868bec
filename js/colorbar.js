// Colour scale bar under a view: the LUT as it is actually applied (sign mode,
// clip) with the numeric range of original attribution values it covers.
import { h } from "./dom.js";
import { lutIndex, rgbAt } from "./lib/colormap.js";
import { colorBarPixels } from "./lib/raster.js";
import { displayRange, signValue } from "./lib/scale.js";
import { formatNumber } from "./lib/format.js";

const WIDTH = 256;

export function createColorBar() {
  const canvas = h("canvas", { class: "igw-colorbar", attrs: { width: WIDTH, height: 1 } });
  const min = h("span", { class: "igw-colorbar-min" });
  const mid = h("span", { class: "igw-colorbar-mid" });
  const max = h("span", { class: "igw-colorbar-max" });
  const caption = h("div", { class: "igw-colorbar-caption" });
  const el = h("div", { class: "igw-colorbar-wrap" }, [
    canvas,
    h("div", { class: "igw-colorbar-labels" }, [min, mid, max]),
    caption,
  ]);

  /** mode: sign mode; map: linearMap(...) for it; clip: limit; percentile: the clip percentile used. */
  function draw({ lut, map, mode, clip, percentile, cmapName }) {
    const [lo, hi] = displayRange(mode, clip);
    // Sample original values across the range and colour them exactly as the view does.
    const px = colorBarPixels(WIDTH, (u) => rgbAt(lut, lutIndex(map, signValue(lo + (hi - lo) * u, mode))));
    canvas.getContext("2d").putImageData(new ImageData(px, WIDTH, 1), 0, 0);
    min.textContent = formatNumber(lo);
    max.textContent = formatNumber(hi);
    mid.textContent = mode === "signed" ? "0" : "";
    const what = mode === "signed" ? "|attr|" : `${mode} part`;
    caption.textContent = clip > 0
      ? `${cmapName} · clipped at p${formatNumber(percentile, 4)} of ${what} = ${formatNumber(clip)}`
      : `${cmapName} · all ${mode === "signed" ? "" : `${mode} `}attributions are 0`;
  }

  return { el, draw };
}
