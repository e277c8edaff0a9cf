import type { RunCounting, Tokenizer } from './tokenizer';

/**
 * Exact token counts of texts made of parts, some of them long runs of one character (`xxxx…`, `====…`), without
 * building the text: each long run is shortened to a few hundred copies, the short text is counted, and the tokens
 * of the copies taken out are added back by arithmetic. The incremental counter keeps a long chunk as parts
 * (textParts.ts), so a keystroke in a 350 K-character run costs a count of ~1 K characters instead of building,
 * scanning and encoding the whole run again.
 *
 * Why it is exact. Let T = P c^n S and T' = P c^m S, where c is one UTF-16 unit that is neither a surrogate nor a
 * number (\p{N}), n = m + jL (j ≥ 0) and m ≥ MIN_COPIES + 2K + L (K and L below). Write Z = |P|.
 *
 * 1. Pieces (o200k and cl100k; preTokenizer.ts, equal to the patterns by its differential tests). A piece's end is
 *    found by reading code units from its start through three kinds of step: (a) a fixed step of at most 3 units
 *    (the optional prefix, a contraction `'ll`, `\p{N}{1,3}`), (b) a loop that advances while the unit it reads
 *    satisfies a class test and stops at the first that fails (afterRepeats, the letter/punctuation/space loops,
 *    `[\r\n/]*`), and (c) comparisons of positions already reached (`end - at === 1`, `end === length`, the last
 *    lower-case letter seen). No step counts copies beyond 3, except `\p{N}{1,3}`, and c is not a number. Call the
 *    units Z + K .. Z + m - K of T' (K = EDGE, 4) its middle. A step that reads a copy of c in the middle is a loop
 *    (fixed steps from a piece start before the run reach at most Z + 2; a piece cannot start in the middle, see
 *    below), and a loop that reads c either stops at once (same in T and T') or runs to the first unit after the run
 *    that fails its test — the same unit of S in both texts. So running the scanner on T and on T' makes the same
 *    decisions, at positions that agree before the middle and differ by n - m after it. A piece that starts on a copy
 *    of c reads the copies with a loop (letters, marks, punctuation and spaces each have one; the fixed steps before
 *    it only fail and fall through), so it ends at the run's last unit (`\s+(?!\S)`) or later: no piece boundary
 *    lies inside the middle. Hence the pieces of T are those of T', with the one piece that holds the middle,
 *    Q' = A c^M B (A ending at Z + K, M = m - 2K), lengthened to Q = A c^(M + jL) B, and the others equal.
 * 2. Tokens (Split and Glue, proved in pieceTiling.ts). Let V = c^L with BPE(V V) ending a token at |V| (checked
 *    by `runBlock`). If BPE(Q') ends tokens at |A c^i| and |A c^(i+L)| (0 < i, i + L ≤ M, and the t tokens between
 *    them are BPE(V) by Split), then BPE(A c^(M+L) B) = BPE(A c^i) ++ BPE(V) ++ BPE(V) ++ BPE(c^(M-i-L) B), with
 *    the same two boundaries: Split of BPE(Q') gives BPE(A c^(i+L)) a boundary at |A c^i| and BPE(c^(M-i) B) one
 *    at |V|; Glue on V·V·(c^(M-i-L) B) with BPE(V V) gives BPE(c^(M-i+L) B) a boundary at |V|; Glue on
 *    (A c^i)·V·(c^(M-i) B) gives BPE(A c^(M+L) B) boundaries at |A c^i| and |A c^(i+L)|. So each block of L copies
 *    adds t tokens, and by induction count(Q) = count(Q') + j·t. Q and Q' are longer than any token, so neither is
 *    "a piece that is itself a token".
 * So count(T) = count(T') + j·t, checked per run on T' (the two boundaries are looked for in its middle; when they
 * are not there the text is counted in full, which is always exact). With several shortened runs, lengthen them
 * one at a time: lengthening one keeps every other token boundary (BPE(Q') and the lengthened BPE differ only by
 * one more BPE(V) between its two boundaries, shifting what follows), so each other run's two boundaries and its
 * piece's shape still hold when its turn comes.
 *
 * The unit tests compare counts with js-tiktoken on random edits in long runs of every class, and fail when the two
 * boundaries are not checked or L copies are added without the BPE(V V) check.
 */

