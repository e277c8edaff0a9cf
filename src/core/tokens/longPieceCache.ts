import type { BytePairMerger, PieceEncoding } from './bytePairMerge';
import { RunTiler, type PeriodicRun, type RunTilingOptions } from './periodicRuns';
import { encodeByTiling, type EncodedPiece, type Match } from './pieceTiling';

/**
 * Encodings of long pieces, remembered by a hash of their bytes (checked byte for byte on a hit) within a memory
 * budget, and reused across edits: a piece that shares long runs with a recently encoded one keeps that piece's tokens
 * over those runs and re-merges only small windows between them, with a check that proves the result exact
 * (pieceTiling.ts). The windows widen when a check fails, up to 1 KB of context; past that, and for any piece that is
 * mostly long periodic runs, the piece is encoded by its runs (periodicRuns.ts: a block per run and small windows,
 * also proved exact), which is a plain merge when it has no long run.
 *
 * Two ways a piece repeats an old one are tried: at the same offsets (a common prefix and suffix: typing inside a long
 * line), and with the old piece's start moved to just after the change (a prefix of the old piece reappearing a few
 * bytes later). The second is what keeps uniform runs local: in `xxxx…` a token grid starts where the run starts, so a
 * letter typed in the middle re-aligns every token after it — the tail is then the old piece's start, re-used.
 */

/** Encoded bytes kept for reuse: at most this many bytes of pieces plus 8 bytes per token, per encoding. */
const MAX_CACHED_BYTES = 24 * 1024 * 1024;
const MAX_ENTRIES = 512;
/**
 * Mostly periodic pieces longer than this are not remembered (see `entryFor`); they are tiled again when seen again.
 * Below it a copy is cheap (ordinary heap memory) and a remembered piece is also a candidate for `reuseEdited`.
 */
const MAX_REMEMBERED_PERIODIC_BYTES = 64 * 1024;
/** Remembered pieces compared with a new piece to find one it repeats (the most recently used). */
const REUSE_CANDIDATES = 8;
/**
 * Bytes at each end of a piece by which remembered pieces are also found: an edit inside a long piece leaves its first
 * or its last bytes as they were, so the piece it edits is found however long ago it was counted (the incremental
 * counter counts a line once, then the keystrokes come much later).
 */
const EDGE_BYTES = 48;
/** Widest context tried when reusing a piece; past it, a local change is not local and the piece is encoded anew. */
const WIDE_CONTEXT_BYTES = 1024;
/** Bytes of old tokens between a change and the kept runs (and as context) in the first try; doubled after a failed check. */
const FIRST_CONTEXT_BYTES = 64;

/** A remembered piece: its bytes, its token count, and its tokens (possibly written out only when read). */
interface Entry extends EncodedPiece {
  readonly count: number;
}

/** Limits, adjustable for tests. */
export interface LongPieceCacheOptions extends RunTilingOptions {
  maxCachedBytes?: number;
  firstContextBytes?: number;
  /** Mostly periodic pieces longer than this are tiled on every count instead of remembered (tests lower it). */
  maxRememberedPeriodicBytes?: number;
}

export class LongPieceCache {
  private readonly entries = new Map<string, Entry>();
  /** The most recent remembered piece by a hash of its first / last EDGE_BYTES bytes (pieces longer than 2 × that). */
  private readonly byHead = new Map<number, Entry>();
  private readonly byTail = new Map<number, Entry>();
  private bytesHeld = 0;
  private readonly maxCachedBytes: number;
  private readonly firstContextBytes: number;
  private readonly maxRememberedPeriodicBytes: number;
  private readonly runs: RunTiler;

  constructor(
    private readonly merger: BytePairMerger,
    options: LongPieceCacheOptions = {},
  ) {
    this.maxCachedBytes = options.maxCachedBytes ?? MAX_CACHED_BYTES;
    this.firstContextBytes = options.firstContextBytes ?? FIRST_CONTEXT_BYTES;
    this.maxRememberedPeriodicBytes = options.maxRememberedPeriodicBytes ?? MAX_REMEMBERED_PERIODIC_BYTES;
    this.runs = new RunTiler(merger, options);
  }

  /** Memory the remembered encodings take (piece bytes + 8 per token). */
  get cachedBytes(): number {
    return this.bytesHeld;
  }

  /** Remembered pieces. */
  get size(): number {
    return this.entries.size;
  }

  /** The encoding of `bytes` (the cache keeps its own copy: the caller may reuse the buffer). */
  encode(bytes: Uint8Array): PieceEncoding {
    return this.entryFor(bytes);
  }

  /** `encode(bytes).tokens.length`, without writing out the tokens of a tiled run. */
  count(bytes: Uint8Array): number {
    return this.entryFor(bytes).count;
  }

