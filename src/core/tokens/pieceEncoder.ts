import { BytePairMerger } from './bytePairMerge';
import { LongPieceCache, type LongPieceCacheOptions } from './longPieceCache';
import { PieceCountMemo, pieceHash } from './pieceCountMemo';
import { NUMBER, unitClass } from './codePointClasses';
import { preTokenizerFor, type PreTokenizer } from './preTokenizer';
import type { TokenPairRanks } from './tokenPairRanks';

/** Pieces up to this many characters are remembered by their text (words repeat); longer ones by LongPieceCache. */
const MAX_SHORT_PIECE_CHARS = 64;
/** Pieces up to this many bytes are merged directly by `tokenEnds`. */
const MAX_DIRECT_MERGE_BYTES = 8192;
/** Copies of a unit merged to find its run block (`runBlock`). */
const BLOCK_SAMPLE = 1024;
/** Long pieces are converted to UTF-8 in one reused buffer up to this size; a longer one gets its own. */
const MAX_SCRATCH_BYTES = 8 * 1024 * 1024;

/**
 * Encodes and counts text as js-tiktoken does — its pre-tokenizer pattern, its rank tables, its "a piece that is itself
 * a token is that token" rule — with the byte-pair merge of each remaining piece done by `BytePairMerger` (the same
 * merges in O(n log n) instead of js-tiktoken's O(n²) loop). There is no size below which js-tiktoken's loop is the
 * faster one: it builds a key string per pair per step, and per piece of random letters it was measured 4× slower at
 * 2 bytes, 10× at 16, 40× at 64 and 120× at 256 (CJK: 8×, 47×, 147×, 480×), so every piece that is not itself a
 * token goes through the merger.
 *
 * The text is split by a hand-written scanner equivalent to the pattern (`preTokenizer.ts`, ~5× faster than V8 running
 * the pattern) when the pattern is one it knows, else by the pattern itself. Short pieces' counts are remembered by
 * their text without slicing it out (`PieceCountMemo`), so a count of text whose pieces were seen before allocates
 * nothing per piece.
 *
 * Summing per-piece results is exactly js-tiktoken's encode: it splits the text with the same regex and encodes every
 * piece on its own; special-token text such as `<|endoftext|>` is ordinary text here, as in `encode(text, [], [])`.
 */
export class PieceEncoder {
  private readonly pieces: RegExp;
  private readonly scanner: PreTokenizer | undefined;
  private readonly merger: BytePairMerger;
  private readonly ranks: TokenPairRanks;
  private readonly longPieces: LongPieceCache;
  private readonly shortCounts = new PieceCountMemo();
  private readonly utf8 = new TextEncoder();
  /** UTF-8 of one short piece (≤ 3 bytes per UTF-16 unit). */
  private readonly scratch = new Uint8Array(3 * MAX_SHORT_PIECE_CHARS);
  /**
   * UTF-8 of one long piece, reused: `TextEncoder.encode` allocates a fresh buffer per call, which for a 370 KB piece
   * measured 3.1 ms against 0.5 ms for `encodeInto` a reused one. LongPieceCache copies what it keeps.
   */
  private longScratch = new Uint8Array(0);
  private readonly blocks = new Map<number, number | undefined>();

  constructor(pattern: string, ranks: TokenPairRanks, longPieces: LongPieceCacheOptions = {}) {
    this.pieces = new RegExp(withoutCaptures(pattern), 'gu');
    this.scanner = preTokenizerFor(pattern);
    this.ranks = ranks;
    this.merger = new BytePairMerger(ranks);
    this.longPieces = new LongPieceCache(this.merger, longPieces);
  }

  /** True when the text is split by a hand-written scanner (the o200k or cl100k pattern), not by the regex. */
  get hasScanner(): boolean {
    return this.scanner !== undefined;
  }

