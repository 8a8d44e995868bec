import test from "node:test";
import assert from "node:assert/strict";
import {
  lutFromData, lutFromStops, resolveColormap, linearMap, lutIndex, rgbAt, textColorOn,
  parseCssColor, mixRgb, strength,
} from "../lib/colormap.js";

// A LUT whose entry i is (i, 255 - i, 0): positions are readable from colours.
const ramp = () => {
  const lut = new Uint8Array(768);
  for (let i = 0; i < 256; i++) lut.set([i, 255 - i, 0], i * 3);
  return lut;
};

test("lutFromData accepts a DataView of 768 bytes and rejects other sizes", () => {
  const lut = ramp();
  const got = lutFromData(new DataView(lut.buffer));
  assert.deepEqual(rgbAt(got, 10), [10, 245, 0]);
  assert.throws(() => lutFromData(new Uint8Array(767)), /768/);
});

test("lutFromStops interpolates between stops", () => {
  const lut = lutFromStops([[0, 0, 0, 0], [1, 255, 255, 255]]);
  assert.deepEqual(rgbAt(lut, 0), [0, 0, 0]);
  assert.deepEqual(rgbAt(lut, 255), [255, 255, 255]);
  assert.deepEqual(rgbAt(lut, 51), [51, 51, 51]);
});

test("signed map puts 0 at the centre and ±clip at the ends", () => {
  const m = linearMap("diverging", "signed", 2);
  assert.equal(lutIndex(m, 0), 128);
  assert.equal(lutIndex(m, 2), 255);
  assert.equal(lutIndex(m, -2), 0);
  assert.equal(lutIndex(m, 50), 255, "clipped above");
  assert.equal(lutIndex(m, -50), 0, "clipped below");
  assert.equal(lutIndex(m, 1), 192);
  assert.equal(lutIndex(m, -1), 64);
});

test("sequential map spans the LUT from 0 to clip", () => {
  const m = linearMap("sequential", "absolute", 4);
  assert.equal(lutIndex(m, 0), 0);
  assert.equal(lutIndex(m, 2), 128);
  assert.equal(lutIndex(m, 4), 255);
});

test("magnitudes on a diverging LUT keep 0 neutral and move away from the centre", () => {
  const pos = linearMap("diverging", "positive", 1);
  assert.equal(lutIndex(pos, 0), 128);
  assert.equal(lutIndex(pos, 1), 255);
  const neg = linearMap("diverging", "negative", 1);
  assert.equal(lutIndex(neg, 0), 128);
  assert.equal(lutIndex(neg, 1), 0, "strong negative goes to the negative end");
});

test("degenerate clip and NaN map to neutral", () => {
  const m = linearMap("diverging", "signed", 0);
  assert.equal(lutIndex(m, 5), 128);
  assert.equal(lutIndex(linearMap("diverging", "signed", 1), NaN), 128);
});

test("resolveColormap prefers the named map, then the kind the mode wants, then a built-in", () => {
  const maps = {
    viridis: { kind: "sequential", lut: new DataView(ramp().buffer) },
    RdBu_r: { kind: "diverging", lut: new DataView(ramp().buffer) },
    broken: { kind: "diverging", lut: new DataView(new ArrayBuffer(3)) },
  };
  assert.equal(resolveColormap(maps, "viridis", "signed").name, "viridis");
  assert.equal(resolveColormap(maps, "nope", "signed").name, "RdBu_r");
  assert.equal(resolveColormap(maps, "nope", "absolute").name, "viridis");
  assert.equal(resolveColormap(maps, "broken", "signed").name, "RdBu_r", "bad LUT falls through");
  const builtin = resolveColormap({}, "RdBu_r", "signed");
  assert.equal(builtin.kind, "diverging");
  assert.equal(builtin.lut.length, 768);
  const [r, g, b] = rgbAt(builtin.lut, 128);
  assert.ok(r > 240 && g > 240 && b > 240, "built-in diverging is near white in the middle");
});

test("textColorOn picks readable text", () => {
  assert.equal(textColorOn([255, 255, 255]), "#000");
  assert.equal(textColorOn([5, 48, 97]), "#fff");
  assert.equal(textColorOn([250, 200, 60]), "#000");
});

test("parseCssColor reads computed colours and rejects transparent ones", () => {
  assert.deepEqual(parseCssColor("rgb(17, 17, 17)"), [17, 17, 17]);
  assert.deepEqual(parseCssColor("rgba(255, 0, 10, 0.5)"), [255, 0, 10]);
  assert.deepEqual(parseCssColor("rgb(1 2 3 / 50%)"), [1, 2, 3]);
  assert.equal(parseCssColor("rgba(0, 0, 0, 0)"), null);
  assert.deepEqual(parseCssColor("#fa0"), [255, 170, 0]);
  assert.deepEqual(parseCssColor("#102030"), [16, 32, 48]);
  assert.equal(parseCssColor("var(--x)"), null);
});

test("mixRgb and strength", () => {
  assert.deepEqual(mixRgb([0, 0, 0], [255, 100, 50], 0.5), [128, 50, 25]);
  assert.deepEqual(mixRgb([10, 20, 30], [0, 0, 0], 0), [10, 20, 30]);
  assert.equal(strength(-0.5, 2), 0.25);
  assert.equal(strength(9, 2), 1);
  assert.equal(strength(1, 0), 0);
  assert.equal(strength(NaN, 1), 0);
});
