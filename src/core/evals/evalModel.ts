import type { ModelRef } from '../models/modelRef';
import type { Task } from '../providers/chat';
import type { GraderChoice } from './assertions/grading/graderChoice';
import type { FactualityScores } from './assertions/grading/modelGraded';
import type { EvalDiagnostic, SourceRange } from './sourceRange';

/** Where something was written: the file (an eval file or a `file://` target) and the range in it. */
export interface SourceLocation {
  file: string;
  range: SourceRange;
}

export type PromptRole = 'system' | 'user' | 'assistant';

export interface PromptMessage {
  role: PromptRole;
  content: string;
}

/** One prompt template: plain text (sent as one user message) or a chat-message list; both hold `{{var}}`s. */
export interface PromptSpec {
  label: string;
  template: string | PromptMessage[];
  location: SourceLocation;
}

/** One model to run every test on. `ref` is already normalized to our `provider:model` form. */
export interface ProviderSpec {
  /** As written in the file (`openai:chat:gpt-4o-mini`). */
  id: string;
  ref: ModelRef;
  label: string;
  temperature?: number;
  maxTokens?: number;
  /** The provider's base URL for this run (promptfoo's `config.apiBaseUrl`). */
  apiBaseUrl?: string;
  /** Where `config.apiBaseUrl` is written (the editor warns there that it ignores it). */
  apiBaseUrlLocation?: SourceLocation;
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
  /** A mathjs-style expression over metric names, or JavaScript when `value` is a function body. */
  value: string;
  location: SourceLocation;
}

export interface EvalCase {
  /** Position in the file's test list (after `file://` lists are expanded); stable id for the editor. */
  index: number;
  description: string;
  vars: Record<string, unknown>;
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
