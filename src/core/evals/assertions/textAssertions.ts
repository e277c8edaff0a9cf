import { levenshtein } from '../levenshtein';
import { booleanCheck, type Check } from './assertionOutcome';
import { DEFAULT_REGEX_TIMEOUT_MS, sharedRegexRunner, type RegexRunner } from './regexRunner';

const show = (text: string) => JSON.stringify(text.length > 200 ? `${text.slice(0, 199)}…` : text);

function asList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  // promptfoo reads a plain string as comma-separated values.
  return String(value)
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  return ka.length === kb.length && ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** equals: exact text; an object/list value compares the output parsed as JSON (promptfoo's "equals with JSON"). */
export function checkEquals(output: string, value: unknown, negate: boolean): Check {
  if (value !== null && typeof value === 'object') {
    let parsed: unknown;
    let isJson = true;
    try {
      parsed = JSON.parse(output);
    } catch {
      isJson = false;
    }
    const equal = isJson && deepEqual(parsed, value);
    const expected = JSON.stringify(value, null, 2);
    return {
      ...booleanCheck(
        equal,
        negate,
        isJson ? 'Output JSON does not equal the expected JSON' : 'Output is not JSON, expected JSON equal to the value',
        'Output JSON equals the value',
      ),
      expected,
      actual: output,
    };
  }
  const expected = String(value);
  return {
    ...booleanCheck(output === expected, negate, `Expected output ${show(expected)}`, `Expected output not to equal ${show(expected)}`),
    expected,
    actual: output,
  };
}

export function checkContains(output: string, value: unknown, negate: boolean, ignoreCase: boolean): Check {
  const needle = String(value);
  const found = ignoreCase ? output.toLowerCase().includes(needle.toLowerCase()) : output.includes(needle);
  const how = ignoreCase ? ' (ignoring case)' : '';
  return {
    ...booleanCheck(
      found,
      negate,
      `Expected output to contain ${show(needle)}${how}`,
      `Expected output not to contain ${show(needle)}${how}`,
    ),
    expected: needle,
    actual: output,
  };
}

export function checkContainsList(output: string, value: unknown, negate: boolean, mode: 'any' | 'all', ignoreCase: boolean): Check {
  const needles = asList(value);
  const haystack = ignoreCase ? output.toLowerCase() : output;
  const present = needles.filter((n) => haystack.includes(ignoreCase ? n.toLowerCase() : n));
  const condition = mode === 'any' ? present.length > 0 : present.length === needles.length;
  const missing = needles.filter((n) => !present.includes(n));
  const how = ignoreCase ? ' (ignoring case)' : '';
  const fail =
    mode === 'any'
      ? `Expected output to contain one of ${needles.map(show).join(', ')}${how}`
      : `Expected output to contain all of ${needles.map(show).join(', ')}${how}; missing ${missing.map(show).join(', ')}`;
  const negatedFail =
    mode === 'any'
      ? `Expected output not to contain any of ${needles.map(show).join(', ')}; found ${present.map(show).join(', ')}`
      : `Expected output not to contain all of ${needles.map(show).join(', ')}`;
  return { ...booleanCheck(condition, negate, fail, negatedFail), expected: needles.join('\n'), actual: output };
}

export function checkStartsWith(output: string, value: unknown, negate: boolean): Check {
  const prefix = String(value);
  return {
    ...booleanCheck(
      output.startsWith(prefix),
      negate,
      `Expected output to start with ${show(prefix)}`,
      `Expected output not to start with ${show(prefix)}`,
    ),
    expected: prefix,
    actual: output,
  };
}

/**
 * regex: `new RegExp(value).test(output)` as promptfoo, but in a worker with a time limit (a catastrophic pattern
 * fails with a timeout instead of blocking the run and Ctrl+C).
 */
export async function checkRegex(
  output: string,
  value: unknown,
  negate: boolean,
  limits: { timeoutMs?: number; signal?: AbortSignal; runner?: RegexRunner } = {},
): Promise<Check> {
  const pattern = String(value);
  try {
    new RegExp(pattern);
  } catch (error) {
    return { pass: false, score: 0, reason: `Invalid regular expression: ${(error as Error).message}` };
  }
  const timeoutMs = limits.timeoutMs ?? DEFAULT_REGEX_TIMEOUT_MS;
  const result = await (limits.runner ?? sharedRegexRunner).test(pattern, output, { timeoutMs, signal: limits.signal });
  if ('timedOut' in result) {
    return {
      pass: false,
      score: 0,
      reason: `The regular expression /${pattern}/ did not finish within ${timeoutMs} ms on this output (catastrophic backtracking?): simplify the pattern, e.g. remove nested quantifiers like (a+)+`,
      expected: `/${pattern}/`,
      actual: output,
    };
  }
  if ('aborted' in result) return { pass: false, score: 0, reason: 'The run was cancelled while the regular expression ran' };
  if ('error' in result) return { pass: false, score: 0, reason: `Invalid regular expression: ${result.error}` };
  return {
    ...booleanCheck(result.matched, negate, `Expected output to match /${pattern}/`, `Expected output not to match /${pattern}/`),
    expected: `/${pattern}/`,
    actual: output,
  };
}

/** levenshtein: passes when the edit distance is <= threshold (default 5, as promptfoo). */
export function checkLevenshtein(output: string, value: unknown, negate: boolean, threshold: number | undefined): Check {
  const expected = String(value);
  const max = threshold || 5;
  const distance = levenshtein(output, expected);
  return {
    ...booleanCheck(
      distance <= max,
      negate,
      `Levenshtein distance ${distance} is greater than threshold ${max}`,
      `Levenshtein distance ${distance} is within threshold ${max}`,
    ),
    expected,
    actual: output,
  };
}
