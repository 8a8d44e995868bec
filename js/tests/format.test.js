import test from "node:test";
import assert from "node:assert/strict";
import { formatNumber, formatSigned, formatDelta, formatPercent, formatValue, formatShare, formatTick } from "../lib/format.js";

test("formatNumber uses significant digits and exponents only at the extremes", () => {
  assert.equal(formatNumber(0), "0");
  assert.equal(formatNumber(1.23456), "1.23");
  assert.equal(formatNumber(-0.5), "−0.5");
  assert.equal(formatNumber(1234.5), "1235", "no exponent below 1e4, even past 3 digits");
  assert.equal(formatNumber(0.0012345), "0.00123");
  assert.equal(formatNumber(99.96), "100");
  assert.equal(formatNumber(0.000012), "1.2e-5");
  assert.equal(formatNumber(3e6), "3e6");
  assert.equal(formatNumber(-2.5e-7, 2), "−2.5e-7");
  assert.equal(formatNumber(NaN), "NaN");
  assert.equal(formatNumber(-Infinity), "−∞");
  assert.equal(formatNumber("0.25"), "0.25");
});

test("formatSigned adds + to positives only", () => {
  assert.equal(formatSigned(0.2), "+0.2");
  assert.equal(formatSigned(-0.2), "−0.2");
  assert.equal(formatSigned(0), "0");
});

test("formatDelta reads like the readout", () => {
  assert.equal(formatDelta(1.2e-5), "δ = 1.2e-5");
  assert.equal(formatDelta(-0.031), "δ = −0.031");
});

test("formatPercent", () => {
  assert.equal(formatPercent(0.8734), "87.3%");
  assert.equal(formatPercent(0.0004), "<0.1%");
  assert.equal(formatPercent(0), "0.0%");
  assert.equal(formatPercent(NaN), "–");
});

test("formatValue shows integers in full and other numbers compactly", () => {
  assert.equal(formatValue(15024), "15024");
  assert.equal(formatValue(-3), "−3");
  assert.equal(formatValue(0.123456), "0.1235");
  assert.equal(formatValue(2.5e13), "2.5e13");
});

test("formatShare keeps enough digits to tell 1.01% from 1%", () => {
  assert.equal(formatShare(0.0101), "1.01%");
  assert.equal(formatShare(0.05), "5%");
  assert.equal(formatShare(0.00001), "<0.01%");
  assert.equal(formatShare(0), "0%");
  assert.equal(formatShare(NaN), "–");
});

test("formatTick uses the step's decimals so neighbouring ticks never read the same", () => {
  assert.equal(formatTick(0.255, 0.005), "0.255");
  assert.equal(formatTick(0.26, 0.005), "0.260");
  assert.equal(formatTick(-0.1, 0.05), "−0.10");
  assert.equal(formatTick(20, 10), "20");
  assert.equal(formatTick(0, 0.001), "0");
  assert.equal(formatTick(3e-6, 1e-6), "3e-6");
});
