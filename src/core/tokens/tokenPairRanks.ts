import type { MergeRanks } from './bytePairMerge';

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

  /**
   * Indexes js-tiktoken's compressed rank text (`bpe_ranks`: lines of `<prefix> <first rank> <base64 token> …`), each
   * token's base64 decoded straight into the pool: no per-token buffer or map, so the ~200k tokens of o200k leave no
   * garbage behind whose collection would stall the event loop (decoding them into a `Map` of buffers first cost a
   * mark-compact pause of its own). Two passes (sizes, then bytes), both in slices that yield to the event loop.
   */
  static async fromCompressedRanks(data: string): Promise<TokenPairRanks> {
    const sizes = { maxRank: 0, poolSize: 0, longest: 0, tokens: 0 };
    await forEachCompressedToken(data, (rank, start, end) => {
      checkRank(rank);
      const length = base64ByteLength(data, start, end);
      sizes.maxRank = Math.max(sizes.maxRank, rank);
      sizes.poolSize += length;
      sizes.longest = Math.max(sizes.longest, length);
      sizes.tokens++;
    });
    const ranks = new TokenPairRanks(sizes);
    let offset = 0;
    await forEachCompressedToken(data, (rank, start, end) => {
      const length = decodeBase64Into(ranks.pool, offset, data, start, end);
      ranks.add(rank, offset, length);
      offset += length;
    });
    return ranks.withByteRanks();
  }

  private constructor(sizes: { maxRank: number; poolSize: number; longest: number; tokens: number }) {
    this.maxTokenBytes = sizes.longest;
    this.pool = new Uint8Array(sizes.poolSize);
    this.starts = new Int32Array(sizes.maxRank + 1).fill(-1);
    this.lengths = new Int32Array(sizes.maxRank + 1);
    let slotCount = 1;
    while (slotCount < 2 * sizes.tokens) slotCount *= 2;
    this.slots = new Int32Array(slotCount);
    this.slotMask = slotCount - 1;
  }

  /** Indexes the token whose bytes are already in the pool at `offset`. */
  private add(rank: number, offset: number, length: number): void {
    if (this.starts[rank] !== -1) throw new Error(`Rank ${rank} appears twice: the rank table is corrupt.`);
    this.starts[rank] = offset;
    this.lengths[rank] = length;
    let slot = hashRange(FNV_OFFSET, this.pool, offset, offset + length) & this.slotMask;
    for (; this.slots[slot] !== 0; slot = (slot + 1) & this.slotMask) {
      const other = this.slots[slot] - 1;
      if (this.lengths[other] === length && this.poolEquals(this.starts[other], this.pool, offset, length)) {
        throw new Error(`Ranks ${other} and ${rank} are the same bytes: the rank table is corrupt.`);
      }
    }
    this.slots[slot] = rank + 1;
  }

  private withByteRanks(): this {
    for (let byte = 0; byte < 256; byte++) {
      const rank = this.rankOf(Uint8Array.of(byte));
      if (rank < 0) throw new Error(`Byte ${byte} has no rank: not a byte-level BPE encoding.`);
      this.byteRanks[byte] = rank;
    }
    return this;
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

function checkRank(rank: number): void {
  if (!(Number.isInteger(rank) && rank >= 0 && rank < RANK_SPACE)) throw new Error(`Rank ${rank} is outside 0..${RANK_SPACE - 1}.`);
}

function yieldToEventLoop(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * Calls `visit(rank, start, end)` for each token of js-tiktoken's compressed rank text, `data[start, end)` being its
 * base64 (the format its `Tiktoken` constructor reads: the first field of a line is ignored, the second is the rank of
 * the line's first token, the others follow in order). Yields to the event loop every TOKENS_PER_SLICE tokens.
 * Scanned with indexOf rather than split(' '): splitting o200k's one 2 MB line alone blocks for ~40 ms.
 */
async function forEachCompressedToken(data: string, visit: (rank: number, start: number, end: number) => void): Promise<void> {
  let sinceYield = 0;
  for (let lineStart = 0; lineStart < data.length;) {
    let lineEnd = data.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = data.length;
    const prefixEnd = data.indexOf(' ', lineStart);
    const offsetEnd = prefixEnd === -1 || prefixEnd >= lineEnd ? -1 : data.indexOf(' ', prefixEnd + 1);
    if (offsetEnd !== -1 && offsetEnd < lineEnd) {
      let rank = Number.parseInt(data.slice(prefixEnd + 1, offsetEnd), 10);
      for (let tokenStart = offsetEnd + 1; tokenStart < lineEnd; rank++) {
        let tokenEnd = data.indexOf(' ', tokenStart);
        if (tokenEnd === -1 || tokenEnd > lineEnd) tokenEnd = lineEnd;
        visit(rank, tokenStart, tokenEnd);
        tokenStart = tokenEnd + 1;
        if (++sinceYield === TOKENS_PER_SLICE) {
          sinceYield = 0;
          await yieldToEventLoop();
        }
      }
    }
    lineStart = lineEnd + 1;
  }
}

const BASE64_VALUES = (() => {
  const values = new Int8Array(128).fill(-1);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let i = 0; i < alphabet.length; i++) values[alphabet.charCodeAt(i)] = i;
  return values;
})();

/** Bytes that the padded base64 `data[start, end)` decodes to. */
function base64ByteLength(data: string, start: number, end: number): number {
  const length = end - start;
  if (length === 0 || length % 4 !== 0)
    throw new Error(`A token's base64 "${data.slice(start, end)}" is malformed: the rank table is corrupt.`);
  let padding = 0;
  if (data.charCodeAt(end - 1) === 61) padding = data.charCodeAt(end - 2) === 61 ? 2 : 1;
  return (length / 4) * 3 - padding;
}

/** Decodes the padded base64 `data[start, end)` into `into` at `at`; returns the bytes written. */
function decodeBase64Into(into: Uint8Array, at: number, data: string, start: number, end: number): number {
  const bytes = base64ByteLength(data, start, end);
  let out = at;
  for (let i = start; i < end; i += 4) {
    const a = base64Value(data, i);
    const b = base64Value(data, i + 1);
    const c = data.charCodeAt(i + 2) === 61 ? 0 : base64Value(data, i + 2);
    const d = data.charCodeAt(i + 3) === 61 ? 0 : base64Value(data, i + 3);
    const triple = (a << 18) | (b << 12) | (c << 6) | d;
    const last = at + bytes;
    into[out++] = triple >>> 16;
    if (out < last) into[out++] = (triple >>> 8) & 0xff;
    if (out < last) into[out++] = triple & 0xff;
  }
  return bytes;
}

function base64Value(data: string, index: number): number {
  const code = data.charCodeAt(index);
  const value = code < 128 ? BASE64_VALUES[code] : -1;
  if (value < 0) throw new Error(`Character ${JSON.stringify(data[index])} is not base64: the rank table is corrupt.`);
  return value;
}
