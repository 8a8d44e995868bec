import test from "node:test";
import assert from "node:assert/strict";
import { readableName, readableOptions, targetText, settingsText, barsFooter, pointsText } from "../lib/labels.js";
import { formatSigned } from "../lib/format.js";

test("identifiers read as names; unknown ones pass through", () => {
  assert.equal(readableName("gausslegendre"), "Gauss–Legendre");
  assert.equal(readableName("riemann_trapezoid"), "Riemann, trapezoid");
  assert.equal(readableName("all_orderings"), "all orderings (Shapley)");
  assert.equal(readableName("my_path"), "my_path");
  assert.equal(readableName("constructor"), "constructor", "no prototype keys");
  assert.deepEqual(readableOptions(["straight", "extremal"]).map((o) => o.value), ["straight", "extremal"]);
  assert.deepEqual(readableOptions(null), []);
});

test("the target line never repeats the index", () => {
  assert.equal(targetText(6, "6"), "target: class 6");
  assert.equal(targetText(6, ""), "target: class 6");
  assert.equal(targetText(3, "cat"), "target: cat (#3)");
  assert.equal(targetText(null, ""), "target: output");
});

test("settings line: gradient paths give rule and steps, forward-only paths what they computed", () => {
  assert.equal(settingsText({ method: "gausslegendre", nSteps: 50, baseline: "zero", path: "straight", pathDetail: "" }),
    "Gauss–Legendre · 50 steps · baseline: zero");
  const s = settingsText({ method: "gausslegendre", nSteps: 50, baseline: "zeros", path: "all_orderings", pathDetail: "estimate from 64 sampled orders" });
  assert.equal(s, "all orderings (Shapley) · estimate from 64 sampled orders · baseline: zeros");
  assert.ok(!s.includes("50 steps"));
  assert.equal(settingsText({ method: "gausslegendre", nSteps: 200, baseline: "zero", path: "straight", pathDetail: "", autoTol: 0.01, autoSteps: 24 }),
    "auto: 24 steps for error ≤ 1% (at most 200) · baseline: zero");
  assert.equal(settingsText({ method: "gausslegendre", nSteps: 8, baseline: "zero", path: "straight", pathDetail: "", model: "fine-tuned" }),
    "model: fine-tuned · Gauss–Legendre · 8 steps · baseline: zero");
});

test("the bars footer counts one set of features", () => {
  const f = barsFooter({ shown: 3, pool: 19, total: 30, mode: "negative", rest: -3.24, restCount: 27 }, formatSigned);
  assert.equal(f, "the 3 largest of 19 negative features (of 30) · the other 27 features (any sign) sum to −3.24");
  assert.equal(barsFooter({ shown: 10, pool: 30, total: 30, mode: "signed", rest: 1, restCount: 20 }, formatSigned),
    "the 10 largest of 30 features · the other 20 features sum to +1");
  assert.equal(barsFooter({ shown: 5, pool: 5, total: 5, mode: "signed", rest: 0, restCount: 0 }, formatSigned), "all 5 features");
});

test("the path chart's point count matches the steps", () => {
  assert.equal(pointsText(66, 64), "64 nodes + both ends (α = 0, 1)");
  assert.equal(pointsText(51, 50), "50 nodes + one end of the path");
  assert.equal(pointsText(50, 50), "50 nodes");
  assert.equal(pointsText(2, null), "2 points");
});
