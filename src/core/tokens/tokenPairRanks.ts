import type { MergeRanks } from './bytePairMerge';

/** An encoding's tokens: rank → bytes (js-tiktoken's `textMap`, from its rank files). */
export interface RankTables {
  readonly textMap: Map<number, Uint8Array>;
}

/** `bytePairMerge` packs a rank with a start offset into one double: ranks must stay below this (o200k has ~200k). */
const RANK_SPACE = 2 ** 21;
/** Open-addressing slots for remembered pairs: 2^18 slots × 12 bytes = 3 MB per encoding; cleared when half full. */
const PAIR_SLOT_BITS = 18;
const PAIR_SLOTS = 1 << PAIR_SLOT_BITS;
const MAX_FILLED_PAIRS = PAIR_SLOTS >> 1;
const EMPTY = -1;
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const TOKENS_PER_SLICE = 8192;

/**
 * Rank lookups by bytes, without js-tiktoken's `"b1,b2,…"` key strings (building one per lookup was most of its
 * time): every token's bytes are copied into one pool and indexed by an FNV-1a hash; a probe compares bytes, so the
 * answer is exact, and two ranks with the same bytes (which would make "the" rank ambiguous) are refused.
 * A merge asks for the rank of two adjacent tokens' concatenation; that depends only on the two tokens, so answers
 * are also remembered per (left, right) pair: runs like `xxxx…` or `====…` ask the same few pairs millions of times.
 */
export class TokenPairRanks implements MergeRanks {
  readonly byteRanks = new Int32Array(256);
  /** Longest token, in bytes. */
  readonly maxTokenBytes: number;
  private readonly pool: Uint8Array;
  private readonly starts: Int32Array; // by rank; -1 for a rank that is not a token
  private readonly lengths: Int32Array;
  private readonly slots: Int32Array; // rank + 1 per slot, 0 = empty
  private readonly slotMask: number;
  private readonly pairLefts = new Int32Array(PAIR_SLOTS).fill(EMPTY);
  private readonly pairRights = new Int32Array(PAIR_SLOTS);
  private readonly pairAnswers = new Int32Array(PAIR_SLOTS);
  private filledPairs = 0;

