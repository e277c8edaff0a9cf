import type { BytePairMerger, PieceEncoding } from './bytePairMerge';

/**
 * The encoding of a piece that repeats long runs of a piece encoded before, without merging those runs again.
 *
 * Write BPE(t) for tiktoken's merge of a byte string t (see bytePairMerge.ts): start from single bytes, repeatedly
 * merge the adjacent pair with the lowest (rank, start). Two facts about it:
 *
 *   Split.  If BPE(t) has a token boundary at q, then BPE(t) = BPE(t[..q]) ++ BPE(t[q..]). No merge ever crossed q,
 *           and each merge on one side was the minimum over all candidates, so also over that side's: each side
 *           alone makes the same merges in the same order (shifting offsets keeps their order). So any run of
 *           tokens of BPE(t) is BPE of its own bytes.
 *   Glue.   For t = A X B with X non-empty: if BPE(AX) has a boundary at |A| and BPE(XB) has one at |X|, then BPE(AXB)
 *           has boundaries at |A| and |AX|. Suppose not, and take the first merge of BPE(AXB) that crosses one of
 *           them, say |A|. Until then the merges inside A and X are exactly the first merges of BPE(AX) (each was the
 *           global minimum, so also the minimum of AX's candidates, which include the pair across |A|). At that point
 *           the crossing pair, made of the same two parts in BPE(AX), is below every candidate of AX, so BPE(AX) would
 *           merge it too: a contradiction. The boundary |AX| is symmetric, with BPE(XB).
 *
 * Tiling. Let the new piece be W0 K1 W1 K2 … Kk Wk, where each kept run Kj is a run of old tokens (old bytes between
 * two old token boundaries, so BPE(Kj) is those tokens by Split) and the windows Wj are anything. Cut each Kj as
 * Yj Kj' Xj, with Yj (its first tokens) and Xj (its last tokens) non-empty, and merge each window with its context:
 * BPE(Xj Wj Yj+1) (X0 and Yk+1 empty). If every such merge has boundaries at |Xj| and |Xj Wj|, then
 *   BPE(new) = BPE(W0) ++ old(K1) ++ BPE(W1) ++ … ++ old(Kk) ++ BPE(Wk),
 * where BPE(Wj) is the window merge's tokens between those two boundaries (Split). Proof, from the right, of
 * "BPE(Xj Sj) has a boundary at |Xj| and BPE(Sj) is the tiles", Sj = Wj Kj+1 … Wk: for j = k it is the check.
 * Given it for j+1: Glue on (Yj+1 Kj+1')·Xj+1·Sj+1 — BPE(Kj+1) has that boundary, BPE(Xj+1 Sj+1) has |Xj+1| — gives
 * BPE(Kj+1 Sj+1) = old(Kj+1) ++ BPE(Sj+1), with a boundary at |Yj+1|. Glue on (Xj Wj)·Yj+1·(Kj+1' Xj+1 Sj+1) — the
 * check gives |Xj Wj| in BPE(Xj Wj Yj+1) — gives boundaries at |Xj Wj| and |Xj Wj Yj+1| in BPE(Xj Sj), and Split of
 * the check adds |Xj|. Then Split at those boundaries gives the tiles. At j = 0 (X0 empty) this is BPE(new).
 */

/** A run of the new piece equal to a run of the old one: new[at .. at + length) = old[from .. from + length). */
export interface Match {
  at: number;
  from: number;
  length: number;
}

export interface EncodedPiece extends PieceEncoding {
  readonly bytes: Uint8Array;
}

/** A kept run after trimming to old token boundaries: old[from .. to) placed at `at` in the new piece. */
interface Kept {
  at: number;
  from: number;
  to: number;
  /** Bytes of its first tokens (Y, context for the window before) and last tokens (X, for the window after). */
  head: number;
  tail: number;
}

/**
 * BPE(bytes) from `old`'s tokens over `matches` (sorted by `at`, not overlapping) and merges of the windows between,
 * each with `context` bytes of old tokens on its sides; undefined when a window's check fails (retry with more
 * context or other matches). With no usable match it is a plain merge, which is always exact.
 */
