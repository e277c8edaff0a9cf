import { countParts, joinParts, type Part } from './compressedRuns';
import { isLatin1, oneByteCopy } from './oneByteText';
import { nextSafeBoundary } from './safeBoundaries';
import { editParts, nextSafeBoundaryInParts, partsOf, sliceParts } from './textParts';
import type { Tokenizer } from './tokenizer';

/** A VS Code-style content change: replace `rangeLength` characters at `rangeOffset` with `text`. */
export interface TextChange {
  rangeOffset: number;
  rangeLength: number;
  text: string;
}

interface Chunk {
  /** The chunk's text, or undefined for a long chunk kept as `parts` (see textParts.ts). */
  text: string | undefined;
  parts: Part[] | undefined;
  length: number;
  tokens: number;
  /** Known to be stored one byte per character (see oneByteText.ts): slices and concatenations of it stay so. */
  oneByte: boolean;
}

const chunkText = (chunk: Chunk): string => chunk.text ?? joinParts(chunk.parts!);
const chunkParts = (chunk: Chunk): Part[] => chunk.parts ?? partsOf(chunk.text!);

/**
 * Chunks are cut at the first safe boundary after this many characters: re-encoding one costs ~0.1-0.3 ms, and a
 * 1 MB document has ~2,000 of them.
 */
export const TARGET_CHUNK_CHARS = 512;
/** A piece shorter than this is merged into its neighbour instead of standing alone (keeps chunks from fragmenting). */
const MIN_CHUNK_CHARS = TARGET_CHUNK_CHARS / 4;
/** `isSafeBoundary(text, p)` reads text[p-2 .. p+1]: edits this close to a kept boundary re-check it. */
const BOUNDARY_REACH = 2;
/**
 * An edited region longer than this is kept as parts (textParts.ts) and counted with its long runs shortened
 * (compressedRuns.ts), when the tokenizer supports it. Such a region exists only where the text has no safe boundary
 * for this long: a run of letters, punctuation or spaces.
 */
const PARTS_ABOVE = 8 * 1024;

export interface IncrementalCounterOptions {
  /** Regions longer than this are kept as parts (default PARTS_ABOVE; tests lower it to check against references). */
  partsAbove?: number;
}

/**
 * Exact token count of a document that changes by small edits. The text is kept as chunks cut at boundaries no
 * token can cross (see `safeBoundaries.ts`), each with its token count; an edit re-encodes only the chunks it
 * touches (a few hundred characters, or more where the text has no safe boundary at all), so
 * `total === tokenizer.encode(text).length` always holds without re-encoding the document.
 */
export class IncrementalCounter {
  private chunks: Chunk[];
  private length: number;
  private sum: number;
  private joined: string | undefined;
  private readonly partsAbove: number;

  constructor(
    private readonly tokenizer: Tokenizer,
    text: string,
    options: IncrementalCounterOptions = {},
  ) {
    this.partsAbove = options.partsAbove ?? PARTS_ABOVE;
    this.chunks = this.split(text);
    this.length = text.length;
    this.sum = this.chunks.reduce((total, chunk) => total + chunk.tokens, 0);
    this.joined = text;
  }

  /** Tokens in the whole document. */
  get total(): number {
    return this.sum;
  }

  /** The document as the counter sees it (after every applied change). */
  get text(): string {
    this.joined ??= this.chunks.map(chunkText).join('');
    return this.joined;
  }

  /** Number of independently counted chunks (for diagnostics and the benchmark). */
  get chunkCount(): number {
    return this.chunks.length;
  }

  /** Offsets where chunks start after the first (for tests that aim edits at the boundaries). */
  chunkOffsets(): number[] {
    const offsets: number[] = [];
    let offset = 0;
    for (let i = 0; i < this.chunks.length - 1; i++) offsets.push((offset += this.chunks[i].length));
    return offsets;
  }

