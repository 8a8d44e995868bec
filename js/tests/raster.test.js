import test from "node:test";
import assert from "node:assert/strict";
import { blendHeatmap, colorBarPixels } from "../lib/raster.js";
import { linearMap } from "../lib/colormap.js";

const lut = new Uint8Array(768);
for (let i = 0; i < 256; i++) lut.set([i, 0, 255 - i], i * 3);

test("opacity 0 shows the image, 1 the heatmap", () => {
  const values = new Float32Array([-1, 1]);
  const image = new Uint8Array([10, 20, 30, 255, 40, 50, 60, 255]);
  const map = linearMap("diverging", "signed", 1);
  const out = new Uint8ClampedArray(8);
  blendHeatmap(values, image, lut, map, 0, out);
  assert.deepEqual(Array.from(out), [10, 20, 30, 255, 40, 50, 60, 255]);
  blendHeatmap(values, image, lut, map, 1, out);
  assert.deepEqual(Array.from(out), [0, 0, 255, 255, 255, 0, 0, 255]);
  blendHeatmap(values, image, lut, map, 0.5, out);
  // 30*.5 + 255*.5 = 142.5; Uint8ClampedArray rounds half to even.
  assert.deepEqual(Array.from(out.slice(0, 3)), [5, 10, 142]);
});

test("transparent input pixels composite over white", () => {
  const out = new Uint8ClampedArray(4);
  blendHeatmap(new Float32Array([0]), new Uint8Array([0, 0, 0, 0]), lut, linearMap("diverging", "signed", 1), 0, out);
  assert.deepEqual(Array.from(out), [255, 255, 255, 255]);
});

test("no image draws the plain heatmap; size mismatches throw", () => {
  const out = new Uint8ClampedArray(4);
  blendHeatmap(new Float32Array([0.5]), null, lut, linearMap("sequential", "absolute", 1), 0.3, out);
  assert.deepEqual(Array.from(out), [128, 0, 127, 255]);
  assert.throws(() => blendHeatmap(new Float32Array(2), null, lut, linearMap("sequential", "absolute", 1), 1, out), /size/);
  assert.throws(() => blendHeatmap(new Float32Array(1), new Uint8Array(3), lut, linearMap("sequential", "absolute", 1), 1, out), /image size/);
});

test("a 1024x1024 blend is fast enough to run on every slider move", () => {
  const n = 1024 * 1024;
  const values = new Float32Array(n).map((_, i) => Math.sin(i));
  const image = new Uint8Array(4 * n).fill(128);
  const out = new Uint8ClampedArray(4 * n);
  const t0 = performance.now();
  blendHeatmap(values, image, lut, linearMap("diverging", "signed", 1), 0.6, out);
  assert.ok(performance.now() - t0 < 500);
  assert.equal(out[3], 255);
});

test("colorBarPixels samples left to right", () => {
  const px = colorBarPixels(3, (u) => [u * 255, 0, 0]);
  assert.deepEqual(Array.from(px), [0, 0, 0, 255, 128, 0, 0, 255, 255, 0, 0, 255]);
});
