import test from "node:test";
import assert from "node:assert/strict";
import { deltaQuality } from "../lib/quality.js";

test("delta is judged relative to |F(x) - F(x')|", () => {
  assert.equal(deltaQuality(0.005, 1, 0).level, "good");
  assert.equal(deltaQuality(-0.03, 1, 0).level, "fair");
  assert.equal(deltaQuality(0.2, 1, 0).level, "poor");
  // Same delta, much larger output change: now good.
  assert.equal(deltaQuality(0.2, 100, 0).level, "good");
  const q = deltaQuality(0.03, 2, 1);
  assert.ok(Math.abs(q.rel - 0.03) < 1e-12);
  assert.equal(q.basis, "change");
});

test("F(x) == F(x') falls back to the output scale instead of dividing by zero", () => {
  const q = deltaQuality(1e-4, 0.7, 0.7);
  assert.equal(q.basis, "output");
  assert.equal(q.level, "good");
  assert.ok(Number.isFinite(q.rel));
  assert.equal(deltaQuality(0.5, 0, 0).level, "poor");
});

test("non-finite inputs are unknown", () => {
  assert.equal(deltaQuality(NaN, 1, 0).level, "unknown");
  assert.equal(deltaQuality(0, Infinity, 0).level, "unknown");
});
