import test from "node:test";
import assert from "node:assert/strict";
import { stepsEnough, logPosition } from "../lib/convergence.js";

test("steps enough: the point after which the error stays under the tolerance", () => {
  const pts = [[1, 0.5], [2, 0.005], [4, 0.02], [8, 0.004], [16, 0.001]];
  assert.equal(stepsEnough(pts, 0.01), 8, "a dip at n=2 that comes back up does not count");
  assert.equal(stepsEnough(pts, 0.6), 1);
  assert.equal(stepsEnough(pts, 1e-4), null);
  assert.equal(stepsEnough([[1, NaN]], 1), null);
});

test("log positions clamp to the axis", () => {
  assert.equal(logPosition(1e-6, 1e-6, 10), 0);
  assert.equal(logPosition(0, 1e-6, 10), 0);
  assert.equal(logPosition(10, 1e-6, 10), 1);
  assert.equal(logPosition(Infinity, 1e-6, 10), 1);
  assert.ok(Math.abs(logPosition(0.01, 1e-6, 10) - 4 / 7) < 1e-12);
});
