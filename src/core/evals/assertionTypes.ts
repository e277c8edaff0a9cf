/** What each supported assertion type expects in the file; the parser checks it, the README table mirrors it. */
export interface AssertionTypeInfo {
  value: 'required' | 'optional' | 'none';
  /** Shape of `value` when given. */
  valueShape?: 'text' | 'text-list' | 'json-schema' | 'code' | 'any';
  threshold: 'required' | 'optional' | 'none';
}

export const ASSERTION_TYPE_INFO: Readonly<Record<string, AssertionTypeInfo>> = {
  equals: { value: 'required', valueShape: 'any', threshold: 'none' },
  contains: { value: 'required', valueShape: 'text', threshold: 'none' },
  icontains: { value: 'required', valueShape: 'text', threshold: 'none' },
  'contains-any': { value: 'required', valueShape: 'text-list', threshold: 'none' },
  'contains-all': { value: 'required', valueShape: 'text-list', threshold: 'none' },
  'icontains-any': { value: 'required', valueShape: 'text-list', threshold: 'none' },
  'icontains-all': { value: 'required', valueShape: 'text-list', threshold: 'none' },
  'starts-with': { value: 'required', valueShape: 'text', threshold: 'none' },
  regex: { value: 'required', valueShape: 'text', threshold: 'none' },
  'is-json': { value: 'optional', valueShape: 'json-schema', threshold: 'none' },
  'contains-json': { value: 'optional', valueShape: 'json-schema', threshold: 'none' },
  javascript: { value: 'required', valueShape: 'code', threshold: 'optional' },
  levenshtein: { value: 'required', valueShape: 'text', threshold: 'optional' },
  latency: { value: 'none', threshold: 'required' },
  cost: { value: 'none', threshold: 'required' },
  'llm-rubric': { value: 'required', valueShape: 'text', threshold: 'optional' },
  'assert-set': { value: 'none', threshold: 'optional' },
};

export const ASSERTION_TYPES: readonly string[] = Object.keys(ASSERTION_TYPE_INFO);

/** promptfoo types people will have in existing files: named as such rather than as typos. */
export const UNSUPPORTED_PROMPTFOO_TYPES: ReadonlySet<string> = new Set([
  'python', 'ruby', 'webhook', 'similar', 'classifier', 'moderation', 'factuality', 'model-graded-closedqa',
  'model-graded-factuality', 'answer-relevance', 'context-faithfulness', 'context-recall', 'context-relevance',
  'conversation-relevance', 'g-eval', 'select-best', 'max-score', 'perplexity', 'perplexity-score', 'rouge-n', 'bleu',
  'gleu', 'meteor', 'is-html', 'contains-html', 'is-sql', 'contains-sql', 'is-xml', 'contains-xml', 'is-refusal',
  'is-valid-function-call', 'is-valid-openai-function-call', 'is-valid-openai-tools-call', 'tool-call-f1',
  'finish-reason', 'word-count', 'ends-with', 'pi', 'guardrails', 'trace-span-count', 'trace-span-duration',
  'trace-error-spans',
]);

/** Splits `not-contains` into its base type and negation. */
export function splitAssertionType(type: string): { base: string; negate: boolean } {
  return type.startsWith('not-') ? { base: type.slice(4), negate: true } : { base: type, negate: false };
}