  /** Replaces `deleteLength` characters at `offset` with `insert`. */
  applyChange(offset: number, deleteLength: number, insert: string): void {
    if (
      !Number.isInteger(offset) ||
      !Number.isInteger(deleteLength) ||
      offset < 0 ||
      deleteLength < 0 ||
      offset + deleteLength > this.length
    ) {
      throw new RangeError(
        `Change out of range: offset ${offset}, deleteLength ${deleteLength} in a ${this.length}-character document ` +
          '(the counter is out of sync with the document; recreate it from the current text).',
      );
    }
    if (deleteLength === 0 && insert.length === 0) return;

    // The region to re-encode: every chunk holding a character within BOUNDARY_REACH of the edit, so the two
    // boundaries that survive (its outer edges) see the same characters around them as before the edit.
    const reachStart = Math.max(0, offset - BOUNDARY_REACH);
    const reachEnd = Math.min(this.length, offset + deleteLength + BOUNDARY_REACH);
    let first = 0;
    let regionStart = 0;
    while (first < this.chunks.length && regionStart + this.chunks[first].length <= reachStart) {
      regionStart += this.chunks[first].length;
      first++;
    }
    let end = first; // exclusive
    let regionEnd = regionStart;
    while (end < this.chunks.length && regionEnd < reachEnd) {
      regionEnd += this.chunks[end].length;
      end++;
    }
    const newLength = regionEnd - regionStart + insert.length - deleteLength;
    if (newLength > this.partsAbove && this.tokenizer.runs) {
      this.applyToParts(first, end, offset - regionStart, deleteLength, insert);
      this.length += insert.length - deleteLength;
      this.joined = undefined;
      return;
    }

    let oldRegion = '';
    // One-byte parts and a Latin-1 insert make a one-byte region: nothing to compact (see oneByteText.ts).
    let oneByte = isLatin1(insert);
    for (let i = first; i < end; i++) {
      oldRegion += chunkText(this.chunks[i]);
      oneByte &&= this.chunks[i].oneByte;
    }
    let region = oldRegion.slice(0, offset - regionStart) + insert + oldRegion.slice(offset + deleteLength - regionStart);
    let editAt = offset - regionStart; // where the inserted text starts in `region`
    // Dropping a boundary is always exact, so tiny leftovers join a neighbour rather than fragment the document.
    while (region.length < MIN_CHUNK_CHARS && (end < this.chunks.length || first > 0)) {
      if (end < this.chunks.length) {
        oneByte &&= this.chunks[end].oneByte;
        region += chunkText(this.chunks[end++]);
      } else {
        region = chunkText(this.chunks[--first]) + region;
        oneByte &&= this.chunks[first].oneByte;
        editAt += this.chunks[first].length;
      }
    }

    this.replace(first, end, this.split(region, { start: editAt, end: editAt + insert.length }, oneByte));
    this.length += insert.length - deleteLength;
    this.joined = undefined;
  }

  /** Puts `replacement` in place of chunks [first, end) and updates the total. */
  private replace(first: number, end: number, replacement: Chunk[]): void {
    let removedTokens = 0;
    for (let i = first; i < end; i++) removedTokens += this.chunks[i].tokens;
    const addedTokens = replacement.reduce((total, chunk) => total + chunk.tokens, 0);
    this.chunks.splice(first, end - first, ...replacement);
    this.sum += addedTokens - removedTokens;
  }

  /**
   * The edit of a long region (chunks [first, end)), made on its parts: the same cuts as `split` would find (the
   * same bounded search), without building the region's text. Cut chunks not longer than `partsAbove` become text again.
   */
  private applyToParts(first: number, end: number, at: number, deleteLength: number, insert: string): void {
    let parts: Part[] = [];
    for (let i = first; i < end; i++) parts = parts.concat(chunkParts(this.chunks[i]));
    parts = editParts(parts, at, deleteLength, insert);
    const length = parts.reduce((total, part) => total + part.text.length, 0);
    const edit = { start: at, end: at + insert.length };
    const find = (from: number, to: number) => nextSafeBoundaryInParts(parts, length, from, to);
    const replacement: Chunk[] = [];
    for (let start = 0; start < length;) {
      let cut = length - start < TARGET_CHUNK_CHARS + MIN_CHUNK_CHARS ? -1 : nextCut(length, find, start + TARGET_CHUNK_CHARS, edit);
      if (cut !== -1 && length - cut < MIN_CHUNK_CHARS) cut = -1;
      const stop = cut === -1 ? length : cut;
      const chunkParts = sliceParts(parts, start, stop);
      if (stop - start > this.partsAbove) {
        replacement.push({
          text: undefined,
          parts: chunkParts,
          length: stop - start,
          tokens: countParts(this.tokenizer, chunkParts),
          oneByte: false,
        });
      } else replacement.push(this.textChunk(joinParts(chunkParts), false));
      start = stop;
    }
    this.replace(first, end, replacement);
  }

  /** Applies changes one after another in the given order (each offset refers to the text after the previous ones). */
  applyChanges(changes: readonly TextChange[]): void {
    for (const change of changes) this.applyChange(change.rangeOffset, change.rangeLength, change.text);
  }