  /** Indexes `tables` in slices of TOKENS_PER_SLICE that yield to the event loop (o200k has 200k tokens). */
  static async build(tables: RankTables): Promise<TokenPairRanks> {
    const ranks = new TokenPairRanks(tables);
    let sinceYield = 0;
    let offset = 0;
    for (const [rank, bytes] of tables.textMap) {
      ranks.add(rank, bytes, offset);
      offset += bytes.length;
      if (++sinceYield === TOKENS_PER_SLICE) {
        sinceYield = 0;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    for (let byte = 0; byte < 256; byte++) {
      const rank = ranks.rankOf(Uint8Array.of(byte));
      if (rank < 0) throw new Error(`Byte ${byte} has no rank: not a byte-level BPE encoding.`);
      ranks.byteRanks[byte] = rank;
    }
    return ranks;
  }

  private constructor(tables: RankTables) {
    let maxRank = 0;
    let poolSize = 0;
    let longest = 0;
    for (const [rank, bytes] of tables.textMap) {
      if (!(Number.isInteger(rank) && rank >= 0 && rank < RANK_SPACE)) throw new Error(`Rank ${rank} is outside 0..${RANK_SPACE - 1}.`);
      maxRank = Math.max(maxRank, rank);
      poolSize += bytes.length;
      longest = Math.max(longest, bytes.length);
    }
    this.maxTokenBytes = longest;
    this.pool = new Uint8Array(poolSize);
    this.starts = new Int32Array(maxRank + 1).fill(-1);
    this.lengths = new Int32Array(maxRank + 1);
    let slotCount = 1;
    while (slotCount < 2 * tables.textMap.size) slotCount *= 2;
    this.slots = new Int32Array(slotCount);
    this.slotMask = slotCount - 1;
  }

  private add(rank: number, bytes: Uint8Array, offset: number): void {
    this.pool.set(bytes, offset);
    this.starts[rank] = offset;
    this.lengths[rank] = bytes.length;
    let slot = hashRange(FNV_OFFSET, bytes, 0, bytes.length) & this.slotMask;
    for (; this.slots[slot] !== 0; slot = (slot + 1) & this.slotMask) {
      const other = this.slots[slot] - 1;
      if (this.lengths[other] === bytes.length && this.poolEquals(this.starts[other], bytes, 0, bytes.length)) {
        throw new Error(`Ranks ${other} and ${rank} are the same bytes: the rank table is corrupt.`);
      }
    }
    this.slots[slot] = rank + 1;
  }

  /** Rank of exactly these bytes, or -1 when they are not a token. */
  rankOf(bytes: Uint8Array): number {
    if (bytes.length > this.maxTokenBytes) return -1;
    for (let slot = hashRange(FNV_OFFSET, bytes, 0, bytes.length) & this.slotMask; ; slot = (slot + 1) & this.slotMask) {
      const entry = this.slots[slot];
      if (entry === 0) return -1;
      if (this.lengths[entry - 1] === bytes.length && this.poolEquals(this.starts[entry - 1], bytes, 0, bytes.length)) return entry - 1;
    }
  }

  pairRank(left: number, right: number): number {
    const mask = PAIR_SLOTS - 1;
    // Multiplicative hashing of the pair; linear probing.
    let slot = (Math.imul(left, 0x9e3779b1) ^ Math.imul(right, 0x85ebca77)) >>> (32 - PAIR_SLOT_BITS);
    for (;;) {
      const stored = this.pairLefts[slot];
      if (stored === EMPTY) break;
      if (stored === left && this.pairRights[slot] === right) return this.pairAnswers[slot];
      slot = (slot + 1) & mask;
    }
    const rank = this.concatenationRank(left, right);
    if (this.filledPairs >= MAX_FILLED_PAIRS) {
      this.pairLefts.fill(EMPTY);
      this.filledPairs = 0;
      slot = (Math.imul(left, 0x9e3779b1) ^ Math.imul(right, 0x85ebca77)) >>> (32 - PAIR_SLOT_BITS);
    }
    this.pairLefts[slot] = left;
    this.pairRights[slot] = right;
    this.pairAnswers[slot] = rank;
    this.filledPairs++;
    return rank;
  }

  /** Rank of bytes(left) + bytes(right), found in the index without concatenating them. */
  private concatenationRank(left: number, right: number): number {
    const aStart = this.starts[left];
    const bStart = this.starts[right];
    if (aStart < 0 || bStart < 0) throw new Error(`Unknown token ${aStart < 0 ? left : right} in a byte-pair merge.`);
    const aLength = this.lengths[left];
    const bLength = this.lengths[right];
    const length = aLength + bLength;
    if (length > this.maxTokenBytes) return -1;
    const pool = this.pool;
    const hash = hashRange(hashRange(FNV_OFFSET, pool, aStart, aStart + aLength), pool, bStart, bStart + bLength);
    for (let slot = hash & this.slotMask; ; slot = (slot + 1) & this.slotMask) {
      const entry = this.slots[slot];
      if (entry === 0) return -1;
      const rank = entry - 1;
      if (
        this.lengths[rank] === length &&
        this.poolEquals(this.starts[rank], pool, aStart, aLength) &&
        this.poolEquals(this.starts[rank] + aLength, pool, bStart, bLength)
      ) {
        return rank;
      }
    }
  }

  /** pool[at .. at + length) equals bytes[from .. from + length). */
  private poolEquals(at: number, bytes: Uint8Array, from: number, length: number): boolean {
    const pool = this.pool;
    for (let i = 0; i < length; i++) if (pool[at + i] !== bytes[from + i]) return false;
    return true;
  }
}

function hashRange(seed: number, bytes: Uint8Array, start: number, end: number): number {
  let hash = seed;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ bytes[i], FNV_PRIME);
  return hash >>> 0;
}