  private entryFor(bytes: Uint8Array): Entry {
    const key = `${bytes.length}:${hashBytes(bytes)}`;
    const hit = this.entries.get(key);
    if (hit && equalBytes(hit.bytes, bytes)) {
      this.entries.delete(key); // re-insert: Map order is the eviction order (least recently used first)
      this.entries.set(key, hit);
      return hit;
    }
    // A piece that is mostly long periodic runs is tiled by them (a few small merges, whatever the edit); any other
    // new piece first tries to reuse a remembered one, then the run tiling (which is a plain merge without runs).
    const runs = this.runs.runsOf(bytes);
    if (runBytes(runs) >= bytes.length / 2) {
      // Tiling it again costs less than remembering it: a long piece is copied to be kept, and a fresh copy of a few
      // hundred KB (large-object memory, mapped and faulted in) measured 2-3 ms, against ~0.3 ms to tile 350 KB of
      // `xxxx…` from remembered blocks and windows. So a long, mostly periodic piece is tiled from the caller's
      // bytes (read, not kept) on every count, which is exact every time.
      if (bytes.length > this.maxRememberedPeriodicBytes) return this.runs.encode(bytes, runs);
      const entry = this.runs.encode(bytes.slice(), runs); // kept: the caller reuses its buffer
      this.remember(key, entry);
      return entry;
    }
    bytes = bytes.slice(); // a new entry keeps these bytes; the caller's buffer is reused for the next piece
    const reused = this.reuseEdited(bytes);
    const entry: Entry = reused
      ? { bytes, tokens: reused.tokens, ends: reused.ends, count: reused.tokens.length }
      : this.runs.encode(bytes, runs);
    this.remember(key, entry);
    return entry;
  }

  private remember(key: string, entry: Entry): void {
    const size = (entry: Entry) => entry.bytes.length + 8 * entry.count;
    const old = this.entries.get(key);
    if (old) {
      this.entries.delete(key);
      this.forgetEdges(old);
      this.bytesHeld -= size(old);
    }
    if (size(entry) > this.maxCachedBytes) return;
    for (const [oldest, evicted] of this.entries) {
      if (this.bytesHeld + size(entry) <= this.maxCachedBytes && this.entries.size < MAX_ENTRIES) break;
      this.entries.delete(oldest);
      this.forgetEdges(evicted);
      this.bytesHeld -= size(evicted);
    }
    this.entries.set(key, entry);
    this.bytesHeld += size(entry);
    if (entry.bytes.length > 2 * EDGE_BYTES) {
      this.byHead.set(headHash(entry.bytes), entry);
      this.byTail.set(tailHash(entry.bytes), entry);
    }
  }

  private forgetEdges(entry: Entry): void {
    if (entry.bytes.length <= 2 * EDGE_BYTES) return;
    const head = headHash(entry.bytes);
    if (this.byHead.get(head) === entry) this.byHead.delete(head);
    const tail = tailHash(entry.bytes);
    if (this.byTail.get(tail) === entry) this.byTail.delete(tail);
  }

  /** The most recently used pieces, then the ones that start or end with the same bytes as `bytes`. */
  private reuseCandidates(bytes: Uint8Array): Entry[] {
    const candidates = [...this.entries.values()].slice(-REUSE_CANDIDATES).reverse();
    if (bytes.length > 2 * EDGE_BYTES) {
      for (const entry of [this.byHead.get(headHash(bytes)), this.byTail.get(tailHash(bytes))]) {
        if (entry && !candidates.includes(entry)) candidates.push(entry);
      }
    }
    return candidates;
  }

  /** The encoding of `bytes` derived from a remembered piece it repeats, or undefined when none is close. */
  private reuseEdited(bytes: Uint8Array): PieceEncoding | undefined {
    const candidates: { entry: Entry; tilings: Match[][]; shared: number }[] = [];
    for (const entry of this.reuseCandidates(bytes)) {
      const candidate = tilingsFor(entry.bytes, bytes);
      // Worth it only when most of the piece is shared; otherwise a plain merge is as fast.
      if (candidate.shared >= bytes.length / 2) candidates.push({ entry, ...candidate });
    }
    if (candidates.length === 0) return undefined;
    // Most shared bytes first; on a tie, fewer kept runs (fewer windows to check).
    candidates.sort((a, b) => b.shared - a.shared || a.tilings[0].length - b.tilings[0].length);
    // Windows widen while they stay small. Where they would have to grow past that, the change re-aligned tokens far
    // from it (typing into a uniform run): the caller's run tiling handles those without merging the run.
    for (let context = this.firstContextBytes; context <= WIDE_CONTEXT_BYTES && context < 2 * bytes.length; context *= 2) {
      for (const { entry, tilings } of candidates) {
        for (const matches of tilings) {
          const encoding = encodeByTiling(this.merger, entry, bytes, matches, context);
          if (encoding) return encoding;
        }
      }
    }
    return undefined;
  }
}

/** How far after a change a run may restart (a typed character often merges with the run's first bytes). */
const MAX_RESTART_SHIFT = 16;
/** Longest repeating unit, in bytes, that a run is recognised by (a 4-byte emoji repeated, `-=` repeated…). */
const MAX_PERIOD = 8;

