import type { SourceLocation } from '../evalModel';

/** What an assertion sees of one answer. */
export interface AssertionInput {
  output: string;
  vars: Record<string, unknown>;
  /** The rendered prompt as sent (chat prompts as JSON), for `context.prompt`. */
  prompt: string;
  latencyMs: number;
  /** null = unknown price. */
  costUsd: number | null;
  cached: boolean;
}

export interface GradeRequest {
  grader: string;
  rubric: string;
  output: string;
  vars: Record<string, unknown>;
  prompt: string;
}

export interface GradeResult {
  pass: boolean;
  score: number;
  reason: string;
  costUsd?: number | null;
}

/** What the runner lends the assertions: permission to run code and a way to ask the grader model. */
export interface AssertionRuntime {
  /** javascript assertions run only when true (a trusted workspace, or the CLI unless --no-code). */
  allowCode: boolean;
  /** Grades with a model for llm-rubric; absent = no gateway (e.g. a parse-only host). */
  grade?: (request: GradeRequest) => Promise<GradeResult>;
  /** Used by llm-rubric when neither the assertion nor the test names a grader (CLI --grader). */
  fallbackGrader?: string;
  /** Per-case grader (test options.provider, else defaultTest's). */
  testGrader?: string;
  /** Wall-clock limit of one javascript assertion. */
  codeTimeoutMs?: number;
}

export interface AssertionOutcome {
  /** As written, e.g. `not-contains`. */
  type: string;
  pass: boolean;
  /** 0..1 for most types; javascript may return any number. */
  score: number;
  reason: string;
  weight: number;
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
}

/** The part of an outcome a single check decides; the dispatcher adds type, weight and location. */
export type Check = Pick<AssertionOutcome, 'pass' | 'score' | 'reason'> & Partial<Pick<AssertionOutcome, 'expected' | 'actual' | 'skipped' | 'graderCostUsd'>>;

/** pass/fail checks score 1 or 0; `not-` flips the condition, as in promptfoo. */
export function booleanCheck(condition: boolean, negate: boolean, failReason: string, negatedFailReason: string): Check {
  const pass = condition !== negate;
  return { pass, score: pass ? 1 : 0, reason: pass ? 'Assertion passed' : negate ? negatedFailReason : failReason };
}
