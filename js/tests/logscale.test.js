import test from "node:test";
import assert from "node:assert/strict";
import { sliderToValue, valueToSlider, SLIDER_MAX } from "../lib/logscale.js";

test("slider ends map to the range ends", () => {
  assert.equal(sliderToValue(0, 1, 2000), 1);
  assert.equal(sliderToValue(SLIDER_MAX, 1, 2000), 2000);
  assert.equal(sliderToValue(-5, 1, 2000), 1);
  assert.equal(sliderToValue(SLIDER_MAX + 9, 1, 2000), 2000);
});

test("round trip is exact for small step counts and within 0.4% for large ones", () => {
  for (const n of [1, 2, 5, 10, 32, 50, 64, 100, 128, 2000]) {
    assert.equal(sliderToValue(valueToSlider(n, 1, 2000), 1, 2000), n, `n=${n}`);
  }
  for (const n of [300, 500, 999, 1000, 1500]) {
    const back = sliderToValue(valueToSlider(n, 1, 2000), 1, 2000);
    assert.ok(Math.abs(back - n) / n < 0.004, `n=${n} -> ${back}`);
  }
});

test("the scale is logarithmic: 1..~45 takes half the slider", () => {
  const mid = sliderToValue(SLIDER_MAX / 2, 1, 2000);
  assert.ok(mid >= 44 && mid <= 45, `mid=${mid}`);
});
