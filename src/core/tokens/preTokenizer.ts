import * as classes from './codePointClasses';

// Local copies, read once: through a module binding each read can be a property load (a getter in CommonJS output).
const { LETTER, LOWERISH, NUMBER, SPACE, UPPERISH, codePointClass, unitClass } = classes;

/**
 * Hand-written scanners that split text into exactly the pieces of the o200k and cl100k pre-tokenizer patterns.
 * V8 runs those patterns (alternations of Unicode property classes, matched with backtracking) at ~1.4 ms per 36,000
 * characters, most of a new message's count; a scanner reading one class-table entry per character does the same
 * split several times faster and allocates nothing per piece.
 *
 * How each alternative is resolved without backtracking: a JavaScript regex returns the first alternative that matches,
 * and within it the first success in its backtracking order (optional parts taken first, greedy quantifiers longest
 * first). Every alternative here is a sequence of single-character classes with nothing after it, so that first
 * success can be read off directly: e.g. o200k's `X? U* W+ C?` takes X when it can and the match still succeeds, then
 * the longest U run after which a W follows (if the character after the whole U run is not a W, the U* gives back
 * characters until the last W inside the run), then all the W after it, then a contraction if one follows. Each rule
 * below says which alternative it is. The pieces are checked against the patterns themselves by differential property
 * tests (test/unit/tokens/preTokenizer.test.ts), and the patterns are matched by string: an encoding with any other
 * pattern gets no scanner here and keeps its regex.
 */
export interface PreTokenizer {
  /** The end (exclusive) of the piece that starts at `start` (< text.length): always > start. */
  pieceEnd(text: string, start: number): number;
}

/** js-tiktoken's o200k_base pattern (OpenAI's, with `(?i:…)` contractions written out in both cases). */
export const O200K_PATTERN =
  "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+('s|'S|'t|'T|'re|'rE|'Re|'RE|'ve|'vE|'Ve|'VE|'m|'M|'ll|'lL|'Ll|'LL|'d|'D)?|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*('s|'S|'t|'T|'re|'rE|'Re|'RE|'ve|'vE|'Ve|'VE|'m|'M|'ll|'lL|'Ll|'LL|'d|'D)?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

/** js-tiktoken's cl100k_base pattern. */
export const CL100K_PATTERN =
  "('s|'S|'t|'T|'re|'rE|'Re|'RE|'ve|'vE|'Ve|'VE|'m|'M|'ll|'lL|'Ll|'LL|'d|'D)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

const LF = 0x0a;
const CR = 0x0d;
const SPACE_CHAR = 0x20;
const APOSTROPHE = 0x27;
const SLASH = 0x2f;

/** Class bits of the code point at `at`, 0 past the end (a surrogate pair is one code point, a lone surrogate too). */
function classAt(text: string, at: number): number {
  if (at >= text.length) return 0;
  const unit = text.charCodeAt(at);
  if (unit < 0xd800 || unit > 0xdbff) return unitClass(unit);
  const low = text.charCodeAt(at + 1);
  return low >= 0xdc00 && low <= 0xdfff ? codePointClass(((unit - 0xd800) << 10) + (low - 0xdc00) + 0x10000) : unitClass(unit);
}

/** The index after the code point at `at`. */
function after(text: string, at: number): number {
  const unit = text.charCodeAt(at);
  if (unit >= 0xd800 && unit <= 0xdbff) {
    const low = text.charCodeAt(at + 1);
    if (low >= 0xdc00 && low <= 0xdfff) return at + 2;
  }
  return at + 1;
}

/**
 * The index after the code point at `at` and every copy of it that follows (when it is one UTF-16 unit, not a
 * surrogate). A scanner loop that accepts a character accepts the same character again, so a run like `xxxx…` or
 * `====…` is crossed with one comparison per character instead of a class lookup: the same pieces, ~5× faster over
 * long runs. A surrogate is stepped over one code point at a time, since a run of high halves can end in a pair.
 */
function afterRepeats(text: string, at: number): number {
  const unit = text.charCodeAt(at);
  if (unit >= 0xd800 && unit <= 0xdfff) return after(text, at);
  let end = at + 1;
  while (text.charCodeAt(end) === unit) end++;
  return end;
}

/** `[^\s\p{L}\p{N}]` (bits 0 = past the end). */
function isPunctuation(bits: number): boolean {
  return bits !== 0 && (bits & (SPACE | LETTER | NUMBER)) === 0;
}

/** `[^\r\n\p{L}\p{N}]` for the code point at `at`, whose class is `bits`. */
function isPrefix(text: string, at: number, bits: number): boolean {
  const unit = text.charCodeAt(at);
  return (bits & (LETTER | NUMBER)) === 0 && unit !== CR && unit !== LF;
}

/** The end of a contraction (`'s 't 're 've 'm 'll 'd`, each letter in either case) at `at`, or `at` when none. */
function contractionEnd(text: string, at: number): number {
  if (text.charCodeAt(at) !== APOSTROPHE) return at;
  // `| 0x20` lower-cases an ASCII letter; only the two cases of each letter can equal these codes after it.
  const first = text.charCodeAt(at + 1) | 0x20;
  if (first === 0x73 || first === 0x74 || first === 0x6d || first === 0x64) return at + 2; // s t m d
  const second = text.charCodeAt(at + 2) | 0x20;
  if ((first === 0x72 || first === 0x76) && second === 0x65) return at + 3; // re ve
  if (first === 0x6c && second === 0x6c) return at + 3; // ll
  return at;
}

/** `\p{N}{1,3}` at `at` (the first code point is a number). */
function numbersEnd(text: string, at: number): number {
  let end = after(text, at);
  if (classAt(text, end) & NUMBER) {
    end = after(text, end);
    if (classAt(text, end) & NUMBER) end = after(text, end);
  }
  return end;
}

