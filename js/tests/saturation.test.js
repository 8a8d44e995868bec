import test from "node:test";
import assert from "node:assert/strict";
import { changeWindow, saturationNote } from "../lib/saturation.js";

const grid = (n) => Array.from({ length: n + 1 }, (_, i) => i / n);

test("a linear F spreads its change over the whole path", () => {
  const a = grid(10);
  const w = changeWindow(a, a.map((x) => 2 * x));
  assert.ok(w);
  assert.ok(Math.abs(w.width - 0.8) < 1e-9, `width ${w.width}`);
  assert.equal(saturationNote(w, String), "");
});

test("a saturating F changes in a short window near alpha 0", () => {
  const a = grid(100);
  const w = changeWindow(a, a.map((x) => 1 - Math.exp(-40 * x)));
  assert.ok(w && w.lo === 0 && w.hi <= 0.05, JSON.stringify(w));
  assert.match(saturationNote(w, (x) => x.toFixed(2)), /^\d+% of the change in F happens for α in \[0\.00, 0\.0\d\]/);
});

test("flat or too short traces have no window", () => {
  assert.equal(changeWindow([0, 1], [3, 3]), null);
  assert.equal(changeWindow([0], [1]), null);
});

test("non-monotone F counts its total variation", () => {
  const w = changeWindow([0, 0.5, 0.6, 1], [0, 0, 10, 0]);
  assert.ok(w && w.lo === 0.5 && w.hi === 1, JSON.stringify(w));
});
