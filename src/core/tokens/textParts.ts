import { MIN_RUN_PART, type Part } from './compressedRuns';
import { nextSafeBoundary } from './safeBoundaries';

/**
 * A long text kept as a list of parts (each a flat string, often a slice of the text it came from), so an edit of a
 * 350 K-character run makes a few slices instead of a new 350 K string: V8 copies a slice of a concatenation (it
 * flattens it first), and a fresh copy of a few hundred KB (large-object memory) measured 2-3 ms on its own. Runs of
 * one unit are marked (`unit`) so compressedRuns.ts can count them by arithmetic.
 */

const literal = (text: string): Part => ({ text, unit: -1 });

/** `text[start, end)` as a part: a run part when it is long and one repeated unit (the caller knows), else literal. */
function runPart(text: string, unit: number): Part {
  return text.length >= MIN_RUN_PART ? { text, unit } : literal(text);
}

const isSurrogate = (unit: number) => unit >= 0xd800 && unit <= 0xdfff;

/** `text` split into its runs of one unit (at least MIN_RUN_PART long, not surrogates) and the literal text between. */
export function partsOf(text: string): Part[] {
  const parts: Part[] = [];
  let literalStart = 0;
  for (let i = 0; i < text.length;) {
    const unit = text.charCodeAt(i);
    let j = i + 1;
    while (text.charCodeAt(j) === unit) j++;
    if (j - i >= MIN_RUN_PART && !isSurrogate(unit)) {
      if (i > literalStart) parts.push(literal(text.slice(literalStart, i)));
      parts.push({ text: text.slice(i, j), unit });
      literalStart = j;
    }
    i = j;
  }
  if (literalStart < text.length) parts.push(literal(literalStart === 0 ? text : text.slice(literalStart)));
  return parts;
}

/** Literal neighbours shorter than this together are joined into one part (keeps the list short over many edits). */
const JOIN_LITERALS_BELOW = 1024;

/** The parts with `deleteLength` units at `at` replaced by `insert`. */
export function editParts(parts: readonly Part[], at: number, deleteLength: number, insert: string): Part[] {
  const out: Part[] = [];
  const push = (part: Part) => {
    if (part.text.length === 0) return;
    const last = out[out.length - 1];
    if (last && last.unit < 0 && part.unit < 0 && last.text.length + part.text.length < JOIN_LITERALS_BELOW) {
      out[out.length - 1] = literal(last.text + part.text);
    } else out.push(part);
  };
  const end = at + deleteLength;
  let offset = 0;
  let inserted = false;
  for (const part of parts) {
    const partEnd = offset + part.text.length;
    if (partEnd <= at || offset >= end) {
      if (!inserted && offset >= end) {
        push(literal(insert));
        inserted = true;
      }
      push(part);
    } else {
      if (offset < at) push(slicePart(part, 0, at - offset));
      if (!inserted) {
        push(literal(insert));
        inserted = true;
      }
      if (partEnd > end) push(slicePart(part, end - offset, part.text.length));
    }
    offset = partEnd;
  }
  if (!inserted) push(literal(insert));
  return out;
}

function slicePart(part: Part, start: number, end: number): Part {
  const text = part.text.slice(start, end);
  return part.unit >= 0 ? runPart(text, part.unit) : literal(text);
}

/** The parts of units [start, end) of the parts' text. */
export function sliceParts(parts: readonly Part[], start: number, end: number): Part[] {
  const out: Part[] = [];
  let offset = 0;
  for (const part of parts) {
    const partEnd = offset + part.text.length;
    if (partEnd > start && offset < end) {
      out.push(
        offset >= start && partEnd <= end ? part : slicePart(part, Math.max(0, start - offset), Math.min(part.text.length, end - offset)),
      );
    }
    if (partEnd >= end) break;
    offset = partEnd;
  }
  return out;
}

/** Units [start, end) of the parts' text as one string (for short stretches). */
export function partsText(parts: readonly Part[], start: number, end: number): string {
  let text = '';
  for (const part of sliceParts(parts, start, end)) text += part.text;
  return text;
}

/**
 * `nextSafeBoundary` over the parts' text (of `length` units), reading only the stretch [from - 2, to + 2): the
 * boundary test reads text[p-2 .. p+1].
 */
export function nextSafeBoundaryInParts(parts: readonly Part[], length: number, from: number, to: number): number {
  const low = Math.max(0, from - 2);
  const high = Math.min(length, to + 2);
  if (high - low < 4) return -1;
  const found = nextSafeBoundary(partsText(parts, low, high), Math.max(from, 2) - low, Math.min(to, length - 2) - low);
  return found === -1 ? -1 : low + found;
}
