import type { BytePairMerger, PieceEncoding } from './bytePairMerge';

/**
 * The encoding of a piece that holds long periodic runs (`xxxx…`, `====…`, `-=-=…`, a line of spaces, a repeated
 * emoji), computed from merges of small windows around each run plus arithmetic, without merging the runs. Exact, by
 * the facts about BPE proved in pieceTiling.ts (Split and Glue) and one more:
 *
 *   Repeat.  If BPE(VV) has a token boundary at |V|, then BPE(V^k) = BPE(V) repeated k times, for every k ≥ 1.
 *            For k ≤ 2 it is the hypothesis (and Split). Given it up to k ≥ 2: Glue on V^(k-1) · V · V — BPE(V^k)
 *            has a boundary at |V^(k-1)|, BPE(VV) has one at |V| — gives BPE(V^(k+1)) boundaries at |V^(k-1)| and
 *            |V^k|; Split at |V^(k-1)| gives BPE(V^(k-1)) ++ BPE(VV), each with its boundaries at multiples of |V|.
 *
 * So a stretch K = V^k inside a run has known tokens (BPE(V), from the one merge of VV, repeated), with a token
 * boundary after every block. pieceTiling.ts's tiling theorem needs nothing else of a kept run: with the piece cut
 * as W0 K1 W1 … Kk Wk, each Kj = Yj Kj' Xj (Yj its first blocks, Xj its last), if every window merge
 * BPE(Xj Wj Yj+1) has token boundaries at |Xj| and |Xj Wj|, the piece's tokens are the windows' tokens between those
 * boundaries and the blocks' tokens. Here the window's extent is fixed first and the kept runs' edges are then chosen
 * among that merge's own boundaries (at a whole number of blocks from the run's block grid), which is the same
 * check, read the other way. When no edge qualifies, the margins widen, down to a plain merge of the whole piece.
 *
 * Where the block comes from does not matter for exactness (a heuristic: a merge of a sample of the run, cut at two
 * of its boundaries a whole number of periods apart); only the Repeat check on BPE(VV) and the window checks do.
 */

/** A maximal stretch bytes[start .. end) with bytes[i] === bytes[i + period] for start ≤ i < end - period. */
export interface PeriodicRun {
  start: number;
  end: number;
  period: number;
}

/** A block V of a run: copies of V start at every offset ≡ phase (mod period) inside the run. */
interface Block {
  /** Offset from the run's start (mod the period) where copies of V start. */
  offset: number;
  size: number;
  /** BPE(V): its tokens and their end offsets inside V. */
  tokens: Int32Array;
  ends: Int32Array;
}

/** Longest repeating unit, in bytes, a run is recognised by (a ZWJ emoji sequence is up to ~25 bytes). */
const MAX_PERIOD = 32;
/** Runs shorter than this are merged as part of a window: tiling them would not save work. */
const MIN_RUN_BYTES = 1024;
/** Bytes of a run merged to find a block; blocks from MIN_BLOCK_BYTES up to half of it are tried. */
const SAMPLE_BYTES = 2048;
const MIN_BLOCK_BYTES = 32;
const MAX_BLOCK_TRIES = 8;
/** Bytes of a run merged on each side (with its neighbours), beyond one block; quadrupled after a failed check. */
const FIRST_MARGIN_BYTES = 128;
/** Remembered blocks (by the run's unit and sample length). */
const MAX_BLOCKS = 64;
/**
 * Remembered window merges (by their bytes, up to MAX_WINDOW_BYTES each): an edit of a piece with many runs changes
 * one window, and the others are the same bytes as before.
 */
const MAX_WINDOWS = 256;
const MAX_WINDOW_BYTES = 4096;

export interface RunTilingOptions {
  /** Runs at least this long are tiled (tests lower it so js-tiktoken can check the result quickly). */
  minRunBytes?: number;
}

/** Tiles long periodic runs of a piece; other bytes are merged. Stateless apart from a small memo of blocks. */
export class RunTiler {
  private readonly blocks = new Map<string, Block | null>();
  private readonly windows = new Map<string, PieceEncoding>();
  private readonly minRunBytes: number;

