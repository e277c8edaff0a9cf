import type { ModelRef } from '../models/modelRef';
import type { Task } from '../providers/chat';
import type { GraderChoice } from './assertions/grading/graderChoice';
import type { FactualityScores } from './assertions/grading/modelGraded';
import type { PromptFunctionRef } from './promptFunctions';
import type { EvalDiagnostic, SourceRange } from './sourceRange';

/** Where something was written: the file (an eval file or a `file://` target) and the range in it. */
export interface SourceLocation {
  file: string;
  range: SourceRange;
}

/**
 * One prompt as promptfoo holds it: `raw` is the template text (a chat prompt is JSON text, as promptfoo keeps a
 * `.json` prompt file), rendered with Nunjucks per case and parsed into messages by each provider's rules.
 */
export interface PromptSpec {
  label: string;
  raw: string;
  /** `{raw, label, config}`: provider config merged over the provider's own for this prompt. */
  config?: Record<string, unknown>;
  /** A `.js`/`.py` prompt function (`file://prompt.js:fn`), run per case only where code may run (CLI, trusted workspace). */
  fn?: PromptFunctionRef;
  location: SourceLocation;
}

/** The wire protocol promptfoo speaks for a provider id; every one of them is served by one of our adapters. */
export type EvalProtocol = 'openai-chat' | 'openai-responses' | 'anthropic-messages' | 'ollama-chat' | 'ollama-generate';

/** Where a provider entry's key comes from: the user's own (env / SecretStorage) or the eval file. */
export type KeyOrigin = { kind: 'user' } | { kind: 'file'; apiKey: string } | { kind: 'file-env'; variable: string };

/** One model to run every test on. `ref` is already normalized to our `provider:model` form. */
export interface ProviderSpec {
  /** As written in the file (`openai:chat:gpt-4o-mini`). */
  id: string;
  ref: ModelRef;
  label: string;
  /** How promptfoo would call it (absent for our own refs and the editor's comparison: plain chat through the gateway). */
  protocol?: EvalProtocol;
  /** OpenAI-compatible vendor prefix (groq, mistral...): its default base URL and key variable apply. */
  vendor?: string;
  /** `config` keys that shape the request (temperature, max_tokens, response_format...), as written. */
  config?: Record<string, unknown>;
  temperature?: number;
  maxTokens?: number;
  /** The provider's base URL for this run (promptfoo's `config.apiBaseUrl` / `apiHost`, or a vendor's default). */
  apiBaseUrl?: string;
  /** Whether the base URL came from the eval file (then only a key from the file may go there). */
  baseUrlFromFile?: boolean;
  /** Where `config.apiBaseUrl` is written (the editor warns there that it ignores it). */
  apiBaseUrlLocation?: SourceLocation;
  /** Key origin (`config.apiKey`, `config.apiKeyEnvar`), with where it is written. */
  key?: KeyOrigin;
  keyLocation?: SourceLocation;
  /** Azure OpenAI (`azure:chat:<deployment>`): Azure's path, `api-key` header and promptfoo's Azure body. */
  azure?: boolean;
  /** Azure OpenAI: `api-version` for the deployment (`config.apiVersion`). */
  azureApiVersion?: string;
  /** Provider-level output transform (promptfoo `transform` on the provider entry). */
  transform?: string;
  /** `prompts:` on the provider: labels of the prompts it runs (promptfoo's providerPromptMap). */
  prompts?: string[];
  location: SourceLocation;
}

export interface AssertionSpec {
  /** Base type without the `not-` prefix, e.g. `contains`. */
  type: string;
  negate: boolean;
  value?: unknown;
  threshold?: number;
  weight: number;
  /** Grader model for llm-rubric (`provider:model`), when the assertion names one. */
  provider?: string;
  metric?: string;
  /** assert-set members. */
  assert?: AssertionSpec[];
  /** The assertion's own `provider` (promptfoo: it wins over the test's options.provider). */
  grader?: GraderChoice;
  /** The assertion's own `rubricPrompt`, `file://` targets already read. */
  rubricPrompt?: unknown;
  /** promptfoo assertion `transform`: JavaScript over `output` and `context` (or a file:// script) applied before checking. */
  transform?: string;
  /** `value: file://check.py:fn` (or .js): the script computes the value (or, for python/javascript, the verdict). */
  valueScript?: ValueScript;
  /** `value` was read from a `file://` .txt/.json/.yaml target: promptfoo does not render such values as templates. */
  valueFromFile?: boolean;
  /** promptfoo assertion `config`, passed to scripts as `context.config`. */
  config?: Record<string, unknown>;
  location: SourceLocation;
}

