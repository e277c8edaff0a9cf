import type { ModelRef } from '../models/modelRef';
import type { StopReason } from '../providers/chat';
import type { ErrorKind } from '../providers/providerError';
import type { AssertionOutcome } from './assertions/assertionOutcome';
import type { SourceLocation } from './evalModel';

/** pass/fail by the assertions; `error` = the call failed; `skipped` = only code assertions that could not run here. */
export type Verdict = 'pass' | 'fail' | 'error' | 'skipped';

/** One test, on one prompt and one provider, in one repeat. One JSON line each in the results file. */
export interface EvalCaseResult {
  file: string;
  caseIndex: number;
  description: string;
  location: SourceLocation;
  promptIndex: number;
  promptLabel: string;
  /** The provider ref the file (or the comparison) asked for; undefined when the gateway routed the file's task. */
  provider?: ModelRef;
  providerLabel: string;
  /** Who actually answered (`provider:model` from the call record). */
  model?: ModelRef;
  repeat: number;
  verdict: Verdict;
  pass: boolean;
  score: number;
  reason: string;
  assertions: AssertionOutcome[];
  output: string;
  /** The rendered prompt (chat prompts as JSON). */
  prompt: string;
  latencyMs: number;
  ttftMs: number | null;
  /** Cost of the call (the original call's for a cached answer); null = unknown price. */
  costUsd: number | null;
  /** Spent by llm-rubric graders on this case. */
  graderCostUsd?: number | null;
  tokens: { input: number; output: number };
  /** Read from the response cache: latency and cost are the original call's, and no money was spent now. */
  cached: boolean;
  /** Why the answer ended; `max_tokens` = cut at the output limit (the output is incomplete). */
  stopReason?: StopReason;
  error?: { kind: ErrorKind | 'template'; message: string };
  /** Set when the workspace's promptfoo ran this case (`--engine promptfoo`, or auto for a file that needs it). */
  engine?: 'promptfoo';
}
