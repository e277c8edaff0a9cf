/** One cell of an eval (a test on one prompt × provider), as either tool reported it, in one shape. */
export interface CaseResult {
  /** The test's index after expansion (var arrays, scenarios, file:// lists). */
  test: number;
  /** promptfoo's column: provider-major, `providerIndex × prompts + promptIndex`. */
  column: number;
  verdict: 'pass' | 'fail' | 'error';
  /** null when the call errored (no score to compare). */
  score: number | null;
  /** The rendered prompt as the tool reports it. */
  prompt: string;
  /** The provider as the tool names it (for the detail list only: the calls themselves are compared from the log). */
  provider: string;
  output: string;
  reason: string;
  description?: string;
}

export const cellKey = (c: Pick<CaseResult, 'test' | 'column'>): string => `${c.test}/${c.column}`;
