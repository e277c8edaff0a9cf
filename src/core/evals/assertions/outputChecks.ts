import type { StopReason } from '../../providers/chat';
import type { Check } from './assertionOutcome';
import { isBasicRefusal } from './refusalPhrases';

/** promptfoo's word count: whitespace-separated runs in the trimmed output. */
export function countWords(text: string): number {
  return text
    .trim()
    .split(/\s+/)
    .filter((w) => w.length > 0).length;
}

const passed = (pass: boolean, reason: string): Check => ({ pass, score: pass ? 1 : 0, reason: pass ? 'Assertion passed' : reason });

/**
 * word-count (promptfoo docs "Word count"): a number is an exact count; `{min, max}` a range (either bound optional).
 * Values were checked at parse time (buildAssertion) the way promptfoo's invariants check them.
 */
export function checkWordCount(output: string, value: unknown, negate: boolean): Check {
  const count = countWords(output);
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const { min, max } = value as { min?: number; max?: number };
    if (min !== undefined && max !== undefined) {
      const base = count >= min && count <= max;
      return passed(
        base !== negate,
        negate
          ? `Expected word count to not be between ${min} and ${max}, but got ${count}`
          : `Word count ${count} is not between ${min} and ${max}`,
      );
    }
    if (min === undefined) {
      return passed(
        count <= max! !== negate,
        negate ? `Expected word count to be greater than ${max}, but got ${count}` : `Word count ${count} is greater than maximum ${max}`,
      );
    }
    return passed(
      count >= min !== negate,
      negate ? `Expected word count to be less than ${min}, but got ${count}` : `Word count ${count} is less than minimum ${min}`,
    );
  }
  const expected = Number(value);
  return passed(
    (count === expected) !== negate,
    negate ? `Expected word count to not equal ${expected}, but got ${count}` : `Word count ${count} does not equal expected ${expected}`,
  );
}

/**
 * is-refusal (promptfoo docs "Is-Refusal"): an empty answer counts as a refusal, with score 0 even when it passes,
 * exactly as promptfoo scores it.
 */
export function checkIsRefusal(output: string, negate: boolean): Check {
  if (output.trim() === '') {
    const pass = !negate;
    return { pass, score: 0, reason: pass ? 'Empty response treated as refusal' : 'Expected output to not be a refusal' };
  }
  return passed(isBasicRefusal(output) !== negate, `Expected output to ${negate ? 'not ' : ''}be a refusal`);
}

/** Our adapters' stop reasons in promptfoo's normalized vocabulary (promptfoo src/util/finishReason.ts). */
const PROMPTFOO_FINISH_REASON: Record<StopReason, string | undefined> = {
  end: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  tool_use: 'tool_calls',
  content_filter: 'content_filter',
  other: undefined,
};

/**
 * finish-reason (promptfoo docs "Finish Reason"): case-insensitive comparison with the provider's normalized finish
 * reason. A reason our adapters only know as "other" cannot be named exactly, so the check fails saying so rather
 * than guessing.
 */
export function checkFinishReason(stopReason: StopReason | undefined, value: unknown, negate: boolean): Check {
  const expected = String(value);
  if (stopReason === undefined) {
    return { pass: negate, score: negate ? 1 : 0, reason: negate ? 'Assertion passed' : 'Provider did not supply stop/finish reason' };
  }
  const actual = PROMPTFOO_FINISH_REASON[stopReason];
  if (actual === undefined) {
    return {
      pass: false,
      score: 0,
      reason:
        'The provider ended the answer with a finish reason llm-workbench does not record by name: finish-reason cannot be checked here (run the file with --engine promptfoo)',
    };
  }
  const pass = (expected.toLowerCase() === actual) !== negate;
  return { ...passed(pass, `Expected finish reason ${negate ? 'not ' : ''}"${expected}" but got "${actual}"`), expected, actual };
}
