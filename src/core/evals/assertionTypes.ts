/** What each supported assertion type expects in the file; the parser checks it, the README table mirrors it. */
/** What each supported assertion type expects in the file; the parser checks it, the README table mirrors it. */
export interface AssertionTypeInfo {
  value: 'required' | 'optional' | 'none';
  /** Shape of `value` when given. */
  valueShape?: 'text' | 'text-list' | 'text-or-list' | 'json-schema' | 'code' | 'word-count' | 'sql-options' | 'xml-elements' | 'any';
  threshold: 'required' | 'optional' | 'none';
  /** promptfoo ignores `not-` on this type (it would run un-negated): the parser refuses the negated form. */
  noNegation?: boolean;
  /** Calls a grader model (text and/or embeddings). */
  graded?: boolean;
}

/** Every type llm-workbench runs natively, with promptfoo 0.123.1's semantics (see the README's assertion list). */
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
  python: { value: 'required', valueShape: 'code', threshold: 'optional' },
  levenshtein: { value: 'required', valueShape: 'text', threshold: 'optional' },
  latency: { value: 'none', threshold: 'required' },
  cost: { value: 'none', threshold: 'required' },
  'word-count': { value: 'required', valueShape: 'word-count', threshold: 'none' },
  'is-refusal': { value: 'none', threshold: 'none' },
  'finish-reason': { value: 'required', valueShape: 'text', threshold: 'none' },
  'rouge-n': { value: 'required', valueShape: 'text', threshold: 'optional' },
  bleu: { value: 'required', valueShape: 'text-or-list', threshold: 'optional' },
  'llm-rubric': { value: 'optional', valueShape: 'any', threshold: 'optional', graded: true },
  factuality: { value: 'required', valueShape: 'text', threshold: 'none', noNegation: true, graded: true },
  'model-graded-factuality': { value: 'required', valueShape: 'text', threshold: 'none', noNegation: true, graded: true },
  'model-graded-closedqa': { value: 'required', valueShape: 'text', threshold: 'none', noNegation: true, graded: true },
  'g-eval': { value: 'required', valueShape: 'text-or-list', threshold: 'optional', graded: true },
  'answer-relevance': { value: 'none', threshold: 'optional', graded: true },
  'context-recall': { value: 'required', valueShape: 'text', threshold: 'optional', graded: true },
  'context-relevance': { value: 'none', threshold: 'optional', graded: true },
  'context-faithfulness': { value: 'none', threshold: 'optional', graded: true },
  similar: { value: 'required', valueShape: 'text-or-list', threshold: 'optional', graded: true },
  'similar:cosine': { value: 'required', valueShape: 'text-or-list', threshold: 'optional', graded: true },
  'similar:dot': { value: 'required', valueShape: 'text-or-list', threshold: 'optional', graded: true },
  'similar:euclidean': { value: 'required', valueShape: 'text-or-list', threshold: 'optional', graded: true },
  'is-html': { value: 'optional', valueShape: 'any', threshold: 'none' },
  'contains-html': { value: 'optional', valueShape: 'any', threshold: 'none' },
  'is-sql': { value: 'optional', valueShape: 'sql-options', threshold: 'none' },
  'contains-sql': { value: 'optional', valueShape: 'sql-options', threshold: 'none' },
  'is-xml': { value: 'optional', valueShape: 'xml-elements', threshold: 'none' },
  'contains-xml': { value: 'optional', valueShape: 'xml-elements', threshold: 'none' },
  perplexity: { value: 'none', threshold: 'optional' },
  'perplexity-score': { value: 'none', threshold: 'optional' },
  'assert-set': { value: 'none', threshold: 'optional' },
};

export const ASSERTION_TYPES: readonly string[] = Object.keys(ASSERTION_TYPE_INFO);

/**
 * promptfoo 0.123.1's other assertion types (its BaseAssertionTypesSchema), in its order. Each is refused natively at
 * its line with the reason, and runs when the file is delegated to the workspace's promptfoo (`--engine promptfoo`).
 */
