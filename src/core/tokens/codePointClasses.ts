/**
 * The Unicode classes the o200k and cl100k pre-tokenizer patterns test (`\p{Lu}`, `\p{Ll}`, `\p{Lt}`, `\p{Lm}`,
 * `\p{Lo}`, `\p{M}`, `\p{N}`, `\s`), one bit each, per code point. Each code point is classified once, the first time
 * it is seen, by the same JavaScript regular expressions the patterns use — so the answer is the one the engine's own
 * Unicode tables give, whatever Unicode version it ships — and remembered: BMP code points in a 64K table, the rest in
 * a map. Text of ASCII and a few scripts then costs one array read per character.
 */

export const UPPER = 1; // Lu
export const LOWER = 2; // Ll
export const TITLE = 4; // Lt
export const MODIFIER = 8; // Lm
export const OTHER_LETTER = 16; // Lo
export const MARK = 32; // M
export const NUMBER = 64; // N
export const SPACE = 128; // \s
/** Set on every classified entry, so 0 means "not classified yet". */
const KNOWN = 256;

export const LETTER = UPPER | LOWER | TITLE | MODIFIER | OTHER_LETTER;
/** `[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]`: o200k's leading (upper-case-like) letters. */
export const UPPERISH = UPPER | TITLE | MODIFIER | OTHER_LETTER | MARK;
/** `[\p{Ll}\p{Lm}\p{Lo}\p{M}]`: o200k's trailing (lower-case-like) letters. */
export const LOWERISH = LOWER | MODIFIER | OTHER_LETTER | MARK;

const TESTS: ReadonlyArray<readonly [RegExp, number]> = [
  [/^\p{Lu}$/u, UPPER],
  [/^\p{Ll}$/u, LOWER],
  [/^\p{Lt}$/u, TITLE],
  [/^\p{Lm}$/u, MODIFIER],
  [/^\p{Lo}$/u, OTHER_LETTER],
  [/^\p{M}$/u, MARK],
  [/^\p{N}$/u, NUMBER],
  [/^\s$/u, SPACE],
];

function classify(codePoint: number): number {
  // A lone surrogate is one code point to a `u` regex, and in no class: String.fromCodePoint keeps it lone.
  const text = String.fromCodePoint(codePoint);
  let bits = KNOWN;
  for (const [test, bit] of TESTS) if (test.test(text)) bits |= bit;
  return bits;
}

const bmp = new Uint16Array(0x10000);
const astral = new Map<number, number>();
/** Astral code points remembered at most (a text of every emoji and CJK extension stays well under it). */
const MAX_ASTRAL = 1 << 16;

/** The class bits of a BMP code unit (a surrogate code unit is classified as the lone surrogate it would be). */
export function unitClass(unit: number): number {
  const bits = bmp[unit];
  return bits !== 0 ? bits : (bmp[unit] = classify(unit));
}

/** The class bits of any code point. */
export function codePointClass(codePoint: number): number {
  if (codePoint < 0x10000) return unitClass(codePoint);
  let bits = astral.get(codePoint);
  if (bits === undefined) {
    bits = classify(codePoint);
    if (astral.size >= MAX_ASTRAL) astral.clear();
    astral.set(codePoint, bits);
  }
  return bits;
}
