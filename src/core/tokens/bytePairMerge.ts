/**
 * Byte-pair merging of one pre-tokenizer piece in O(n log n), with exactly tiktoken's merge order.
 *
 * tiktoken (and js-tiktoken) encode a piece by starting from single bytes and repeatedly merging the adjacent pair of
 * parts whose concatenated bytes have the lowest rank, the leftmost such pair on a tie, until no adjacent pair is a
 * token. js-tiktoken rescans every pair after each merge: O(n²) per piece, seconds for a 5,000-letter line and hours
 * for a 1 MB one. Here the candidate pairs sit in a binary heap keyed by (rank, start byte), so each step pops the
 * same pair the rescan would pick, and the parts form a linked list over byte offsets.
 *
 * Why the heap pops exactly tiktoken's pair: every pair that becomes adjacent is pushed when it forms, so the heap
 * always holds every current candidate. A popped entry (rank, s) is current only if `pairRank[s] === rank`: the pair
 * starting at s only ever changes by growing (its left part absorbs its right one, or its right part absorbs the next)
 * or by s ceasing to start a part, and a longer byte string has a different rank (ranks name distinct byte strings),
 * so a stale entry can never match again. Among current candidates the heap order is (rank, start), which is
 * tiktoken's "lowest rank, then leftmost". Ranks are below 2^21 and starts below 2^32, so `rank * 2^32 + start` is an
 * exact double that orders like the pair.
 */

/** Rank lookups the merge needs: every single byte's rank and the rank of two tokens' concatenated bytes. */
export interface MergeRanks {
  /** Rank of each single byte (all 256 are tokens in tiktoken's byte-level encodings). */
  readonly byteRanks: Int32Array;
  /** Rank of `bytes(left) + bytes(right)`, or -1 when that concatenation is not a token. */
  pairRank(left: number, right: number): number;
}

/** A piece's encoding: token ids and, for each, the byte offset where it ends (strictly increasing, last = length). */
export interface PieceEncoding {
  readonly tokens: Int32Array;
  readonly ends: Int32Array;
}

const START_SPACE = 2 ** 32;
/** Pieces up to this many bytes reuse one set of work arrays; longer ones get their own, freed afterwards. */
const REUSED_BYTES = 1 << 16;

/** Work arrays for one merge: parts are identified by their start offset. */
interface MergeState {
  partEnd: Int32Array;
  partPrev: Int32Array;
  partToken: Int32Array;
  /** Rank of (part at s) + (the next part), or -1. */
  pairRank: Int32Array;
  heap: MinHeap;
}

function allocateState(bytes: number): MergeState {
  return {
    partEnd: new Int32Array(bytes),
    partPrev: new Int32Array(bytes),
    partToken: new Int32Array(bytes),
    pairRank: new Int32Array(bytes),
    heap: new MinHeap(bytes),
  };
}

/** Byte-pair encoder for one encoding: `merge(bytes)` is tiktoken's merge of one piece. Not reentrant. */
export class BytePairMerger {
  private reused: MergeState | undefined;

  constructor(readonly ranks: MergeRanks) {}

  /** Encodes `bytes` (one piece, or any byte string merged as one) with tiktoken's merge rule. */
  merge(bytes: Uint8Array): PieceEncoding {
    const n = bytes.length;
    if (n === 0) return { tokens: new Int32Array(0), ends: new Int32Array(0) };
    if (n >= START_SPACE) throw new RangeError(`A ${n}-byte piece is too long to encode.`);
    const state = n <= REUSED_BYTES ? (this.reused ??= allocateState(REUSED_BYTES)) : allocateState(n);
    const parts = this.run(bytes, state);
    const { partEnd, partToken } = state;
    const tokens = new Int32Array(parts);
    const ends = new Int32Array(parts);
    for (let s = 0, i = 0; s < n; s = partEnd[s], i++) {
      tokens[i] = partToken[s];
      ends[i] = partEnd[s];
    }
    return { tokens, ends };
  }

  /** `merge(bytes).tokens.length`, without building the result arrays. */
  count(bytes: Uint8Array): number {
    const n = bytes.length;
    if (n <= 1) return n;
    if (n > REUSED_BYTES) return this.merge(bytes).tokens.length;
    return this.run(bytes, (this.reused ??= allocateState(REUSED_BYTES)));
  }

  /** Runs the merges; returns how many parts (tokens) remain. */
  private run(bytes: Uint8Array, state: MergeState): number {
    const { ranks } = this;
    const { partEnd, partPrev, partToken, pairRank, heap } = state;
    const n = bytes.length;
    heap.size = 0;
    for (let s = 0; s < n; s++) {
      partEnd[s] = s + 1;
      partPrev[s] = s - 1;
      partToken[s] = ranks.byteRanks[bytes[s]];
    }
    for (let s = 0; s < n - 1; s++) {
      const rank = ranks.pairRank(partToken[s], partToken[s + 1]);
      pairRank[s] = rank;
      if (rank >= 0) heap.append(rank * START_SPACE + s);
    }
    pairRank[n - 1] = -1;
    heap.heapify();

    let parts = n;
    while (heap.size > 0) {
      const key = heap.pop();
      const rank = Math.floor(key / START_SPACE);
      const left = key - rank * START_SPACE;
      if (pairRank[left] !== rank) continue; // stale: this pair has since changed
      const right = partEnd[left];
      const end = partEnd[right];
      partToken[left] = rank;
      partEnd[left] = end;
      pairRank[right] = -1; // `right` no longer starts a part
      parts--;
      if (end < n) {
        partPrev[end] = left;
        const next = ranks.pairRank(rank, partToken[end]);
        pairRank[left] = next;
        if (next >= 0) heap.push(next * START_SPACE + left);
      } else {
        pairRank[left] = -1;
      }
      if (left > 0) {
        const prev = partPrev[left];
        const before = ranks.pairRank(partToken[prev], rank);
        pairRank[prev] = before;
        if (before >= 0) heap.push(before * START_SPACE + prev);
      }
    }
    return parts;
  }
}

/** A binary min-heap of doubles, growing as needed (lazy deletion pushes up to ~3n entries for an n-byte piece). */
class MinHeap {
  private items: Float64Array;
  size = 0;

  constructor(capacity: number) {
    this.items = new Float64Array(Math.max(16, capacity));
  }

  /** Adds without ordering; call `heapify` before the next push or pop. */
  append(value: number): void {
    if (this.size === this.items.length) this.grow();
    this.items[this.size++] = value;
  }

  heapify(): void {
    for (let i = (this.size >> 1) - 1; i >= 0; i--) this.siftDown(i, this.items[i]);
  }

  push(value: number): void {
    if (this.size === this.items.length) this.grow();
    const items = this.items;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (items[parent] <= value) break;
      items[i] = items[parent];
      i = parent;
    }
    items[i] = value;
  }

  pop(): number {
    const top = this.items[0];
    const last = this.items[--this.size];
    if (this.size > 0) this.siftDown(0, last);
    return top;
  }

  private siftDown(from: number, value: number): void {
    const items = this.items;
    const size = this.size;
    let i = from;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= size) break;
      if (child + 1 < size && items[child + 1] < items[child]) child++;
      if (items[child] >= value) break;
      items[i] = items[child];
      i = child;
    }
    items[i] = value;
  }

  private grow(): void {
    const grown = new Float64Array(this.items.length * 2);
    grown.set(this.items);
    this.items = grown;
  }
}