export const DELEGATED_PROMPTFOO_TYPES: Readonly<Record<string, string>> = {
  'agent-rubric': 'needs an agent runtime',
  classifier: 'needs a HuggingFace classifier provider',
  'conversation-relevance': 'needs multi-turn conversation history',
  gleu: 'is not implemented natively',
  guardrails: 'needs a provider that reports guardrail results',
  'is-valid-function-call': "needs the provider's function definitions",
  'is-valid-openai-function-call': "needs the provider's function definitions",
  'is-valid-openai-tools-call': "needs the provider's tool definitions",
  pi: 'calls the Pi scoring service',
  meteor: 'needs the natural package',
  moderation: 'needs a moderation provider',
  ruby: 'runs Ruby code',
  'skill-used': 'needs agent skill traces',
  'trajectory:goal-success': 'needs agent traces',
  'trajectory:tool-args-match': 'needs agent traces',
  'trajectory:step-count': 'needs agent traces',
  'trajectory:tool-sequence': 'needs agent traces',
  'trajectory:tool-used': 'needs agent traces',
  'trace-error-spans': 'needs OpenTelemetry traces of the provider',
  'trace-span-count': 'needs OpenTelemetry traces of the provider',
  'trace-span-duration': 'needs OpenTelemetry traces of the provider',
  'search-rubric': 'needs a web-search grader',
  webhook: 'posts the output to a web service',
  'select-best': 'compares the outputs of several prompts/providers',
  human: 'needs a human rating',
  'max-score': 'compares the outputs of several prompts/providers',
  'tool-call-f1': 'needs tool calls in the output',
};

/** Kept for callers that only ask "is this a promptfoo type we refuse?". */
export const UNSUPPORTED_PROMPTFOO_TYPES: ReadonlySet<string> = new Set(Object.keys(DELEGATED_PROMPTFOO_TYPES));

/**
 * promptfoo's assertion type order (BaseAssertionTypesSchema): the CSV compact syntax `type:value` matches types with
 * one regex alternation in this order, so e.g. `similar:cosine:x` reads as `similar` with value `cosine:x` there.
 */
export const PROMPTFOO_TYPE_ORDER: readonly string[] = [
  'agent-rubric',
  'answer-relevance',
  'bleu',
  'classifier',
  'contains',
  'contains-all',
  'contains-any',
  'contains-html',
  'contains-json',
  'contains-sql',
  'contains-xml',
  'context-faithfulness',
  'context-recall',
  'context-relevance',
  'conversation-relevance',
  'cost',
  'equals',
  'factuality',
  'finish-reason',
  'g-eval',
  'gleu',
  'guardrails',
  'icontains',
  'icontains-all',
  'icontains-any',
  'is-html',
  'is-json',
  'is-refusal',
  'is-sql',
  'is-valid-function-call',
  'is-valid-openai-function-call',
  'is-valid-openai-tools-call',
  'is-xml',
  'javascript',
  'latency',
  'levenshtein',
  'llm-rubric',
  'pi',
  'meteor',
  'model-graded-closedqa',
  'model-graded-factuality',
  'moderation',
  'perplexity',
  'perplexity-score',
  'python',
  'regex',
  'rouge-n',
  'ruby',
  'similar',
  'similar:cosine',
  'similar:dot',
  'similar:euclidean',
  'starts-with',
  'skill-used',
  'trajectory:goal-success',
  'trajectory:tool-args-match',
  'trajectory:step-count',
  'trajectory:tool-sequence',
  'trajectory:tool-used',
  'trace-error-spans',
  'trace-span-count',
  'trace-span-duration',
  'search-rubric',
  'webhook',
  'word-count',
  'select-best',
  'human',
  'max-score',
  'assert-set',
];

/** Splits `not-contains` into its base type and negation. */
export function splitAssertionType(type: string): { base: string; negate: boolean } {
  return type.startsWith('not-') ? { base: type.slice(4), negate: true } : { base: type, negate: false };
}
