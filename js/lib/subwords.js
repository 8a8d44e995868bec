// @ts-check
// Join tokenizer pieces the way a reader expects while keeping one entry per
// token (each is coloured by its own attribution). Three conventions:
//   WordPiece (BERT):        "play", "##ing"   -> "##" continues the word
//   byte-level BPE (GPT-2):  "Hello", "Ġworld" -> "Ġ" starts a word with a space
//   SentencePiece (T5, ...): "▁Hello", "▁wor", "ld" -> "▁" starts a word
// In BPE and SentencePiece a piece without its marker continues the word; in
// WordPiece (and plain whitespace tokens) a piece without "##" starts a word.

const BPE_SPACE = "\u0120"; // Ġ
const BPE_NEWLINE = "\u010A"; // Ċ
const SP_SPACE = "\u2581"; // ▁

// [CLS], <s>, </s>, <pad>, <|endoftext|>: always their own word.
const SPECIAL = /^(\[[A-Za-z_]+\]|<\/?[A-Za-z_]+>|<\|[^|<>]*\|>)$/;

/**
 * Which convention a token sequence follows: "bpe", "sentencepiece" or "wordpiece".
 * @param {unknown[]} tokens
 * @returns {"bpe" | "sentencepiece" | "wordpiece"}
 */
export function detectScheme(tokens) {
  let bpe = 0;
  let sp = 0;
  for (const t of tokens) {
    if (typeof t !== "string") continue;
    if (t.startsWith(BPE_SPACE) || t.startsWith(BPE_NEWLINE)) bpe++;
    else if (t.startsWith(SP_SPACE)) sp++;
  }
  if (bpe === 0 && sp === 0) return "wordpiece";
  return bpe >= sp ? "bpe" : "sentencepiece";
}

/**
 * tokens (raw strings) -> [{text, attachToPrevious, startsWord, special}], one per
 * token. `text` is what to display (markers stripped, Ċ shown as ↵, may be ""
 * for a bare marker). attachToPrevious: no gap before it; startsWord: the
 * opposite (the first token starts a word and attaches to nothing).
 * @param {unknown[]} tokens
 * @returns {{text: string, attachToPrevious: boolean, startsWord: boolean, special: boolean}[]}
 */
export function joinSubwords(tokens) {
  const scheme = detectScheme(tokens);
  return tokens.map((raw, i) => {
    const tok = raw == null ? "" : String(raw);
    const special = SPECIAL.test(tok);
    let text = tok;
    let continues;
    if (special) {
      continues = false;
    } else if (scheme === "wordpiece") {
      continues = tok.length > 2 && tok.startsWith("##");
      if (continues) text = tok.slice(2);
    } else {
      const marker = scheme === "bpe" ? BPE_SPACE : SP_SPACE;
      const newline = scheme === "bpe" && tok.startsWith(BPE_NEWLINE);
      continues = !tok.startsWith(marker) && !newline;
      if (tok.startsWith(marker)) text = tok.slice(marker.length);
      if (scheme === "bpe") text = text.replaceAll(BPE_NEWLINE, "\u21B5").replaceAll(BPE_SPACE, " ");
    }
    // The previous token being special (e.g. "<s>" then "Hello" in BPE) also breaks the word.
    const prevSpecial = i > 0 && SPECIAL.test(String(tokens[i - 1] ?? ""));
    const attachToPrevious = i > 0 && continues && !prevSpecial;
    return { text, attachToPrevious, startsWord: !attachToPrevious, special };
  });
}