export function encodeByTiling(
  merger: BytePairMerger,
  old: EncodedPiece,
  bytes: Uint8Array,
  matches: readonly Match[],
  context: number,
): PieceEncoding | undefined {
  const kept = trimToBoundaries(old, bytes.length, matches, context);
  if (kept.length === 0) return merger.merge(bytes);
  // Tiles in order: a window's tokens (from its merge with context), or a kept run's old tokens.
  const tiles: { source: PieceEncoding; first: number; last: number; shift: number }[] = [];
  let previous: Kept | undefined;
  for (let j = 0; j <= kept.length; j++) {
    const next = kept[j] as Kept | undefined;
    const windowStart = previous ? previous.at + (previous.to - previous.from) : 0;
    const windowEnd = next ? next.at : bytes.length;
    // The window is empty at a piece end that a kept run reaches: nothing to merge or check there.
    const emptyEnd = (!previous && windowEnd === 0) || (!next && windowStart === bytes.length);
    if (!emptyEnd) {
      const left = previous ? previous.tail : 0;
      const right = next ? next.head : 0;
      const merged = merger.merge(bytes.subarray(windowStart - left, windowEnd + right));
      const from = left === 0 ? -1 : boundaryIndex(merged.ends, left);
      const to = right === 0 ? merged.ends.length - 1 : boundaryIndex(merged.ends, left + (windowEnd - windowStart));
      if ((left !== 0 && from < 0) || to < 0) return undefined; // the check failed
      tiles.push({ source: merged, first: from + 1, last: to, shift: windowStart - left });
    }
    if (next) {
      const first = next.from === 0 ? 0 : boundaryIndex(old.ends, next.from) + 1;
      tiles.push({ source: old, first, last: boundaryIndex(old.ends, next.to), shift: next.at - next.from });
    }
    previous = next;
  }
  let count = 0;
  for (const tile of tiles) count += tile.last - tile.first + 1;
  const tokens = new Int32Array(count);
  const ends = new Int32Array(count);
  let i = 0;
  for (const { source, first, last, shift } of tiles) {
    tokens.set(source.tokens.subarray(first, last + 1), i);
    for (let t = first; t <= last; t++) ends[i++] = source.ends[t] + shift;
  }
  return { tokens, ends };
}

/**
 * Each match shrunk to old token boundaries at least `context` bytes inside its edges (an edge at both pieces' start,
 * or both pieces' end, stays), with its head and tail contexts; matches too short for that are dropped.
 */
function trimToBoundaries(old: EncodedPiece, newLength: number, matches: readonly Match[], context: number): Kept[] {
  const oldLength = old.bytes.length;
  const kept: Kept[] = [];
  for (const match of matches) {
    const startsBoth = match.at === 0 && match.from === 0;
    const endsBoth = match.at + match.length === newLength && match.from + match.length === oldLength;
    const from = startsBoth ? 0 : boundaryAtOrAfter(old.ends, match.from + context);
    const to = endsBoth ? oldLength : boundaryAtOrBefore(old.ends, match.from + match.length - context);
    if (to <= from) continue;
    // Y: old tokens from `from` covering `context` bytes (at least one); X: the same before `to`.
    const head = startsBoth ? 0 : boundaryAtOrAfter(old.ends, Math.max(from + 1, from + context)) - from;
    const tail = endsBoth ? 0 : to - boundaryAtOrBefore(old.ends, Math.min(to - 1, to - context));
    if (head + tail > to - from) continue;
    kept.push({ at: match.at + (from - match.from), from, to, head, tail });
  }
  return kept;
}

/** The largest token boundary ≤ offset (0, the piece start, counts as one). */
function boundaryAtOrBefore(ends: Int32Array, offset: number): number {
  if (offset <= 0) return 0;
  const i = lastIndexAtOrBelow(ends, offset);
  return i < 0 ? 0 : ends[i];
}

/** The smallest token boundary ≥ offset (the piece end at most). */
function boundaryAtOrAfter(ends: Int32Array, offset: number): number {
  const last = ends[ends.length - 1];
  if (offset >= last) return last;
  if (offset <= 0) return 0;
  return ends[lastIndexAtOrBelow(ends, offset - 1) + 1];
}

/** Index of the last end ≤ offset, or -1. */
function lastIndexAtOrBelow(ends: Int32Array, offset: number): number {
  let lo = 0;
  let hi = ends.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (ends[mid] <= offset) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

/** Index of the token ending exactly at offset, or -1 when no token boundary is there. */
function boundaryIndex(ends: Int32Array, offset: number): number {
  const i = lastIndexAtOrBelow(ends, offset);
  return i >= 0 && ends[i] === offset ? i : -1;
}
