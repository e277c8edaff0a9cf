/**
 * Which regex tests are cheap enough to run on the main thread instead of in the sandbox worker (regexRunner.ts).
 *
 * Why: every worker test is a message round trip, and the run's regex tests queue behind one another (and behind
 * `javascript` assertions) for the one worker thread: in the 200-case bench that is 200 round trips whose latency
 * on a loaded machine is the scheduler's. Most patterns in eval files are literals with a `\s*` or two, whose worst
 * case is small and known before they run: those run inline, with the same `RegExp`, so the result is identical.
 *
 * The bound: a pattern without groups, alternation or backreferences is a sequence of single-character atoms
 * (literals, escapes, classes, `.`) and assertions (`^`, `$`, `\b`), each maybe quantified. From one start position a
 * backtracking matcher's states are the repetition counts chosen so far: at atom j, at most
 * `P(j) * (largest(j) + 1)` of them, where P(j) is the product of the earlier atoms' numbers of choices and
 * largest(j) is atom j's largest repetition. Each state is entered once per start at constant cost, so
 * steps <= (n + 1) * sum over j of P(j) * (largest(j) + 1), with n the text's length and, per quantifier, choices /
 * largest: none 1 / 1, `?` 2 / 1, `{a}` 1 / a, `{a,b}` b - a + 1 / b, and `*`, `+`, `{a,}` n + 1 / n + 1.
 * Anything the scan does not recognise, or a bound over `MAX_INLINE_STEPS`, goes to the worker as before.
 */

/** Worst-case steps allowed on the main thread: milliseconds of the regexp engine (5e6 simple steps). */
export const MAX_INLINE_STEPS = 5_000_000;

/** Longer patterns, larger counted repetitions: not analysed (the worker takes them). */
const MAX_PATTERN_CHARS = 256;
const MAX_COUNT = 1000;

/** Groups, alternation, backreferences (`\1`, `\k<n>`), and the `v` flag's set notation: never inline. */
const UNANALYSED = /[()|]|\\[1-9k]/;

/**
 * An upper bound on the steps `new RegExp(pattern, flags).test(text)` can take for a text of `textLength`
 * characters, or undefined when the pattern is outside the analysed subset.
 */
export function worstCaseSteps(pattern: string, flags: string, textLength: number): number | undefined {
  if (pattern.length > MAX_PATTERN_CHARS || UNANALYSED.test(pattern) || flags.includes('v')) return undefined;
  const n = textLength + 1;
  const starts = textLength + 1;
  let before = 1; // P(j): the product of the earlier atoms' numbers of choices
  let states = 0;
  let i = 0;
  while (i < pattern.length) {
    const atomEnd = atomEndAt(pattern, i);
    if (atomEnd === undefined) return undefined;
    i = atomEnd;
    const quantifier = quantifierAt(pattern, i, n);
    if (quantifier === undefined) return undefined;
    if (quantifier.end > i && !quantifiable(pattern[atomEnd - 1], pattern, atomEnd)) return undefined;
    states += before * (quantifier.largest + 1);
    before *= quantifier.choices;
    i = quantifier.end;
    if (starts * states > MAX_INLINE_STEPS || before > MAX_INLINE_STEPS) return undefined;
  }
  return starts * Math.max(states, 1);
}

/** True when the steps bound for this test is within MAX_INLINE_STEPS. */
export function runsInline(pattern: string, flags: string, textLength: number): boolean {
  const steps = worstCaseSteps(pattern, flags, textLength);
  return steps !== undefined && steps <= MAX_INLINE_STEPS;
}

/** Where the single-character atom (or assertion) starting at `i` ends; undefined for what the scan does not know. */
function atomEndAt(pattern: string, i: number): number | undefined {
  const c = pattern[i];
  if (c === '\\') {
    const next = pattern[i + 1];
    if (next === undefined) return undefined;
    // `\p{…}`, `\u{…}` mean different things with and without the `u` flag: left to the worker. `\xHH`, `\uHHHH`
    // count as more atoms than they are (the escape, then each digit as a literal): the bound only grows.
    if (pattern[i + 2] === '{' && (next === 'p' || next === 'P' || next === 'u')) return undefined;
    return i + 2;
  }
  if (c === '[') {
    // A class is one character whatever it holds; `\]` does not close it, a nested `[` is outside the subset.
    for (let j = i + 1; j < pattern.length; j++) {
      if (pattern[j] === '\\') j++;
      else if (pattern[j] === '[') return undefined;
      else if (pattern[j] === ']') return j + 1; // `[]` (matches nothing) included: one atom
    }
    return undefined;
  }
  if (c === '*' || c === '+' || c === '?' || c === '{' || c === '}' || c === ']') return undefined;
  return i + 1;
}

/** Anchors and `\b`/`\B` take no repetition in the subset (a quantified assertion is a syntax error or a no-op). */
function quantifiable(last: string, pattern: string, atomEnd: number): boolean {
  if (last === '^' || last === '$') return false;
  if (atomEnd >= 2 && pattern[atomEnd - 2] === '\\' && (last === 'b' || last === 'B')) return false;
  return true;
}

/**
 * The quantifier at `i` (none: one choice, end i), a trailing `?` (lazy) included: its number of choices and its
 * largest repetition; undefined if malformed.
 */
function quantifierAt(pattern: string, i: number, n: number): { choices: number; largest: number; end: number } | undefined {
  const c = pattern[i];
  let choices: number;
  let largest: number;
  let end: number;
  if (c === '?') [choices, largest, end] = [2, 1, i + 1];
  else if (c === '*' || c === '+') [choices, largest, end] = [n, n, i + 1];
  else if (c === '{') {
    const m = /^\{(\d{1,4})(,(\d{0,4}))?\}/.exec(pattern.slice(i, i + 12));
    // Not a count (`{` as a literal in a pattern without the `u` flag): outside the subset.
    if (!m) return undefined;
    const low = Number(m[1]);
    const high = m[2] === undefined ? low : m[3] === '' ? Infinity : Number(m[3]);
    if (low > MAX_COUNT || high < low || (high !== Infinity && high > MAX_COUNT)) return undefined;
    choices = high === Infinity ? n : high - low + 1;
    largest = high === Infinity ? n : high;
    end = i + m[0].length;
  } else return { choices: 1, largest: 1, end: i };
  if (pattern[end] === '?') end++;
  // Two quantifiers in a row (`a**`) is a syntax error: leave it to the worker's error path.
  if (pattern[end] === '*' || pattern[end] === '+' || pattern[end] === '?' || pattern[end] === '{') return undefined;
  return { choices, largest, end };
}