/** ` ?[^\s\p{L}\p{N}]+` then the run of `[\r\n]` (and `/` when `slash`); -1 when it does not match at `at`. */
function punctuationEnd(text: string, at: number, bits: number, slash: boolean): number {
  let end = at;
  if (text.charCodeAt(at) === SPACE_CHAR) {
    end = at + 1;
    bits = classAt(text, end);
  }
  if (!isPunctuation(bits)) return -1;
  do {
    end = afterRepeats(text, end);
  } while (isPunctuation(classAt(text, end)));
  for (let unit = text.charCodeAt(end); unit === CR || unit === LF || (slash && unit === SLASH); unit = text.charCodeAt(end)) end++;
  return end;
}

/**
 * The three whitespace alternatives at `at` (a whitespace character; all of them are single code units):
 * `\s*[\r\n]+` ends after the last line break of the whitespace run; else `\s+(?!\S)` takes the run, but for its last
 * character when a non-space follows (and the run has two or more); else `\s+` takes the run (one character).
 */
function spacesEnd(text: string, at: number): number {
  const length = text.length;
  let end = at;
  let afterBreak = -1;
  while (end < length) {
    const unit = text.charCodeAt(end);
    if (unit !== CR && unit !== LF && (unitClass(unit) & SPACE) === 0) break;
    end = afterRepeats(text, end); // whitespace is never a surrogate
    if (unit === CR || unit === LF) afterBreak = end;
  }
  if (afterBreak >= 0) return afterBreak;
  if (end === length || end - at === 1) return end;
  return end - 1;
}

/** o200k's `[UPPERISH]*[LOWERISH]+` at `at`: its end, or -1. */
function o200kLowerEnd(text: string, at: number): number {
  let end = at;
  let afterLastLower = -1;
  let bits = classAt(text, end);
  for (; bits & UPPERISH; bits = classAt(text, end)) {
    end = afterRepeats(text, end);
    if (bits & LOWERISH) afterLastLower = end;
  }
  // The character after the run is lower-case (Ll): W+ takes it and every LOWERISH after it. Else U* gives back
  // characters until a W is next: the last W inside the run, which W+ takes alone (what follows it is not a W).
  if ((bits & LOWERISH) === 0) return afterLastLower;
  do {
    end = afterRepeats(text, end);
  } while (classAt(text, end) & LOWERISH);
  return end;
}

/** o200k's `[UPPERISH]+[LOWERISH]*` at `at`: its end, or -1. */
function o200kUpperEnd(text: string, at: number): number {
  let bits = classAt(text, at);
  if ((bits & UPPERISH) === 0) return -1;
  let end = at;
  for (; bits & UPPERISH; bits = classAt(text, end)) end = afterRepeats(text, end);
  for (; bits & LOWERISH; bits = classAt(text, end)) end = afterRepeats(text, end);
  return end;
}

/** At least one character, so a scanner bug can never loop forever (the tests prove it never triggers). */
function progress(end: number, start: number): number {
  return end > start ? end : start + 1;
}

export const O200K_PRE_TOKENIZER: PreTokenizer = {
  pieceEnd(text, start) {
    const bits = classAt(text, start);
    const next = after(text, start);
    const prefix = isPrefix(text, start, bits);
    // 1. [^\r\n\p{L}\p{N}]?[UPPERISH]*[LOWERISH]+ contraction? — with the prefix, then without it.
    let end = prefix ? o200kLowerEnd(text, next) : -1;
    if (end < 0) end = o200kLowerEnd(text, start);
    // 2. [^\r\n\p{L}\p{N}]?[UPPERISH]+[LOWERISH]* contraction?
    if (end < 0 && prefix) end = o200kUpperEnd(text, next);
    if (end < 0) end = o200kUpperEnd(text, start);
    if (end >= 0) return contractionEnd(text, end);
    // 3. \p{N}{1,3}
    if (bits & NUMBER) return numbersEnd(text, start);
    // 4.  ?[^\s\p{L}\p{N}]+[\r\n/]*
    end = punctuationEnd(text, start, bits, true);
    if (end >= 0) return end;
    // 5-7. whitespace
    return progress(spacesEnd(text, start), start);
  },
};

export const CL100K_PRE_TOKENIZER: PreTokenizer = {
  pieceEnd(text, start) {
    // 1. a contraction, wherever it is
    const contraction = contractionEnd(text, start);
    if (contraction > start) return contraction;
    const bits = classAt(text, start);
    // 2. [^\r\n\p{L}\p{N}]?\p{L}+
    let letters = -1;
    if (bits & LETTER) letters = start;
    else if (isPrefix(text, start, bits)) {
      const next = after(text, start);
      if (classAt(text, next) & LETTER) letters = next;
    }
    if (letters >= 0) {
      let end = afterRepeats(text, letters);
      while (classAt(text, end) & LETTER) end = afterRepeats(text, end);
      return end;
    }
    // 3. \p{N}{1,3}
    if (bits & NUMBER) return numbersEnd(text, start);
    // 4.  ?[^\s\p{L}\p{N}]+[\r\n]*
    const end = punctuationEnd(text, start, bits, false);
    if (end >= 0) return end;
    // 5-7. whitespace
    return progress(spacesEnd(text, start), start);
  },
};

/** The scanner for exactly this pattern, or undefined (the caller then keeps the regex). */
export function preTokenizerFor(pattern: string): PreTokenizer | undefined {
  if (pattern === O200K_PATTERN) return O200K_PRE_TOKENIZER;
  if (pattern === CL100K_PATTERN) return CL100K_PRE_TOKENIZER;
  return undefined;
}
