/**
 * Where a text can be cut so that encoding the two halves separately gives exactly the tokens of the whole:
 * `encode(a + b).length === encode(a).length + encode(b).length` whenever `a.length` is a safe boundary of `a + b`.
 *
 * Why this holds. js-tiktoken splits text with the encoding's pre-tokenizer regex (scanning left to right, every
 * match starting where the last one ended) and byte-pair-encodes each match ("piece") on its own. A cut at p is
 * exact when (1) no piece can contain both the code point A ending at p and the code point B starting at p, and
 * (2) the piece that ends at p does not depend on what follows p. The regex has no look-behind, so the pieces
 * after p are then the same as scanning the suffix alone. The patterns (js-tiktoken 1.0.21):
 *
 *   o200k_base   [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+('s|'t|'re|'ve|'m|'ll|'d)?
 *              | [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*('s|...)?
 *              | \p{N}{1,3} |  ?[^\s\p{L}\p{N}]+[\r\n/]* | \s*[\r\n]+ | \s+(?!\S) | \s+
 *   cl100k_base  ('s|'t|'re|'ve|'m|'ll|'d) | [^\r\n\p{L}\p{N}]?\p{L}+ | \p{N}{1,3}
 *              |  ?[^\s\p{L}\p{N}]+[\r\n]* | \s*[\r\n]+ | \s+(?!\S) | \s+
 *   (contractions in either case)
 *
 * With L = letter, N = number, M = mark, S = whitespace (JS `\s`), P = anything else, the cut between A and B is
 * safe in BOTH encodings when:
 *   R1  A is N and B is not N: only `\p{N}{1,3}` holds a number, and it holds nothing else.
 *   R2  A is L and B is not L, not M, not `'`: after a letter a piece continues only with letters, marks
 *       (o200k) or a contraction, which starts with `'`.
 *   R3  A is P or M and B is N: a piece holding punctuation/marks continues with letters, marks, punctuation or
 *       line breaks, never with a number.
 *   R4  A is `\r` or `\n` and B is neither whitespace nor `/`: a line break is followed inside a piece only by
 *       whitespace, or by `\r`, `\n`, `/` (o200k's ` ?[^\s\p{L}\p{N}]+[\r\n/]*`, which lets `}\n/` be one piece).
 *       The whitespace run ending at p contains a line break, so `\s*[\r\n]+` takes it before the look-ahead
 *       alternative `\s+(?!\S)` is ever tried.
 *   R5  A is P or M and B is whitespace other than `\r`/`\n`: punctuation continues only with punctuation, marks,
 *       letters or `[\r\n/]`.
 * In every rule A is not whitespace or the whitespace run ending at p contains a line break, which is what makes
 * (2) hold: the only look-ahead, `(?!\S)`, never decides the piece that ends at p. A cut inside a surrogate pair
 * is never safe (both halves classify as P, and no rule accepts P then P).
 *
 * Not safe, with counterexamples: letter|`'` (`it's`), space|letter (` hello`), space|space (`\s+(?!\S)`),
 * P|P (`});`), `\n`|`/` (o200k: `}\n//`), `\n`|space (`\n  `), letter|mark (o200k: `e\u0301`).
 * test/unit/tokens/safeBoundaries.test.ts checks every rule against full encodes of both encodings.
 */

const enum CharClass {
  Letter = 1,
  Number = 2,
  Space = 3,
  Mark = 4,
  Other = 5,
}

const APOSTROPHE = 0x27;
const SLASH = 0x2f;
const CR = 0x0d;
const LF = 0x0a;

const LETTER = /\p{L}/u;
const NUMBER = /\p{N}/u;
const SPACE = /\s/u;
const MARK = /\p{M}/u;

const ASCII_CLASS: Uint8Array = (() => {
  const table = new Uint8Array(128);
  for (let c = 0; c < 128; c++) table[c] = classifySlow(c);
  return table;
})();

function classifySlow(codePoint: number): CharClass {
  const ch = String.fromCodePoint(codePoint);
  if (LETTER.test(ch)) return CharClass.Letter;
  if (NUMBER.test(ch)) return CharClass.Number;
  if (SPACE.test(ch)) return CharClass.Space;
  if (MARK.test(ch)) return CharClass.Mark;
  return CharClass.Other;
}

function classify(codePoint: number): CharClass {
  return codePoint < 128 ? (ASCII_CLASS[codePoint] as CharClass) : classifySlow(codePoint);
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

/** The code point that ends just before `p` (a lone surrogate stands for itself, as the regex's `u` flag sees it). */
function codePointBefore(text: string, p: number): number {
  const unit = text.charCodeAt(p - 1);
  if (isLowSurrogate(unit) && p >= 2) {
    const high = text.charCodeAt(p - 2);
    if (isHighSurrogate(high)) return (high - 0xd800) * 0x400 + (unit - 0xdc00) + 0x10000;
  }
  return unit;
}

/**
 * True when cutting `text` at `p` (0 < p < text.length) leaves every token intact, for o200k_base and cl100k_base.
 * Reads only `text[p-2 .. p+1]`.
 */
export function isSafeBoundary(text: string, p: number): boolean {
  if (p <= 0 || p >= text.length) return false;
  const a = codePointBefore(text, p);
  const b = text.codePointAt(p)!;
  // A cut between the halves of a surrogate pair: a is a lone high half, b a lone low half; no rule accepts that.
  const classA = classify(a);
  const classB = classify(b);
  switch (classA) {
    case CharClass.Number:
      return classB !== CharClass.Number; // R1
    case CharClass.Letter:
      return classB !== CharClass.Letter && classB !== CharClass.Mark && b !== APOSTROPHE; // R2
    case CharClass.Space:
      return (a === LF || a === CR) && classB !== CharClass.Space && b !== SLASH; // R4
    default:
      // R3 and R5: punctuation, symbols (emoji) and marks.
      return classB === CharClass.Number || (classB === CharClass.Space && b !== LF && b !== CR);
  }
}

/**
 * The first safe boundary p with `from <= p <= to` (and 2 <= p <= text.length - 2, so the code points around it lie
 * inside `text`), or -1.
 */
export function nextSafeBoundary(text: string, from: number, to: number = text.length): number {
  const last = Math.min(to, text.length - 2);
  for (let p = Math.max(from, 2); p <= last; p++) {
    // A fast skip through runs like `xxxx…` or `====…`: the same unit on both sides is not a safe cut (letter|letter,
    // digit|digit, punctuation|punctuation, space|space, break|break) except in contrived surrogate cases, and
    // passing over a safe boundary only makes a chunk longer, never a count wrong.
    if (text.charCodeAt(p - 1) === text.charCodeAt(p)) continue;
    if (isSafeBoundary(text, p)) return p;
  }
  return -1;
}
