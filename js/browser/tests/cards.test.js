import test from "node:test";
import assert from "node:assert/strict";
import { className, formatProb, cardText, pageLabel, stepPage } from "../lib/cards.js";

test("className falls back to the index and keeps markup as plain text", () => {
  assert.equal(className(["a", "<b>"], 1), "<b>");
  assert.equal(className(["a"], 3), "3");
  assert.equal(className(null, 2), "2");
  assert.equal(className(["a"], -1), "?");
});

test("formatProb rounds to whole percents above 10%", () => {
  assert.equal(formatProb(0.873), "87%");
  assert.equal(formatProb(0.05), "5.0%");
  assert.equal(formatProb(0.0004), "<0.1%");
  assert.equal(formatProb(0.99996), ">99.9%");
  assert.equal(formatProb(1), "100%");
  assert.equal(formatProb(0), "0%");
  assert.equal(formatProb(NaN), "–");
});

test("cardText marks a wrong prediction and names both classes", () => {
  const names = ["zero", "one", "two"];
  const t = cardText({ index: 7, label: 2, predicted: 1, prob: 0.6, loss: 2.3, margin: 0.2 }, names);
  assert.equal(t.wrong, true);
  assert.equal(t.truth, "two");
  assert.equal(t.pred, "one · 60%");
  assert.equal(t.title, "#7");
  assert.match(t.tip, /true: two · predicted: one · 60% · loss 2.30 · margin 0.200/);
  const right = cardText({ index: 1, label: 1, predicted: 1, prob: 0.9, loss: 0.1, margin: 0.8 }, names);
  assert.equal(right.wrong, false);
  const unlabeled = cardText({ index: 1, label: -1, predicted: 0, prob: 0.9, loss: null, margin: 0.8 }, names);
  assert.equal(unlabeled.wrong, false);
  assert.equal(unlabeled.truth, "");
  assert.doesNotMatch(unlabeled.tip, /loss/);
});

test("pageLabel and stepPage stay inside the set", () => {
  assert.equal(pageLabel(0, 48, 1614), "1–48 of 1,614");
  assert.equal(pageLabel(33, 48, 1614), "1,585–1,614 of 1,614");
  assert.equal(pageLabel(0, 48, 0), "nothing to show");
  assert.equal(stepPage(0, -1, 10), 0);
  assert.equal(stepPage(9, 1, 10), 9);
  assert.equal(stepPage(3, 1, 10), 4);
  assert.equal(stepPage(0, 1, 0), 0);
});
