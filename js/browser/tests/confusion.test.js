import test from "node:test";
import assert from "node:assert/strict";
import { totals, cellShare, isActive } from "../lib/confusion.js";

const M = [
  [5, 1, 0],
  [2, 3, 1],
  [0, 0, 0],
];

test("totals sums rows, columns, all and the diagonal", () => {
  const t = totals(M);
  assert.deepEqual(t.rows, [6, 6, 0]);
  assert.deepEqual(t.cols, [7, 4, 1]);
  assert.equal(t.total, 12);
  assert.equal(t.correct, 8);
});

test("cellShare is the share of the true-class row; empty rows give 0", () => {
  assert.equal(cellShare(M, 0, 0), 5 / 6);
  assert.equal(cellShare(M, 1, 2), 1 / 6);
  assert.equal(cellShare(M, 2, 1), 0);
});

test("isActive matches the filter pair only", () => {
  assert.equal(isActive({ true_class: 1, predicted_class: 2 }, 1, 2), true);
  assert.equal(isActive({ true_class: 1, predicted_class: -1 }, 1, 2), false);
});