  count(text: string): number {
    let total = 0;
    const scanner = this.scanner;
    if (scanner) {
      for (let start = 0; start < text.length;) {
        const end = scanner.pieceEnd(text, start);
        total += this.pieceCount(text, start, end);
        start = end;
      }
      return total;
    }
    const pieces = this.pieces;
    pieces.lastIndex = 0;
    for (let match = pieces.exec(text); match !== null; match = pieces.exec(text)) {
      total += this.pieceCount(text, pieces.lastIndex - match[0].length, pieces.lastIndex);
    }
    return total;
  }

  encode(text: string): number[] {
    const out: number[] = [];
    const add = (piece: string) => {
      const bytes = this.utf8.encode(piece);
      const whole = this.wholeToken(bytes);
      if (whole >= 0) out.push(whole);
      else for (const token of this.mergePiece(bytes)) out.push(token);
    };
    const scanner = this.scanner;
    if (scanner) {
      for (let start = 0; start < text.length;) {
        const end = scanner.pieceEnd(text, start);
        add(text.slice(start, end));
        start = end;
      }
      return out;
    }
    const pieces = this.pieces;
    pieces.lastIndex = 0;
    for (let match = pieces.exec(text); match !== null; match = pieces.exec(text)) add(match[0]);
    return out;
  }

  /** The UTF-8 byte end of every token of `encode(text)` (see Tokenizer.runs). Only with a scanner. */
  tokenEnds(text: string): Int32Array {
    const scanner = this.scanner;
    if (!scanner) throw new Error('tokenEnds needs the o200k or cl100k pre-tokenizer');
    const ends: number[] = [];
    let offset = 0;
    for (let start = 0; start < text.length;) {
      const end = scanner.pieceEnd(text, start);
      const bytes = this.utf8.encode(text.slice(start, end));
      if (this.wholeToken(bytes) >= 0) ends.push(offset + bytes.length);
      else {
        // A shortened run's piece is new after every keystroke (its neighbours change): merged directly, it costs less
        // than the long-piece cache's search for a piece it repeats.
        const encoding = bytes.length > MAX_DIRECT_MERGE_BYTES ? this.longPieces.encode(bytes) : this.merger.merge(bytes);
        for (const end of encoding.ends) ends.push(offset + end);
      }
      offset += bytes.length;
      start = end;
    }
    return Int32Array.from(ends);
  }

  /**
   * A block length for runs of `unit` (see Tokenizer.runs): two token ends of BPE(unit × SAMPLE) a whole number of
   * copies apart, away from the sample's ends, checked by merging V V. Remembered per unit (undefined included).
   */
  runBlock(unit: number): number | undefined {
    if (this.blocks.has(unit)) return this.blocks.get(unit);
    let block: number | undefined;
    if (!(unit >= 0xd800 && unit <= 0xdfff) && (unitClass(unit) & NUMBER) === 0) {
      const copy = this.utf8.encode(String.fromCharCode(unit));
      const width = copy.length;
      const repeated = (copies: number) => this.utf8.encode(String.fromCharCode(unit).repeat(copies));
      const { ends } = this.merger.merge(repeated(BLOCK_SAMPLE));
      const low = (BLOCK_SAMPLE * width) >> 2;
      const high = BLOCK_SAMPLE * width - low;
      const starts = [...ends].filter((end) => end >= low && end <= high && end % width === 0);
      search: for (let i = 0; i < starts.length; i++) {
        for (let j = i + 1; j < starts.length && j <= i + 8; j++) {
          const copies = (starts[j] - starts[i]) / width;
          if (this.merger.merge(repeated(2 * copies)).ends.includes(copies * width)) {
            block = copies;
            break search;
          }
        }
      }
    }
    this.blocks.set(unit, block);
    return block;
  }

