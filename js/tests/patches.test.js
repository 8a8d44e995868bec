import test from "node:test";
import assert from "node:assert/strict";
import { patchSums } from "../lib/patches.js";

test("each pixel shows the sum of its patch; the total is kept", () => {
  // 3 x 4 image, patches of 2: a 2 x 2 grid, edge patches smaller
  const attr = Float32Array.from({ length: 12 }, (_, i) => i);
  const { painted, sums, rows, cols, group } = patchSums(attr, 3, 4, 2);
  assert.equal(rows, 2);
  assert.equal(cols, 2);
  assert.deepEqual(Array.from(sums), [0 + 1 + 4 + 5, 2 + 3 + 6 + 7, 8 + 9, 10 + 11]);
  assert.equal(painted[0], 10);
  assert.equal(painted[3], 18);
  assert.equal(painted[11], 21);
  assert.equal(group(3, 2), 3);
  const total = Array.from(attr).reduce((a, b) => a + b, 0);
  assert.equal(Array.from(sums).reduce((a, b) => a + b, 0), total);
});

test("patches of one pixel change nothing; bad sizes throw", () => {
  const attr = Float32Array.from([0.5, -1, 2, 3]);
  assert.deepEqual(Array.from(patchSums(attr, 2, 2, 1).painted), Array.from(attr));
  assert.throws(() => patchSums(attr, 2, 2, 0));
  assert.throws(() => patchSums(attr, 3, 2, 1));
});