/** A part of a long text: `unit >= 0` when the part is that UTF-16 unit repeated (`text.length` copies), else -1. */
export interface Part {
  readonly text: string;
  readonly unit: number;
}

/** Runs of one unit at least this long are kept as run parts (and may be shortened when counted). */
export const MIN_RUN_PART = 512;
/**
 * Copies of c a shortened run keeps in its middle at least: more bytes than any token (o200k's and cl100k's longest
 * are 128 bytes; a unit test checks it), and few, since the shortened text is merged on every keystroke.
 */
export const MIN_COPIES = 136;
/** Units at each end of a shortened run outside its middle (see 1. above: fixed steps reach 3 units). */
const EDGE = 4;

/** The text the parts make. */
export function joinParts(parts: readonly Part[]): string {
  let text = '';
  for (const part of parts) text += part.text;
  return text;
}

/**
 * A requirement of the argument above as a switch, so the tests can show that it matters: with it off the counts
 * must fail their comparison with the reference encoders. Only SOUND is used outside tests.
 */
export interface ShorteningRules {
  /** Keep n - m a whole number of blocks (else the removed copies are counted as a fraction of a block's tokens). */
  wholeBlocks: boolean;
}
export const SOUND: ShorteningRules = { wholeBlocks: true };

/** Exact tokens of the parts' text: by shortened runs when possible, else by counting the text itself. */
export function countParts(tokenizer: Tokenizer, parts: readonly Part[], rules = SOUND): number {
  const runs = tokenizer.runs;
  if (runs) {
    const count = countShortened(runs, parts, rules);
    if (count >= 0) return count;
  }
  return tokenizer.count(joinParts(parts));
}

interface Shortened {
  /** Where the shortened run starts in the short text, in units and in UTF-8 bytes. */
  at: number;
  byteAt: number;
  width: number;
  kept: number;
  removed: number;
  block: number;
}

/** count(T) by the argument above, or -1 when no run was shortened or a run's check failed. */
function countShortened(runs: RunCounting, parts: readonly Part[], rules: ShorteningRules): number {
  let text = '';
  let bytes = 0;
  let counted = 0; // units of `text` whose UTF-8 length is in `bytes`
  const shortened: Shortened[] = [];
  for (let i = 0; i < parts.length;) {
    const unit = parts[i].unit;
    let copies = parts[i].text.length;
    let j = i + 1;
    if (unit >= 0) while (j < parts.length && parts[j].unit === unit) copies += parts[j++].text.length;
    const block = unit >= 0 ? runs.runBlock(unit) : undefined;
    if (block === undefined || copies < MIN_COPIES + 2 * EDGE + 2 * block) {
      for (let k = i; k < j; k++) text += parts[k].text;
      i = j;
      continue;
    }
    const base = MIN_COPIES + 2 * EDGE + block;
    const kept = rules.wholeBlocks ? base + ((copies - base) % block) : base;
    bytes += Buffer.byteLength(text.slice(counted), 'utf8'); // the run's unit is not a surrogate: no pair is cut
    counted = text.length;
    const char = String.fromCharCode(unit);
    const width = Buffer.byteLength(char, 'utf8');
    shortened.push({ at: text.length, byteAt: bytes, width, kept, removed: copies - kept, block });
    text += char.repeat(kept);
    i = j;
  }
  if (shortened.length === 0) return -1;
  const ends = runs.tokenEnds(text);
  let total = ends.length;
  for (const run of shortened) {
    const perBlock = blockTokens(ends, run);
    if (perBlock < 0) return -1;
    total += Math.round((run.removed / run.block) * perBlock);
  }
  return total;
}

/**
 * Tokens between two token ends of the short text L copies apart inside the run's middle, or -1 when there are none.
 */
function blockTokens(ends: Int32Array, run: Shortened): number {
  const { byteAt, width, kept, block } = run;
  const low = byteAt + (EDGE + 1) * width;
  const high = byteAt + (kept - EDGE - 1) * width;
  const span = block * width;
  for (let i = firstAtLeast(ends, low); i < ends.length && ends[i] + span <= high; i++) {
    if ((ends[i] - byteAt) % width !== 0) continue;
    const j = firstAtLeast(ends, ends[i] + span);
    if (j < ends.length && ends[j] === ends[i] + span) return j - i;
  }
  return -1;
}

function firstAtLeast(ends: Int32Array, value: number): number {
  let lo = 0;
  let hi = ends.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ends[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
