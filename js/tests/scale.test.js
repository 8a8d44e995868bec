import test from "node:test";
import assert from "node:assert/strict";
import {
  signValue, applySign, sortedAbs, percentileSorted, clipLimit, displayRange, extent, niceTicks, topByMagnitude, scaleCache,
} from "../lib/scale.js";

test("sign modes transform values", () => {
  const v = new Float32Array([-2, 0, 3]);
  assert.equal(applySign(v, "signed"), v);
  assert.deepEqual(Array.from(applySign(v, "positive")), [0, 0, 3]);
  assert.deepEqual(Array.from(applySign(v, "negative")), [2, 0, 0]);
  assert.deepEqual(Array.from(applySign(v, "absolute")), [2, 0, 3]);
  assert.equal(signValue(-1.5, "signed"), -1.5);
});

test("percentile of |x| matches numpy's linear interpolation", () => {
  // np.percentile(np.abs([-4, 1, -2, 3, 0]), p) for p in 0, 50, 90, 100
  const v = [-4, 1, -2, 3, 0];
  const percentileAbs = (values, p) => percentileSorted(sortedAbs(values), p);
  assert.equal(percentileAbs(v, 0), 0);
  assert.equal(percentileAbs(v, 50), 2);
  assert.ok(Math.abs(percentileAbs(v, 90) - 3.6) < 1e-12);
  assert.equal(percentileAbs(v, 100), 4);
  assert.ok(Number.isNaN(percentileAbs([], 50)));
});

test("sortedAbs drops NaN and sorts ascending", () => {
  assert.deepEqual(Array.from(sortedAbs([3, NaN, -1, 2])), [1, 2, 3]);
  assert.equal(percentileSorted(sortedAbs([NaN, -5]), 99), 5);
});

test("clipLimit falls back to the max for sparse maps and to 0 for all-zero maps", () => {
  const sparse = sortedAbs([0, 0, 0, 0, 0, 0, 0, 0, 0, -7]);
  assert.equal(clipLimit(sparse, 50), 7);
  assert.equal(clipLimit(sortedAbs([0, 0]), 99), 0);
  assert.equal(clipLimit(sortedAbs([1, 2, 3]), 50), 2);
});

test("ranges per sign mode", () => {
  assert.deepEqual(displayRange("signed", 2), [-2, 2]);
  assert.deepEqual(displayRange("positive", 2), [0, 2]);
  assert.deepEqual(displayRange("absolute", 2), [0, 2]);
  assert.deepEqual(displayRange("negative", 2), [-2, 0]);
});

test("extent ignores NaN", () => {
  assert.deepEqual(extent([3, NaN, -1, 2]), [-1, 3]);
  assert.deepEqual(extent([]).map(Number.isNaN), [true, true]);
});

test("niceTicks gives round steps covering the range", () => {
  assert.deepEqual(niceTicks(0, 1, 5), [0, 0.2, 0.4, 0.6000000000000001, 0.8, 1]);
  assert.deepEqual(niceTicks(-3, 7, 5), [-2, 0, 2, 4, 6]);
  assert.deepEqual(niceTicks(2, 2), [2]);
  assert.deepEqual(niceTicks(NaN, 1), []);
});

test("topByMagnitude ranks by |x|, keeps ties stable and puts NaN last", () => {
  assert.deepEqual(topByMagnitude([0.1, -5, 3, NaN, -3], 10), [1, 2, 4, 0, 3]);
  assert.deepEqual(topByMagnitude(new Float32Array([1, -2, 3]), 2), [2, 1]);
  assert.deepEqual(topByMagnitude([1, 2], 0), []);
});

test("scaleCache reuses the sort per sign mode and applies the percentile", () => {
  const get = scaleCache(new Float32Array([-4, 1, -2, 3, 0]));
  const a = get("signed", 100);
  assert.equal(a.clip, 4);
  assert.equal(get("signed", 50).clip, 2);
  assert.equal(get("signed", 50).values, a.values, "same transformed array reused");
  assert.equal(get("positive", 100).clip, 3);
  assert.equal(get("negative", 100).clip, 4);
  assert.deepEqual(Array.from(get("negative", 0).values), [4, 0, 2, 0, 0]);
});
