import type { MergeRanks } from './bytePairMerge';

/** js-tiktoken's two tables: `"b1,b2,…"` (a token's bytes joined by commas) → rank, and rank → bytes. */
export interface RankTables {
  readonly rankMap: Map<string, number>;
  readonly textMap: Map<number, Uint8Array>;
}

/** `bytePairMerge` packs a rank with a start offset into one double: ranks must stay below this (o200k has ~200k). */
const RANK_SPACE = 2 ** 21;
/** Open-addressing slots for remembered pairs: 2^18 slots × 12 bytes = 3 MB per encoding; cleared when half full. */
const SLOT_BITS = 18;
const SLOTS = 1 << SLOT_BITS;
const MAX_FILLED = SLOTS >> 1;
const EMPTY = -1;

/**
 * `MergeRanks` over js-tiktoken's own tables. A merge asks for the rank of two adjacent tokens' concatenation; the
 * answer depends only on the two tokens (a token is its bytes), so it is remembered per (left, right) pair in a
 * fixed-size hash table: runs like `xxxx…` or `====…` ask the same few pairs millions of times. Misses build the
 * concatenation's key the way js-tiktoken does and look it up in its rank map.
 */
export class TokenPairRanks implements MergeRanks {
  readonly byteRanks = new Int32Array(256);
  private readonly lefts = new Int32Array(SLOTS).fill(EMPTY);
  private readonly rights = new Int32Array(SLOTS);
  private readonly ranks = new Int32Array(SLOTS);
  private filled = 0;

  constructor(private readonly tables: RankTables) {
    for (let byte = 0; byte < 256; byte++) {
      const rank = tables.rankMap.get(String(byte));
      if (rank === undefined) throw new Error(`Byte ${byte} has no rank: not a byte-level BPE encoding.`);
      this.byteRanks[byte] = rank;
    }
    for (const rank of tables.textMap.keys()) {
      if (!(rank >= 0 && rank < RANK_SPACE)) throw new Error(`Rank ${rank} is outside 0..${RANK_SPACE - 1}.`);
    }
  }

  pairRank(left: number, right: number): number {
    const mask = SLOTS - 1;
    // Multiplicative hashing of the pair; linear probing.
    let slot = (Math.imul(left, 0x9e3779b1) ^ Math.imul(right, 0x85ebca77)) >>> (32 - SLOT_BITS);
    for (;;) {
      const stored = this.lefts[slot];
      if (stored === EMPTY) break;
      if (stored === left && this.rights[slot] === right) return this.ranks[slot];
      slot = (slot + 1) & mask;
    }
    const rank = this.lookup(left, right);
    if (this.filled >= MAX_FILLED) {
      this.lefts.fill(EMPTY);
      this.filled = 0;
      slot = (Math.imul(left, 0x9e3779b1) ^ Math.imul(right, 0x85ebca77)) >>> (32 - SLOT_BITS);
    }
    this.lefts[slot] = left;
    this.rights[slot] = right;
    this.ranks[slot] = rank;
    this.filled++;
    return rank;
  }

  private lookup(left: number, right: number): number {
    const a = this.tables.textMap.get(left);
    const b = this.tables.textMap.get(right);
    if (!a || !b) throw new Error(`Unknown token ${a ? right : left} in a byte-pair merge.`);
    return this.tables.rankMap.get(`${a.join(',')},${b.join(',')}`) ?? -1;
  }
}
