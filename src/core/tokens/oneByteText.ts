/**
 * V8 stores a string either one byte per character (when every character is Latin-1, U+0000–U+00FF) or two. Which
 * one a string gets depends on how it was made, not on what it holds: a slice or a concatenation of a two-byte string
 * stays two-byte even when every character of it is Latin-1. So one emoji typed into a long run of `x`, or anywhere
 * in a document the counter was built from, leaves every chunk cut from that text two-byte after it is deleted or
 * cut off. On a two-byte string the pre-tokenizer regex (Unicode property classes, `u` flag) is 15–30× slower (a
 * 500 K-character run of `x`: 0.5 ms one-byte, 15 ms two-byte, measured with Node 20), and its UTF-8 conversion and
 * flattening move twice the bytes. The counter therefore keeps each chunk one-byte whenever its text allows.
 */

/** Any UTF-16 unit above U+00FF (surrogates included; no `u` flag, so units, not code points). */
const NOT_LATIN1 = /[\u0100-\uffff]/;
/** Reused for the copy (grown as needed): `Buffer.from` would allocate a buffer per call. */
let scratch = Buffer.alloc(0);

/** True when every UTF-16 unit of `text` is Latin-1 (V8 answers at once for a one-byte string). */
export function isLatin1(text: string): boolean {
  return !NOT_LATIN1.test(text);
}

/**
 * `text` stored one byte per character: the same characters, copied through Latin-1 bytes (exact for Latin-1
 * text, which is all this is called with). V8 builds the string from the bytes as one-byte.
 */
export function oneByteCopy(text: string): string {
  if (scratch.length < text.length) scratch = Buffer.alloc(Math.max(text.length, 2 * scratch.length));
  const written = scratch.write(text, 0, 'latin1');
  return scratch.toString('latin1', 0, written);
}
