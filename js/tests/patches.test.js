import test from "node:test";
import assert from "node:assert/strict";
import { patchSums, segmentSums } from "../lib/patches.js";
import { decodePayload } from "../lib/payload.js";
import { arr, readout } from "./fixtures.js";

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

test("given segments: each pixel shows its segment's sum; labels are checked", () => {
  // 2 x 3 image, three segments that are not patches
  const attr = Float32Array.from([1, 2, 3, 4, 5, 6]);
  const labels = Uint8Array.from([0, 2, 2, 1, 1, 2]);
  const { painted, sums, count, group } = segmentSums(attr, labels, 3);
  assert.equal(count, 3);
  assert.deepEqual(Array.from(sums), [1, 4 + 5, 2 + 3 + 6]);
  assert.deepEqual(Array.from(painted), [1, 11, 11, 9, 9, 11]);
  assert.equal(group(2, 1), 2);
  assert.throws(() => segmentSums(attr, labels.subarray(1), 3));
  assert.throws(() => segmentSums(attr, Float32Array.from([0, 0.5, 1, 1, 1, 1]), 3));
});

test("an image payload's segments are decoded and checked against its size", () => {
  const base = { kind: "image", height: 2, width: 3, readout: readout(), attr: arr("float32", [2, 3], [1, 2, 3, 4, 5, 6]) };
  const p = /** @type {import("../types.js").Payload} */ (decodePayload({ ...base, segments: arr("uint8", [2, 3], [0, 2, 2, 1, 1, 2]) }));
  assert.deepEqual(Array.from(p.segments ?? []), [0, 2, 2, 1, 1, 2]);
  assert.equal(/** @type {import("../types.js").Payload} */ (decodePayload(base)).segments, null);
  assert.throws(() => decodePayload({ ...base, segments: arr("uint8", [2, 2], [0, 0, 1, 1]) }), /segments/);
});
