import test from "node:test";
import assert from "node:assert/strict";
import { groupWords } from "../lib/words.js";

test("WordPiece pieces are summed into words; specials stay alone", () => {
  const { words, attr } = groupWords(["[CLS]", "un", "##believ", "##able", "film", "[SEP]"], [0.5, 1, 2, 3, -1, 0.25]);
  assert.deepEqual(words.map((w) => w.text), ["[CLS]", "unbelievable", "film", "[SEP]"]);
  assert.deepEqual(Array.from(attr), [0.5, 6, -1, 0.25]);
  assert.deepEqual(words.map((w) => [w.first, w.count]), [[0, 1], [1, 3], [4, 1], [5, 1]]);
});

test("byte-level BPE words start at the space marker", () => {
  const { words, attr } = groupWords(["the", "\u0120cap", "ital", "\u0120is"], [1, 2, 3, 4]);
  assert.deepEqual(words.map((w) => w.text), ["the", "cap" + "ital", "is"]);
  assert.deepEqual(Array.from(attr), [1, 5, 4]);
});
