/**
 * Token counts of short pieces, looked up by a range of the text being counted — no substring is made to look one up,
 * so counting a message allocates nothing per piece. The pieces' characters are copied into a pool, so a remembered
 * piece never keeps alive the (possibly large) text it came from.
 *
 * Bounded by generations: new pieces go into the young table; when it is full it becomes the old one and the
 * previous old table is dropped. A piece found in the old table is copied back into the young one, so the pieces a
 * stream of new messages keeps using (` the`, `,`, ` of`) survive every turnover, and a piece that is no longer used
 * is forgotten after two.
 */

/** Slots per table; at most half are filled, so probes stay short. */
const SLOT_BITS = 17;
const SLOTS = 1 << SLOT_BITS;
const MAX_ENTRIES = SLOTS >> 1;
/** UTF-16 units of piece text per table (pieces average ~5). */
const POOL_UNITS = 1 << 19;

/** The hash the memo expects for `text[start, end)` (FNV-1a over UTF-16 units). */
export function pieceHash(text: string, start: number, end: number): number {
  let hash = 0x811c9dc5;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash;
}

class Table {
  /** Piece length per slot; 0 = empty. */
  readonly lengths = new Uint8Array(SLOTS);
  readonly hashes = new Int32Array(SLOTS);
  readonly offsets = new Int32Array(SLOTS);
  readonly counts = new Int32Array(SLOTS);
  readonly pool = new Uint16Array(POOL_UNITS);
  entries = 0;
  poolUsed = 0;

  /** The slot holding the piece, or the empty slot where it would go (as `-1 - slot`). */
  find(text: string, start: number, length: number, hash: number): number {
    const { lengths, hashes, offsets, pool } = this;
    const mask = SLOTS - 1;
    for (let slot = (hash ^ (hash >>> SLOT_BITS)) & mask; ; slot = (slot + 1) & mask) {
      const stored = lengths[slot];
      if (stored === 0) return -1 - slot;
      if (stored === length && hashes[slot] === hash) {
        const offset = offsets[slot];
        let i = 0;
        while (i < length && pool[offset + i] === text.charCodeAt(start + i)) i++;
        if (i === length) return slot;
      }
    }
  }

  full(length: number): boolean {
    return this.entries >= MAX_ENTRIES || this.poolUsed + length > POOL_UNITS;
  }

  /** Stores the piece in the empty slot `slot` (the table must not be full). */
  put(slot: number, text: string, start: number, length: number, hash: number, count: number): void {
    const offset = this.poolUsed;
    for (let i = 0; i < length; i++) this.pool[offset + i] = text.charCodeAt(start + i);
    this.poolUsed += length;
    this.lengths[slot] = length;
    this.hashes[slot] = hash;
    this.offsets[slot] = offset;
    this.counts[slot] = count;
    this.entries++;
  }

  clear(): void {
    this.lengths.fill(0);
    this.entries = 0;
    this.poolUsed = 0;
  }
}

export class PieceCountMemo {
  /** Longest piece remembered, in UTF-16 units. */
  static readonly MAX_PIECE_UNITS = 255;
  private young = new Table();
  private old: Table | undefined;

  /** Pieces remembered (both generations). */
  get size(): number {
    return this.young.entries + (this.old?.entries ?? 0);
  }

  /** The count remembered for `text[start, start + length)` (whose `pieceHash` is `hash`), or -1. */
  get(text: string, start: number, length: number, hash: number): number {
    const young = this.young;
    const slot = young.find(text, start, length, hash);
    if (slot >= 0) return young.counts[slot];
    const old = this.old;
    if (old === undefined) return -1;
    const oldSlot = old.find(text, start, length, hash);
    if (oldSlot < 0) return -1;
    const count = old.counts[oldSlot];
    this.insert(text, start, length, hash, count, slot);
    return count;
  }

  /** Remembers `count` for a piece `get` just returned -1 for (pieces over MAX_PIECE_UNITS are not kept). */
  set(text: string, start: number, length: number, hash: number, count: number): void {
    if (length > PieceCountMemo.MAX_PIECE_UNITS) return;
    this.insert(text, start, length, hash, count, this.young.find(text, start, length, hash));
  }

  private insert(text: string, start: number, length: number, hash: number, count: number, found: number): void {
    if (found >= 0) return;
    let young = this.young;
    let slot = -1 - found;
    if (young.full(length)) {
      const recycled = this.old ?? new Table();
      recycled.clear();
      this.old = young;
      this.young = young = recycled;
      slot = -1 - young.find(text, start, length, hash);
    }
    young.put(slot, text, start, length, hash, count);
  }
}