export interface ValueScript {
  /** Absolute path. */
  file: string;
  /** Function to call; default `get_assert` (Python) or the module's export (JavaScript). */
  functionName?: string;
  language: 'python' | 'javascript';
}

/** promptfoo's test `options` that model-graded assertions read (defaultTest's merged under the test's). */
export interface GradingOptions {
  /** options.provider; else defaultTest.provider, as promptfoo falls back. */
  grader?: GraderChoice;
  /** options.rubricPrompt, `file://` targets already read. */
  rubricPrompt?: unknown;
  /** options.factuality: the score of each factuality category. */
  factuality?: FactualityScores;
}

/** promptfoo `derivedMetrics`: a named score computed from the named scores (`metric:`) of each case. */
export interface DerivedMetric {
  name: string;
  /** A mathjs expression over the named-score totals and `__count` (YAML cannot hold promptfoo's function form). */
  value: string;
  location: SourceLocation;
}

/** Test `options` that change what is sent or checked (promptfoo's names). Code runs only where code may run. */
export interface CaseOptions {
  prefix?: string;
  suffix?: string;
  /** Output transform: inline JavaScript or `file://x.js[:fn]`. */
  transform?: string;
  /** Vars transform, applied before rendering. */
  transformVars?: string;
  storeOutputAs?: string;
  /** Per-test repeat count (promptfoo `options.repeat`). */
  repeat?: number;
}

export interface EvalCase {
  /** Position in the file's test list (after `file://` lists and var combinations are expanded); stable id for the editor. */
  index: number;
  description: string;
  /** Vars after defaultTest, var combinations and `file://` loading; `{{ }}` between vars resolve at render time. */
  vars: Record<string, unknown>;
  options?: CaseOptions;
  /** Test-level `provider`: replaces the provider of every column for this test (promptfoo's `test.provider`). */
  provider?: ProviderSpec;
  /** Test-level `prompts` / `providers` filters (labels or ids; `group:*` wildcards). */
  prompts?: string[];
  providers?: string[];
  /** The test's own assertions followed by defaultTest's (promptfoo appends defaultTest.assert). */
  assert: AssertionSpec[];
  threshold?: number;
  /** Grader for model-graded assertions: test options.provider, else defaultTest's. */
  grader?: string;
  /** The test's grading options (the grader of each kind, rubricPrompt, factuality scores). */
  grading?: GradingOptions;
  /** The test uses what only promptfoo runs (its errors say which): never run natively. */
  needsPromptfoo?: boolean;
  location: SourceLocation;
}

export interface EvalFile {
  /** Absolute path. */
  path: string;
  description?: string;
  prompts: PromptSpec[];
  /** Empty when the file names no provider: the runner routes `task` through the gateway. */
  providers: ProviderSpec[];
  task: Task;
  tests: EvalCase[];
  /** Quality gate for the model recommendation (share of cases that must pass). */
  minPassRate?: number;
  callsPerDay?: number;
  /** `env:` of the file, overlaid on the process environment for `{{ env.X }}`. */
  env?: Record<string, string>;
  /** `evaluateOptions.repeat`: repeats when the command line sets none (a test's `options.repeat` wins over both). */
  repeat?: number;
  /** `nunjucksFilters:` name -> module path (absolute); loaded only where code may run. */
  nunjucksFilters?: Record<string, string>;
  /** `derivedMetrics:` computed per prompt column after each result (see derivedMetrics.ts). */
  derivedMetrics?: DerivedMetric[];
  /** Every problem found; the file runs only without `fatal` ones, and a bad test is skipped alone. */
  diagnostics: EvalDiagnostic[];
  /** True when the file as a whole cannot run (syntax error, no prompts...). */
  fatal: boolean;
  /**
   * The file's only errors are features promptfoo runs (delegable refusals): `file` = nothing may run natively
   * (a top-level feature such as redteam), `tests` = the tests marked needsPromptfoo may not.
   */
  needsPromptfoo?: 'file' | 'tests';
}

export function hasErrors(file: Pick<EvalFile, 'diagnostics'>): boolean {
  return file.diagnostics.some((d) => d.severity === 'error');
}
