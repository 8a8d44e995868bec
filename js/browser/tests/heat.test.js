import test from "node:test";
import assert from "node:assert/strict";
import { heatColor, heatPixels, heatCss } from "../lib/heat.js";

test("heatColor: zero is faint white, +1 red, -1 blue, clipped beyond", () => {
  assert.deepEqual(heatColor(0), [255, 255, 255, 38]);
  assert.deepEqual(heatColor(1), [178, 24, 43, 255]);
  assert.deepEqual(heatColor(-1), [33, 102, 172, 255]);
  assert.deepEqual(heatColor(5), heatColor(1));
  assert.deepEqual(heatColor(NaN), heatColor(0));
  const half = heatColor(0.5);
  assert.ok(half[0] > 178 && half[0] < 255 && half[1] > 24 && half[1] < 255);
});

test("heatPixels lays out one RGBA quadruple per value", () => {
  const px = heatPixels(new Float32Array([1, -1]));
  assert.equal(px.length, 8);
  assert.deepEqual([...px.slice(0, 4)], [178, 24, 43, 255]);
  assert.deepEqual([...px.slice(4)], [33, 102, 172, 255]);
});

test("heatCss is an rgba() string", () => {
  assert.equal(heatCss(1), "rgba(178, 24, 43, 1.000)");
  assert.equal(heatCss(-1, 0.5), "rgba(33, 102, 172, 0.500)");
});
