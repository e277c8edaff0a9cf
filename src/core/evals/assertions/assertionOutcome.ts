import type { StopReason } from '../../providers/chat';
import type { GradingOptions, SourceLocation } from '../evalModel';
import type { GraderModel } from './grading/graderChoice';
import type { EmbeddingReply, GraderReply } from './grading/graderCalls';

/** What an assertion sees of one answer. */
export interface AssertionInput {
  output: string;
  /** The output when it is not text (tool calls, a json_schema answer): transforms and code see it as it is. */
  rawOutput?: unknown;
  vars: Record<string, unknown>;
  /** The rendered prompt as sent (chat prompts as JSON), for `context.prompt`. */
  prompt: string;
  latencyMs: number;
  /** null = unknown price. */
  costUsd: number | null;
  cached: boolean;
  /** Why the answer ended, when the provider said (finish-reason). */
  stopReason?: StopReason;
  /** The answer's token logprobs, when the provider returned them (perplexity). */
  logProbs?: number[];
  /** The test as written (description, vars, options), for script assertions' `context.test`. */
  test?: { description?: string; vars: Record<string, unknown> };
}

/** What the runner lends the assertions: permission to run code and a way to ask the grader model. */
export interface AssertionRuntime {
  /** javascript assertions run only when true (a trusted workspace, or the CLI unless --no-code). */
  allowCode: boolean;
  /** Text grader when neither the assertion nor the test names one (CLI --grader). */
  fallbackGrader?: string;
  /** promptfoo's default grader for this environment (defaultGrader.ts), after the fallback; else why there is none. */
  defaultGrader?: { ref: string } | { why: string };
  /** Per-case grader (test options.provider, else defaultTest's). */
  testGrader?: string;
  /** Wall-clock limit of one javascript assertion or transform. */
  codeTimeoutMs?: number;
  /** Wall-clock limit of one regex test (default 1 s). */
  regexTimeoutMs?: number;
  /** Wall-clock limit of one Python call (default 30 s). */
  pythonTimeoutMs?: number;
  /** Ends regex workers and Python processes when the run is cancelled. */
  signal?: AbortSignal;
  /** The case's grading options (options.provider, rubricPrompt, factuality), defaultTest's merged in. */
  grading?: GradingOptions;
  /** Sends a rendered grading prompt to a text grader (model-graded assertions). */
  callGrader?: (model: GraderModel, prompt: string) => Promise<GraderReply>;
  /** Embeds a text with an embedding model (similar, answer-relevance). */
  embed?: (model: GraderModel, text: string) => Promise<EmbeddingReply>;
  /** The eval file's folder: `file://` scripts in assertion values resolve against it. */
  baseDir?: string;
}

export interface AssertionOutcome {
  /** As written, e.g. `not-contains`. */
  type: string;
  pass: boolean;
  /** 0..1 for most types; javascript may return any number. */
  score: number;
  reason: string;
  weight: number;
  /** The assertion's `metric:`, rendered with the case's vars as promptfoo renders it (named scores, derivedMetrics). */
  metric?: string;
  /** Could not be evaluated here (code execution disabled): left out of the score and the verdict. */
  skipped?: boolean;
  /** For the editor's diff view. */
  expected?: string;
  actual?: string;
  location: SourceLocation;
  /** assert-set members. */
  components?: AssertionOutcome[];
  /** USD spent by a grader model, when one ran. */
  graderCostUsd?: number | null;
  /** The check threw (promptfoo: the whole case is an error, not a failure). */
  error?: boolean;
}

/** The part of an outcome a single check decides; the dispatcher adds type, weight and location. */
export type Check = Pick<AssertionOutcome, 'pass' | 'score' | 'reason'> &
  Partial<Pick<AssertionOutcome, 'expected' | 'actual' | 'skipped' | 'graderCostUsd' | 'error'>>;

/** pass/fail checks score 1 or 0; `not-` flips the condition, as in promptfoo. */
export function booleanCheck(condition: boolean, negate: boolean, failReason: string, negatedFailReason: string): Check {
  const pass = condition !== negate;
  return { pass, score: pass ? 1 : 0, reason: pass ? 'Assertion passed' : negate ? negatedFailReason : failReason };
}