  /** Tokens of the piece `text[start, end)`. */
  private pieceCount(text: string, start: number, end: number): number {
    const length = end - start;
    if (length > MAX_SHORT_PIECE_CHARS) {
      const bytes = this.longBytes(text.slice(start, end));
      return this.wholeToken(bytes) >= 0 ? 1 : this.longPieces.count(bytes);
    }
    const hash = pieceHash(text, start, end);
    let tokens = this.shortCounts.get(text, start, length, hash);
    if (tokens < 0) {
      const bytes = this.scratch.subarray(0, writeUtf8(text, start, end, this.scratch));
      tokens = this.wholeToken(bytes) >= 0 ? 1 : this.merger.count(bytes);
      this.shortCounts.set(text, start, length, hash, tokens);
    }
    return tokens;
  }

  /** The UTF-8 of a long piece, in `longScratch` (valid until the next call). */
  private longBytes(piece: string): Uint8Array {
    const most = 3 * piece.length;
    if (most > MAX_SCRATCH_BYTES) return this.utf8.encode(piece);
    if (this.longScratch.length < most) this.longScratch = new Uint8Array(Math.max(most, 2 * this.longScratch.length));
    const { written } = this.utf8.encodeInto(piece, this.longScratch);
    return this.longScratch.subarray(0, written);
  }

  private mergePiece(bytes: Uint8Array): Int32Array {
    return bytes.length > 3 * MAX_SHORT_PIECE_CHARS ? this.longPieces.encode(bytes).tokens : this.merger.merge(bytes).tokens;
  }

  /** js-tiktoken's first step for every piece: a piece whose bytes are a token is that one token, merged or not (-1: not a token). */
  private wholeToken(bytes: Uint8Array): number {
    return this.ranks.rankOf(bytes);
  }
}

/**
 * Writes the UTF-8 of `text[start, end)` into `out` (≥ 3 bytes per unit) as `TextEncoder` does — a lone surrogate
 * becomes U+FFFD — without its per-call overhead, which dominates for a piece of a few characters; returns the length.
 */
export function writeUtf8(text: string, start: number, end: number, out: Uint8Array): number {
  let at = 0;
  for (let i = start; i < end; i++) {
    let unit = text.charCodeAt(i);
    if (unit < 0x80) {
      out[at++] = unit;
      continue;
    }
    if (unit < 0x800) {
      out[at++] = 0xc0 | (unit >> 6);
      out[at++] = 0x80 | (unit & 0x3f);
      continue;
    }
    if (unit >= 0xd800 && unit <= 0xdfff) {
      const low = i + 1 < end ? text.charCodeAt(i + 1) : 0;
      if (unit <= 0xdbff && low >= 0xdc00 && low <= 0xdfff) {
        const codePoint = ((unit - 0xd800) << 10) + (low - 0xdc00) + 0x10000;
        out[at++] = 0xf0 | (codePoint >> 18);
        out[at++] = 0x80 | ((codePoint >> 12) & 0x3f);
        out[at++] = 0x80 | ((codePoint >> 6) & 0x3f);
        out[at++] = 0x80 | (codePoint & 0x3f);
        i++;
        continue;
      }
      unit = 0xfffd;
    }
    out[at++] = 0xe0 | (unit >> 12);
    out[at++] = 0x80 | ((unit >> 6) & 0x3f);
    out[at++] = 0x80 | (unit & 0x3f);
  }
  return at;
}

/**
 * The pattern with its capturing groups made non-capturing (`(…)` → `(?:…)`): the same matches, since only the whole
 * match is read and the pattern has no back-references, but each match no longer allocates its groups' strings and
 * slots (js-tiktoken's contraction groups `('s|'t|…)`). A parenthesis escaped or inside a character class is left.
 */
export function withoutCaptures(pattern: string): string {
  if (/\\[1-9k]/.test(pattern)) return pattern; // a back-reference needs its group
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\') {
      out += ch + (pattern[i + 1] ?? '');
      i++;
      continue;
    }
    if (inClass) inClass = ch !== ']';
    else if (ch === '[') inClass = true;
    else if (ch === '(' && pattern[i + 1] !== '?') {
      out += '(?:';
      continue;
    }
    out += ch;
  }
  return out;
}