  constructor(
    private readonly merger: BytePairMerger,
    options: RunTilingOptions = {},
  ) {
    this.minRunBytes = Math.max(4 * MAX_PERIOD, options.minRunBytes ?? MIN_RUN_BYTES);
  }

  /** The long periodic runs of `bytes` (to decide whether tiling them is worth it before `encode`). */
  runsOf(bytes: Uint8Array): PeriodicRun[] {
    return findPeriodicRuns(bytes, this.minRunBytes);
  }

  /**
   * BPE(bytes), exactly: its long periodic runs (`runs`, from `runsOf`) tiled, the rest merged; a plain merge when
   * there are none. The tokens of a tiled piece are only written out when read (`count` does not need them).
   */
  encode(bytes: Uint8Array, runs = this.runsOf(bytes)): TiledEncoding {
    const blocked: { run: PeriodicRun; block: Block }[] = [];
    for (const run of runs) {
      const block = this.blockFor(bytes, run);
      if (block) blocked.push({ run, block });
    }
    for (let margin = FIRST_MARGIN_BYTES; ; margin *= 4) {
      // A run is kept only where it leaves a whole block between its two margins (head and tail contexts).
      const usable = blocked.filter(({ run, block }) => run.end - run.start >= 2 * margin + 5 * block.size + run.period);
      if (usable.length === 0) return new TiledEncoding(bytes, [wholeWindow(this.merger.merge(bytes))]);
      const tiles = tileRuns((window) => this.mergeWindow(window), bytes, usable, margin);
      if (tiles) return new TiledEncoding(bytes, tiles);
    }
  }

  /** BPE(window), remembered for short windows: a remembered merge is the same bytes' merge, so just as exact. */
  private mergeWindow(window: Uint8Array): PieceEncoding {
    if (window.length > MAX_WINDOW_BYTES) return this.merger.merge(window);
    const key = Buffer.from(window.buffer, window.byteOffset, window.length).toString('latin1');
    let merged = this.windows.get(key);
    if (!merged) {
      merged = this.merger.merge(window);
      if (this.windows.size >= MAX_WINDOWS) this.windows.clear();
      this.windows.set(key, merged);
    }
    return merged;
  }

  /** The run's block, remembered by the bytes it depends on (the run's first period and the sample's length). */
  private blockFor(bytes: Uint8Array, run: PeriodicRun): Block | undefined {
    const sample = Math.min(run.end - run.start, SAMPLE_BYTES);
    const key = `${sample}:${Buffer.from(bytes.buffer, bytes.byteOffset + run.start, run.period).toString('latin1')}`;
    let block = this.blocks.get(key);
    if (block === undefined) {
      block = findBlock(this.merger, bytes.subarray(run.start, run.start + sample), run.period) ?? null;
      if (this.blocks.size >= MAX_BLOCKS) this.blocks.clear();
      this.blocks.set(key, block);
    }
    return block ?? undefined;
  }
}

/**
 * A block V of the run whose first `sample.length` bytes are `sample` (periodic with `period`) such that BPE(VV) has
 * a boundary at |V| (Repeat), or undefined. V is cut at two token boundaries of the sample's merge, away from its
 * ends, a whole number of periods apart.
 */
function findBlock(merger: BytePairMerger, sample: Uint8Array, period: number): Block | undefined {
  if (sample.length < 4 * MIN_BLOCK_BYTES) return undefined;
  const { ends } = merger.merge(sample);
  const low = sample.length >> 2;
  const high = sample.length - low;
  let first = 0;
  while (first < ends.length && ends[first] < low) first++;
  if (first >= ends.length) return undefined;
  const from = ends[first];
  let tries = 0;
  for (let j = first + 1; j < ends.length && ends[j] <= high && tries < MAX_BLOCK_TRIES; j++) {
    const size = ends[j] - from;
    if (size < MIN_BLOCK_BYTES || size % period !== 0) continue;
    tries++;
    const twice = new Uint8Array(2 * size);
    twice.set(sample.subarray(from, from + size));
    twice.set(sample.subarray(from, from + size), size);
    const merged = merger.merge(twice);
    const last = boundaryIndex(merged.ends, size);
    if (last >= 0) {
      return { offset: from % period, size, tokens: merged.tokens.slice(0, last + 1), ends: merged.ends.slice(0, last + 1) };
    }
  }
  return undefined;
}

