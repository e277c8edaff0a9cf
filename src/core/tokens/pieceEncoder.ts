import { BytePairMerger } from './bytePairMerge';
import { LongPieceCache, type LongPieceCacheOptions } from './longPieceCache';
import type { TokenPairRanks } from './tokenPairRanks';

/** Pieces up to this many characters are remembered by their text (words repeat); longer ones by LongPieceCache. */
const MAX_SHORT_PIECE_CHARS = 64;
const MAX_SHORT_PIECES = 100_000;

/**
 * Encodes and counts text as js-tiktoken does — its pre-tokenizer regex, its rank tables, its "a piece that is itself
 * a token is that token" rule — with the byte-pair merge of each remaining piece done by `BytePairMerger` (the same
 * merges in O(n log n) instead of js-tiktoken's O(n²) loop). There is no size below which js-tiktoken's loop is the
 * faster one: it builds a key string per pair per step, and per piece of random letters it was measured 4× slower at
 * 2 bytes, 10× at 16, 40× at 64 and 120× at 256 (CJK: 8×, 47×, 147×, 480×), so every piece that is not itself a
 * token goes through the merger.
 *
 * Summing per-piece results is exactly js-tiktoken's encode: it splits the text with the same regex and encodes every
 * piece on its own; special-token text such as `<|endoftext|>` is ordinary text here, as in `encode(text, [], [])`.
 */
export class PieceEncoder {
  private readonly pieces: RegExp;
  private readonly merger: BytePairMerger;
  private readonly ranks: TokenPairRanks;
  private readonly longPieces: LongPieceCache;
  private readonly shortCounts = new Map<string, number>();
  private readonly utf8 = new TextEncoder();
  /** UTF-8 of one short piece (≤ 3 bytes per UTF-16 unit). */
  private readonly scratch = new Uint8Array(3 * MAX_SHORT_PIECE_CHARS);

  constructor(pattern: string, ranks: TokenPairRanks, longPieces: LongPieceCacheOptions = {}) {
    this.pieces = new RegExp(pattern, 'gu');
    this.ranks = ranks;
    this.merger = new BytePairMerger(ranks);
    this.longPieces = new LongPieceCache(this.merger, longPieces);
  }

  count(text: string): number {
    let total = 0;
    const pieces = this.pieces;
    pieces.lastIndex = 0;
    for (let match = pieces.exec(text); match !== null; match = pieces.exec(text)) {
      const piece = match[0];
      if (piece.length > MAX_SHORT_PIECE_CHARS) {
        const bytes = this.utf8.encode(piece);
        total += this.wholeToken(bytes) >= 0 ? 1 : this.longPieces.count(bytes);
        continue;
      }
      let tokens = this.shortCounts.get(piece);
      if (tokens === undefined) {
        tokens = this.countShort(piece);
        if (this.shortCounts.size >= MAX_SHORT_PIECES) this.shortCounts.clear();
        this.shortCounts.set(piece, tokens);
      }
      total += tokens;
    }
    return total;
  }

  encode(text: string): number[] {
    const out: number[] = [];
    const pieces = this.pieces;
    pieces.lastIndex = 0;
    for (let match = pieces.exec(text); match !== null; match = pieces.exec(text)) {
      const bytes = this.utf8.encode(match[0]);
      const whole = this.wholeToken(bytes);
      if (whole >= 0) out.push(whole);
      else for (const token of this.mergePiece(bytes)) out.push(token);
    }
    return out;
  }

  private countShort(piece: string): number {
    const { written } = this.utf8.encodeInto(piece, this.scratch);
    const bytes = this.scratch.subarray(0, written);
    return this.wholeToken(bytes) >= 0 ? 1 : this.merger.count(bytes);
  }

  private mergePiece(bytes: Uint8Array): Int32Array {
    return bytes.length > 3 * MAX_SHORT_PIECE_CHARS ? this.longPieces.encode(bytes).tokens : this.merger.merge(bytes).tokens;
  }

  /** js-tiktoken's first step for every piece: a piece whose bytes are a token is that one token, merged or not (-1: not a token). */
  private wholeToken(bytes: Uint8Array): number {
    return this.ranks.rankOf(bytes);
  }
}
