import type { EncodingName } from '../models/modelInfo';

/** A loaded BPE encoding. Obtain one with `loadTokenizer(name)` from `./encodings` (lazy, cached). */
export interface Tokenizer {
  readonly encoding: EncodingName;
  encode(text: string): number[];
  count(text: string): number;
  /**
   * What counting a text with long runs of one character by arithmetic needs (see compressedRuns.ts). Present only
   * for the o200k and cl100k pre-tokenizers, whose run-length argument is written out there.
   */
  readonly runs?: RunCounting;
}

export interface RunCounting {
  /** The UTF-8 byte offset where each token of `encode(text)` ends (strictly increasing; the last is the byte length). */
  tokenEnds(text: string): Int32Array;
  /**
   * A block length L (in copies of `unit`) with BPE(V V) ending a token at |V|, V = UTF-8 of `unit` repeated L times —
   * or undefined when `unit` is not a character whose runs may be compressed (a digit, a surrogate) or no block was found.
   */
  runBlock(unit: number): number | undefined;
}