  /**
   * Exact tokens of `text.slice(start, end)` (a selection): whole chunks inside the range reuse their counts, and
   * only the partial chunks at its two ends are encoded.
   */
  countRange(start: number, end: number): number {
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start || end > this.length) {
      throw new RangeError(`Range ${start}..${end} is outside the ${this.length}-character document.`);
    }
    if (start === end) return 0;
    if (start === 0 && end === this.length) return this.sum;
    // A chunk boundary is exact for the substring too when the characters it looks at lie inside the range.
    const usable = (boundary: number) => boundary >= start + BOUNDARY_REACH && boundary <= end - BOUNDARY_REACH;
    let tokens = 0;
    let pending = ''; // text not yet counted, since the last usable boundary
    let chunkStart = 0;
    for (const chunk of this.chunks) {
      const chunkEnd = chunkStart + chunk.length;
      if (chunkEnd > start && chunkStart < end) {
        if (usable(chunkStart) && pending) {
          tokens += this.tokenizer.count(pending);
          pending = '';
        }
        if (usable(chunkStart) && usable(chunkEnd)) tokens += chunk.tokens;
        else pending += chunkText(chunk).slice(Math.max(0, start - chunkStart), Math.min(chunk.length, end - chunkStart));
      }
      if (chunkEnd >= end) break;
      chunkStart = chunkEnd;
    }
    if (pending) tokens += this.tokenizer.count(pending);
    return tokens;
  }

  /**
   * Cuts `text` at the first safe boundary after every TARGET_CHUNK_CHARS and counts each chunk. In a long edited
   * region (`edit` is where the inserted text lies) the search is bounded, see `nextCut`. `oneByte`: `text` is known
   * to be stored one-byte (else each chunk is checked, and compacted when it can be).
   */
  private split(text: string, edit?: { start: number; end: number }, oneByte = false): Chunk[] {
    flatten(text);
    const chunks: Chunk[] = [];
    let start = 0;
    while (start < text.length) {
      const find = (from: number, to: number) => nextSafeBoundary(text, from, to);
      let cut =
        text.length - start < TARGET_CHUNK_CHARS + MIN_CHUNK_CHARS ? -1 : nextCut(text.length, find, start + TARGET_CHUNK_CHARS, edit);
      if (cut !== -1 && text.length - cut < MIN_CHUNK_CHARS) cut = -1;
      const stop = cut === -1 ? text.length : cut;
      chunks.push(this.textChunk(text.slice(start, stop), oneByte));
      start = stop;
    }
    return chunks;
  }

  /** A chunk of `text`, counted. */
  private textChunk(text: string, oneByte: boolean): Chunk {
    // A slice of a two-byte string is two-byte whatever it holds: copy a Latin-1 one to one-byte storage once, so
    // later edits of this chunk (and its regex scans) run on one-byte text.
    if (!oneByte && isLatin1(text)) {
      text = oneByteCopy(text);
      oneByte = true;
    }
    return { text, parts: undefined, length: text.length, tokens: this.tokenizer.count(text), oneByte };
  }
}

/** An edited region longer than this is searched for cuts only near its chunk starts and near the edit. */
const BOUNDED_SCAN_ABOVE = 16 * TARGET_CHUNK_CHARS;

/**
 * The first safe boundary at or after `from`, or -1. In a long edited region only three stretches are searched: the
 * TARGET_CHUNK_CHARS after `from`, the edit and BOUNDARY_REACH around it, and the region's last TARGET_CHUNK_CHARS.
 * A long region is long because the chunk it came from had no safe boundary past its first TARGET_CHUNK_CHARS, and
 * an edit changes whether a position is safe only within BOUNDARY_REACH of it (`isSafeBoundary` reads text[p-2..p+1]),
 * so the rest holds no new cut: scanning it (~1.5 ms per 370 KB) found none. Skipping a safe boundary only makes a
 * chunk longer, never a count wrong.
 */
function nextCut(
  length: number,
  find: (from: number, to: number) => number,
  from: number,
  edit: { start: number; end: number } | undefined,
): number {
  if (!edit || length <= BOUNDED_SCAN_ABOVE) return find(from, length);
  const stretches: [number, number][] = [
    [from, from + TARGET_CHUNK_CHARS],
    [edit.start - BOUNDARY_REACH, edit.end + BOUNDARY_REACH],
    [length - TARGET_CHUNK_CHARS, length],
  ];
  for (const [low, high] of stretches) {
    if (high < from) continue;
    const cut = find(Math.max(from, low), high);
    if (cut !== -1) return cut;
  }
  return -1;
}

/**
 * Makes V8 store `text` as one flat string. An edited region is built by concatenating slices, and V8 keeps such a
 * string as a tree: every `charCodeAt` of the boundary scan then walks it (a 1 MB region measured ~50 ms to scan
 * unflattened, ~4 ms flattened, on a loaded machine). Converting a string to a number flattens it in place first; the
 * number itself is not used.
 */
function flatten(text: string): void {
  if (text.length > FLATTEN_ABOVE) void Number(text);
}
const FLATTEN_ABOVE = 4 * TARGET_CHUNK_CHARS;
