import test from "node:test";
import assert from "node:assert/strict";
import { commonClip, difference, pairedRows, relativeChange } from "../lib/compare.js";

test("one scale covers every map of the comparison", () => {
  assert.equal(commonClip([[0.5, -2], Float32Array.of(1, NaN, -3)]), 3);
  assert.equal(commonClip([[0, 0]]), 0);
  assert.equal(commonClip([]), 0);
});

test("difference is current minus pin, refused for other inputs", () => {
  assert.deepEqual(Array.from(difference([3, 1], [1, 2]) ?? []), [2, -1]);
  assert.equal(difference([1, 2], [1]), null);
});

test("paired bars keep what matters in either result", () => {
  assert.deepEqual(pairedRows([5, 0, 1, 0], [0, 0, 1, -7], 2), [3, 0]);
  assert.deepEqual(pairedRows([1, 1, 1], [1, 1, 1], 2), [0, 1], "ties keep feature order");
  assert.deepEqual(pairedRows([1], [1], 0), []);
});

test("relative change of a pair of maps", () => {
  assert.equal(relativeChange([1, -1], [0, 0]), 0);
  assert.equal(relativeChange([1, -1], [1, 0]), 0.5);
  assert.equal(relativeChange([0, 0], [1, 0]), Infinity);
});