/**
 * Ways `bytes` repeats `old`: (1) its common prefix and common suffix with the old piece at the same offsets; (2) the
 * same prefix, then the bytes after the change matched from the start of the old run (`xxxx…`, `====`, `-=-=`) that
 * the change landed in, then the rest of the common suffix. In a run the token grid is anchored at the run's start,
 * so after a change inside it the tail is tokenized like the run's beginning, not like the same offsets before.
 * `shared` is the most bytes either keeps.
 */
function tilingsFor(old: Uint8Array, bytes: Uint8Array): { tilings: Match[][]; shared: number } {
  const prefix = commonPrefix(old, 0, bytes, 0);
  const suffix = commonSuffix(old, bytes, Math.min(old.length, bytes.length) - prefix);
  const head: Match[] = prefix > 0 ? [{ at: 0, from: 0, length: prefix }] : [];
  const tail = (length: number): Match[] => (length > 0 ? [{ at: bytes.length - length, from: old.length - length, length }] : []);
  const tilings: Match[][] = [];
  if (prefix + suffix > 0) tilings.push([...head, ...tail(suffix)]);
  let shared = prefix + suffix;

  const changeEnd = bytes.length - suffix; // in the new piece; the old piece's is old.length - suffix
  const restartFrom = runStart(old, old.length - suffix);
  if (restartFrom < old.length - suffix) {
    // The new run may start a few bytes after the change (the typed character merges with the run's first bytes).
    for (let at = changeEnd; at < Math.min(bytes.length, changeEnd + MAX_RESTART_SHIFT); at++) {
      const length = commonPrefix(old, restartFrom, bytes, at);
      if (length < MAX_RESTART_SHIFT) continue;
      const after = Math.min(suffix, bytes.length - at - length);
      tilings.push([...head, { at, from: restartFrom, length }, ...tail(after)]);
      shared = Math.max(shared, prefix + length + after);
    }
  }
  return { tilings, shared };
}

/**
 * Where the periodic run of `old` that reaches `offset` starts (its bytes repeat with some period of 1 to MAX_PERIOD
 * bytes), or `offset` when none does.
 */
function runStart(old: Uint8Array, offset: number): number {
  let start = offset;
  for (let period = 1; period <= MAX_PERIOD && period <= offset; period++) {
    // old[s .. offset) repeats with this period back to s = offset - period - (matching bytes before).
    const repeats = commonSuffix(old.subarray(0, offset - period), old.subarray(period, offset), offset - period);
    if (repeats >= period) start = Math.min(start, offset - period - repeats);
  }
  return start;
}

/** Length of the common run of a[aStart..] and b[bStart..], up to `max` bytes; native compares 4 KB at a time. */
function commonPrefix(a: Uint8Array, aStart: number, b: Uint8Array, bStart: number, max = Infinity): number {
  const n = Math.min(a.length - aStart, b.length - bStart, max);
  const bufferA = Buffer.from(a.buffer, a.byteOffset, a.length);
  let i = 0;
  for (const block = 4096; i + block <= n && bufferA.compare(b, bStart + i, bStart + i + block, aStart + i, aStart + i + block) === 0;)
    i += block;
  while (i < n && a[aStart + i] === b[bStart + i]) i++;
  return i;
}

function commonSuffix(a: Uint8Array, b: Uint8Array, max: number): number {
  const bufferA = Buffer.from(a.buffer, a.byteOffset, a.length);
  let i = 0;
  for (
    const block = 4096;
    i + block <= max && bufferA.compare(b, b.length - i - block, b.length - i, a.length - i - block, a.length - i) === 0;
  )
    i += block;
  while (i < max && a[a.length - 1 - i] === b[b.length - 1 - i]) i++;
  return i;
}

function runBytes(runs: readonly PeriodicRun[]): number {
  let total = 0;
  for (const run of runs) total += run.end - run.start;
  return total;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

const headHash = (bytes: Uint8Array) => hashRange(bytes, 0, EDGE_BYTES);
const tailHash = (bytes: Uint8Array) => hashRange(bytes, bytes.length - EDGE_BYTES, bytes.length);

function hashRange(bytes: Uint8Array, start: number, end: number): number {
  let hash = 0x811c9dc5;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ bytes[i], 0x01000193);
  return hash >>> 0;
}

/** Bytes hashed per piece: long pieces hash a fixed sample, since a hit is compared byte for byte anyway. */
const HASHED_BYTES = 4096;

/** FNV-1a over the bytes, or over an evenly spread sample of a long piece: only picks the slot. */
function hashBytes(bytes: Uint8Array): number {
  let hash = 0x811c9dc5;
  const step = Math.max(1, Math.floor(bytes.length / HASHED_BYTES));
  for (let i = 0; i < bytes.length; i += step) hash = Math.imul(hash ^ bytes[i], 0x01000193);
  for (let i = Math.max(0, bytes.length - 64); i < bytes.length; i++) hash = Math.imul(hash ^ bytes[i], 0x01000193);
  return hash >>> 0;
}
