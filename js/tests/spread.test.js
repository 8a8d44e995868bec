import test from "node:test";
import assert from "node:assert/strict";
import { spreadDisplay, whisker, withSpread, spreadCaption, distributionEntries, patchLabel } from "../lib/spread.js";
import { decodePayload } from "../lib/payload.js";
import { settingsText } from "../lib/labels.js";
import { arr, readout } from "./fixtures.js";

test("a spread is drawn in the absolute sign mode, other settings kept", () => {
  const d = { sign: "negative", colormap: "RdBu_r", opacity: 0.5, clip_percentile: 90, top_k: 3 };
  assert.deepEqual(spreadDisplay(d), { ...d, sign: "absolute" });
  assert.equal(d.sign, "negative", "the mean's settings are not changed");
});

test("whiskers sit at mean ± spread on the bars' scale, clamped to the track", () => {
  // signed: maxAbs fills half the track from the centre
  assert.deepEqual(whisker(0.5, 0.25, 1, false), { left: 62.5, width: 25 });
  assert.deepEqual(whisker(-1, 0.5, 1, false), { left: 0, width: 25 }); // -1.5 clamped to the edge
  // one-sided (absolute): from the left edge, around |mean|
  assert.deepEqual(whisker(-0.5, 0.1, 1, true), { left: 40, width: 20 });
  assert.equal(whisker(0.5, 0, 1, false), null, "no spread, no whisker");
  assert.equal(whisker(0.5, 0.1, 0, false), null, "all-zero bars have no scale");
  assert.equal(whisker(NaN, 0.1, 1, false), null);
});

test("mean ± spread labels", () => {
  assert.equal(withSpread(0.123, 0.0456), "+0.123 ± 0.046");
  assert.equal(withSpread(-2, null), "−2");
  assert.equal(withSpread(1, NaN), "+1");
  assert.equal(spreadCaption("SmoothGrad: 4 samples"), "spread: std across samples (SmoothGrad: 4 samples)");
});

test("expected gradients without a background is listed as disabled with the fix", () => {
  const img = distributionEntries(["none", "smoothgrad"], "image");
  assert.deepEqual(img.map((e) => e.value), ["none", "smoothgrad", "expected_gradients"]);
  assert.equal(img[2].disabled, true);
  assert.match(img[2].title ?? "", /background=\.\.\.\) with at least 2 \(B, C, H, W\) images/);
  assert.match(distributionEntries(["none", "smoothgrad"], "tabular")[2].title ?? "", /\(B, F\) rows/);
  assert.match(distributionEntries(["none", "smoothgrad"], "text")[2].title ?? "", /\(B, T\) token-id rows/);
  // offered: a plain entry
  const eg = distributionEntries(["none", "smoothgrad", "expected_gradients"], "tabular");
  assert.equal(eg[2].disabled, undefined);
  assert.deepEqual(distributionEntries(null, "multi").map((e) => e.value), ["none"]);
});

test("patch sizes are labelled with the grid they make", () => {
  assert.equal(patchLabel(56, 224, 224), "56 px (4 × 4)");
  assert.equal(patchLabel(8, 10, 30), "8 px (2 × 4)");
  assert.equal(patchLabel(5, undefined, 30), "5 px");
  assert.equal(patchLabel(-1, 12, 12, 9), "9 given segments");
  assert.equal(patchLabel(-1, 12, 12), "given segments");
});

test("a payload's spread is decoded, checked against attr and untrusted input", () => {
  const base = { kind: "tabular", names: ["a", "b"], values: arr("float64", [2], [1, 2]), attr: arr("float32", [2], [0.5, -0.25]), readout: readout({ spread_detail: "SmoothGrad: 4 samples", delta_note: "mean of deltas" }) };
  const p = decodePayload({ ...base, spread: arr("float32", [2], [0.1, 0.2]) });
  assert.ok(p && p.spread);
  assert.deepEqual(Array.from(p.spread, (v) => +v.toFixed(3)), [0.1, 0.2]);
  assert.equal(p.readout.spreadDetail, "SmoothGrad: 4 samples");
  assert.equal(p.readout.deltaNote, "mean of deltas");
  assert.equal(decodePayload(base)?.spread, null, "no distribution, no spread");
  assert.throws(() => decodePayload({ ...base, spread: arr("float32", [3], [1, 2, 3]) }), /spread: expected 2 values/);
  assert.throws(() => decodePayload({ ...base, spread: arr("float32", [2], [1, NaN]) }), /spread: 1 of 2 values are NaN/);
  assert.throws(() => decodePayload({ ...base, readout: readout({ spread_detail: 3 }) }), /spread_detail: expected a string/);
});

test("the settings line says what was averaged", () => {
  const r = { method: "gausslegendre", nSteps: 50, baseline: "background", path: "straight", pathDetail: "", spreadDetail: "expected gradients over all 32 background rows" };
  assert.equal(settingsText(r), "Gauss–Legendre · 50 steps · baseline: background · expected gradients over all 32 background rows");
});
