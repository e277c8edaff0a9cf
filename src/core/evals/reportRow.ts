import type { AssertionOutcome } from './assertions/assertionOutcome';
import type { EvalCaseResult } from './evalResult';

/** What the results table, the JUnit report and the truncation line read of a result (an EvalCaseResult is one). */
export type ReportResult = Pick<
  EvalCaseResult,
  | 'file'
  | 'caseIndex'
  | 'description'
  | 'location'
  | 'promptIndex'
  | 'promptLabel'
  | 'providerLabel'
  | 'model'
  | 'repeat'
  | 'verdict'
  | 'score'
  | 'reason'
  | 'output'
  | 'latencyMs'
  | 'costUsd'
  | 'cached'
  | 'stopReason'
  | 'error'
> & { assertions: readonly AssertionOutcome[] };

const NO_ASSERTIONS: readonly AssertionOutcome[] = Object.freeze([]);

/**
 * A result reduced to what the reports print, for runs that keep every case until the end (the CLI's table and
 * JUnit): one fixed-shape object of numbers and shared strings. A pass keeps no output, reason, model or assertion
 * detail (no report prints them for a pass); a failure keeps its assertions and its output clipped as JUnit prints it.
 * The rendered prompt, tokens and timings the reports do not show stay in the JSONL only.
 */
export class ReportRow implements ReportResult {
  readonly file: string;
  readonly caseIndex: number;
  readonly description: string;
  readonly location: EvalCaseResult['location'];
  readonly promptIndex: number;
  readonly promptLabel: string;
  readonly providerLabel: string;
  readonly model: EvalCaseResult['model'];
  readonly repeat: number;
  readonly verdict: EvalCaseResult['verdict'];
  readonly score: number;
  readonly reason: string;
  readonly output: string;
  readonly latencyMs: number;
  readonly costUsd: number | null;
  readonly cached: boolean;
  readonly stopReason: EvalCaseResult['stopReason'];
  readonly error: EvalCaseResult['error'];
  readonly assertions: readonly AssertionOutcome[];

  constructor(result: EvalCaseResult) {
    const pass = result.verdict === 'pass';
    this.file = result.file;
    this.caseIndex = result.caseIndex;
    this.description = result.description;
    this.location = result.location;
    this.promptIndex = result.promptIndex;
    this.promptLabel = result.promptLabel;
    this.providerLabel = result.providerLabel;
    this.model = pass ? undefined : result.model;
    this.repeat = result.repeat;
    this.verdict = result.verdict;
    this.score = result.score;
    this.reason = pass ? '' : result.reason;
    this.output = pass ? '' : result.output.length > 2000 ? `${result.output.slice(0, 2000)}…` : result.output;
    this.latencyMs = result.latencyMs;
    this.costUsd = result.costUsd;
    this.cached = result.cached;
    this.stopReason = result.stopReason;
    this.error = result.error;
    this.assertions = pass ? NO_ASSERTIONS : result.assertions;
  }
}
