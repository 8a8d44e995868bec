import test from "node:test";
import assert from "node:assert/strict";
import { searchLabels, showLabel, formatScore } from "../lib/target-search.js";

const VOCAB = ["the", " the", " Paris", "Paris", "paris", " Parisian", "comparison", "[CLS]"];

test("exact, then trimmed, then case-insensitive, then prefix, then substring", () => {
  assert.deepEqual(searchLabels(VOCAB, " Paris"), [2, 3, 4, 5, 6]);
  assert.deepEqual(searchLabels(VOCAB, "Paris"), [3, 2, 4, 5, 6]);
  assert.deepEqual(searchLabels(VOCAB, "paris").slice(0, 3), [4, 2, 3]);
});

test("an index finds its class; empty finds nothing; the limit holds", () => {
  assert.equal(searchLabels(VOCAB, "7")[0], 7);
  assert.deepEqual(searchLabels(VOCAB, "  "), []);
  const many = Array.from({ length: 1000 }, (_, i) => `class ${i}`);
  assert.equal(searchLabels(many, "class", 20).length, 20);
  assert.deepEqual(searchLabels(many, "class 999", 5), [999]);
});

test("labels with spaces are quoted, scores follow the activation", () => {
  assert.equal(showLabel(" Paris"), '" Paris"');
  assert.equal(showLabel("tabby cat"), "tabby cat");
  const pct = (/** @type {number} */ p) => `${p * 100}%`;
  const val = (/** @type {number} */ v) => `v${v}`;
  assert.equal(formatScore(0.5, "softmax", pct, val), "50%");
  assert.equal(formatScore(0.5, "sigmoid", pct, val), "50%");
  assert.equal(formatScore(2.5, "none", pct, val), "v2.5");
});
