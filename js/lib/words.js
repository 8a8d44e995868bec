// @ts-check
// Per-word attribution: the subword pieces of one word (by `joinSubwords`) summed
// into one value, so "un", "##believ", "##able" read as one word with one colour.
import { joinSubwords } from "./subwords.js";

/** @typedef {import("../types.js").NumArray} NumArray */

/**
 * @typedef {object} Word
 * @property {string} text      the pieces joined, markers stripped
 * @property {number} first     index of its first token
 * @property {number} count     how many tokens it spans
 * @property {boolean} special  a special token ([CLS], <s>) on its own
 */

/**
 * Group tokens into words and sum their attributions.
 * @param {unknown[]} tokens
 * @param {ArrayLike<number>} attr  one value per token
 * @returns {{words: Word[], attr: Float64Array}}
 */
export function groupWords(tokens, attr) {
  const pieces = joinSubwords(tokens);
  /** @type {Word[]} */
  const words = [];
  /** @type {number[]} */
  const sums = [];
  pieces.forEach((p, i) => {
    const last = words[words.length - 1];
    if (last && p.attachToPrevious) {
      last.text += p.text;
      last.count += 1;
      sums[sums.length - 1] += Number(attr[i]);
    } else {
      words.push({ text: p.text, first: i, count: 1, special: p.special });
      sums.push(Number(attr[i]));
    }
  });
  return { words, attr: Float64Array.from(sums) };
}
