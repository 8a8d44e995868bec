import test from "node:test";
import assert from "node:assert/strict";
import { joinSubwords, detectScheme } from "../lib/subwords.js";

// What the text view shows: the pieces, with a space before every piece that starts a word.
const joinedText = (pieces) => pieces.map((p, i) => (i > 0 && !p.attachToPrevious ? " " : "") + p.text).join("");

const shape = (toks) => joinSubwords(toks).map((p) => [p.text, p.attachToPrevious]);

test("WordPiece: ## continues the previous word", () => {
  const toks = ["[CLS]", "the", "play", "##ing", "field", "[SEP]"];
  assert.equal(detectScheme(toks), "wordpiece");
  assert.deepEqual(shape(toks), [
    ["[CLS]", false], ["the", false], ["play", false], ["ing", true], ["field", false], ["[SEP]", false],
  ]);
  assert.equal(joinedText(joinSubwords(toks)), "[CLS] the playing field [SEP]");
  const p = joinSubwords(toks);
  assert.equal(p[0].special, true);
  assert.equal(p[3].startsWord, false);
  assert.equal(p[2].startsWord, true);
});

test("GPT-2 BPE: Ġ starts a word, unmarked pieces continue it", () => {
  const toks = ["Hello", "Ġwor", "ld", "!", "Ġ", "ĊĊ", "The"];
  assert.equal(detectScheme(toks), "bpe");
  assert.deepEqual(shape(toks), [
    ["Hello", false], ["wor", false], ["ld", true], ["!", true], ["", false], ["↵↵", false], ["The", true],
  ]);
  assert.equal(joinedText(joinSubwords(["Hello", "Ġwor", "ld", "!"])), "Hello world!");
});

test("SentencePiece: ▁ starts a word, unmarked pieces continue it", () => {
  const toks = ["▁The", "▁un", "believ", "able", "▁", "1", "</s>"];
  assert.equal(detectScheme(toks), "sentencepiece");
  assert.deepEqual(shape(toks), [
    ["The", false], ["un", false], ["believ", true], ["able", true], ["", false], ["1", true], ["</s>", false],
  ]);
  assert.equal(joinedText(joinSubwords(toks.slice(0, 4))), "The unbelievable");
});

test("special tokens never glue to their neighbours", () => {
  assert.deepEqual(shape(["<|endoftext|>", "Hi", "Ġthere"]), [["<|endoftext|>", false], ["Hi", false], ["there", false]]);
  assert.deepEqual(shape(["<s>", "▁a", "</s>"]), [["<s>", false], ["a", false], ["</s>", false]]);
});

test("markup-looking tokens pass through unchanged (the view inserts them as text)", () => {
  const xss = "<img src=x onerror=alert(1)>";
  const p = joinSubwords(["a", xss, "##b"]);
  assert.equal(p[1].text, xss);
  assert.equal(p[1].special, false);
  assert.equal(p[2].attachToPrevious, true);
});

test("a bare ## is a literal token, not a continuation; non-strings are tolerated", () => {
  assert.deepEqual(shape(["a", "##"]), [["a", false], ["##", false]]);
  assert.deepEqual(shape([null, 5]), [["", false], ["5", false]]);
  assert.deepEqual(joinSubwords([]), []);
});