/** One tile of the result: tokens [first, last) of a window merge, or a block repeated `count` times. */
type Tile =
  | { kind: 'window'; encoding: PieceEncoding; first: number; last: number; shift: number }
  | { kind: 'blocks'; block: Block; at: number; count: number };

/**
 * Windows between the kept runs, each merged once, from the previous kept run's tail context (a whole number of blocks
 * into it) to `margin` bytes and two blocks into the next run; the kept runs' edges are then chosen at that merge's
 * boundaries. A window's merge covers X W Y and maybe more bytes Z after Y; when it has a boundary after Y, Split
 * makes its tokens up to there BPE(X W Y), so its boundaries are the check's. Undefined when a window has no such
 * boundaries (the caller widens the margins).
 */
function tileRuns(
  merge: (window: Uint8Array) => PieceEncoding,
  bytes: Uint8Array,
  runs: { run: PeriodicRun; block: Block }[],
  margin: number,
): Tile[] | undefined {
  const tiles: Tile[] = [];
  let windowStart = 0;
  /** The kept run whose start is chosen and whose end is chosen in the next window. */
  let open: { keptStart: number; run: PeriodicRun; block: Block } | undefined;
  for (let i = 0; i <= runs.length; i++) {
    const next = runs[i] as { run: PeriodicRun; block: Block } | undefined;
    const windowEnd = next ? next.run.start + margin + 2 * next.block.size : bytes.length;
    const merged = merge(bytes.subarray(windowStart, windowEnd));
    const isBoundary = (offset: number) => offset === windowStart || boundaryIndex(merged.ends, offset - windowStart) >= 0;
    // X: the open kept run's last blocks, from the window's start (itself a block edge) to the first block edge that
    // the window's merge also ends a token at. That is where the kept run ends.
    let windowFrom = windowStart;
    if (open) {
      const { block, run } = open;
      let keptEnd = windowStart + block.size;
      while (keptEnd <= Math.min(run.end, windowEnd) && !isBoundary(keptEnd)) keptEnd += block.size;
      if (keptEnd > Math.min(run.end, windowEnd)) return undefined;
      tiles.push({ kind: 'blocks', block, at: open.keptStart, count: (keptEnd - open.keptStart) / block.size });
      windowFrom = keptEnd;
    }
    // Y: the next kept run's first block, from the last boundary of the merge where a copy of the block starts and the
    // merge ends a token one block later (the token grid of a run is anchored by what precedes it, so it is read from
    // the merge, not assumed).
    let windowTo = windowEnd;
    if (next) {
      const { block, run } = next;
      const lowest = Math.max(run.start, windowFrom);
      let keptStart = -1;
      for (let t = merged.ends.length - 1; t >= -1 && keptStart < 0; t--) {
        const edge = t < 0 ? windowStart : windowStart + merged.ends[t];
        if (edge < lowest) break;
        const copyStarts = (edge - run.start - block.offset) % run.period === 0;
        if (copyStarts && edge + block.size <= windowEnd && isBoundary(edge + block.size)) keptStart = edge;
      }
      if (keptStart < 0) return undefined;
      windowTo = keptStart;
      open = { keptStart, run, block };
    }
    if (windowTo > windowFrom) {
      const first = windowFrom === windowStart ? 0 : boundaryIndex(merged.ends, windowFrom - windowStart) + 1;
      const last = boundaryIndex(merged.ends, windowTo - windowStart) + 1;
      tiles.push({ kind: 'window', encoding: merged, first, last, shift: windowStart });
    }
    if (next) {
      // The next window starts at a block edge `margin` bytes (and two blocks) before the run's end, after Y.
      const { block, run } = next;
      const keptStart = open!.keptStart;
      windowStart = keptStart + Math.floor((run.end - margin - 2 * block.size - keptStart) / block.size) * block.size;
      if (windowStart < keptStart + block.size) return undefined; // Y and X would overlap
    }
  }
  return tiles;
}

const wholeWindow = (encoding: PieceEncoding): Tile => ({ kind: 'window', encoding, first: 0, last: encoding.tokens.length, shift: 0 });

/** A piece's encoding as tiles: its token count at once, its tokens and ends written out on first read. */
export class TiledEncoding implements PieceEncoding {
  readonly count: number;
  private written: PieceEncoding | undefined;

  constructor(
    readonly bytes: Uint8Array,
    private readonly tiles: readonly Tile[],
  ) {
    let count = 0;
    for (const tile of tiles) count += tile.kind === 'window' ? tile.last - tile.first : tile.count * tile.block.tokens.length;
    this.count = count;
  }

  get tokens(): Int32Array {
    return (this.written ??= this.write()).tokens;
  }

  get ends(): Int32Array {
    return (this.written ??= this.write()).ends;
  }

  private write(): PieceEncoding {
    const tiles = this.tiles;
    if (tiles.length === 1 && tiles[0].kind === 'window' && tiles[0].first === 0 && tiles[0].shift === 0) {
      const only = tiles[0].encoding;
      if (tiles[0].last === only.tokens.length) return only;
    }
    const tokens = new Int32Array(this.count);
    const ends = new Int32Array(this.count);
    let i = 0;
    for (const tile of tiles) {
      if (tile.kind === 'window') {
        const { encoding, first, last, shift } = tile;
        tokens.set(encoding.tokens.subarray(first, last), i);
        for (let t = first; t < last; t++) ends[i++] = encoding.ends[t] + shift;
      } else {
        const { block, at, count: copies } = tile;
        const perBlock = block.tokens.length;
        tokens.set(block.tokens, i);
        for (let t = 0; t < perBlock; t++) ends[i + t] = block.ends[t] + at;
        // Each further copy is the previous one shifted by a block.
        for (let t = i + perBlock, stop = i + copies * perBlock; t < stop; t++) {
          tokens[t] = tokens[t - perBlock];
          ends[t] = ends[t - perBlock] + block.size;
        }
        i += copies * perBlock;
      }
    }
    return { tokens, ends };
  }
}

/**
 * The maximal periodic stretches of `bytes` at least `minBytes` long, in order and disjoint. A run that long contains
 * one of the sampled offsets (every `minBytes / 2`) with room for its period test, so none is missed; each found run is
 * then extended both ways with native compares.
 */
export function findPeriodicRuns(bytes: Uint8Array, minBytes: number): PeriodicRun[] {
  const runs: PeriodicRun[] = [];
  const n = bytes.length;
  const stride = Math.max(1, (minBytes >> 1) - 2 * MAX_PERIOD);
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  let floor = 0; // runs are disjoint: a new one starts at or after the last one's end
  for (let at = 0; at + 2 * MAX_PERIOD + MAX_PERIOD <= n; at += stride) {
    if (at < floor) continue;
    const period = periodAt(bytes, at);
    if (period === 0) continue;
    let start = at;
    while (start > floor && bytes[start - 1] === bytes[start - 1 + period]) start--;
    const end = at + extendPeriodic(buffer, at, period);
    if (end - start >= minBytes) runs.push({ start, end, period });
    floor = end;
  }
  return runs;
}

/** The smallest period p ≤ MAX_PERIOD with bytes[at + i] === bytes[at + i + p] for i < 2 * MAX_PERIOD, or 0. */
function periodAt(bytes: Uint8Array, at: number): number {
  for (let period = 1; period <= MAX_PERIOD; period++) {
    let i = 0;
    while (i < 2 * MAX_PERIOD && bytes[at + i] === bytes[at + i + period]) i++;
    if (i === 2 * MAX_PERIOD) return period;
  }
  return 0;
}

/** Length of the periodic stretch from `at`: the bytes up to the first i ≥ at + period with bytes[i] ≠ bytes[i - period]. */
function extendPeriodic(buffer: Buffer, at: number, period: number): number {
  const n = buffer.length;
  let i = at + period;
  // Compare [i, i + block) with [i - period, i - period + block) natively while they agree.
  for (const block = 4096; i + block <= n && buffer.compare(buffer, i - period, i - period + block, i, i + block) === 0;) i += block;
  while (i < n && buffer[i] === buffer[i - period]) i++;
  return i - at;
}

/** Index of the token ending exactly at offset, or -1 when no token boundary is there. */
function boundaryIndex(ends: Int32Array, offset: number): number {
  let lo = 0;
  let hi = ends.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (ends[mid] === offset) return mid;
    if (ends[mid] < offset) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
