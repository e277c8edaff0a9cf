import type { AssertionOutcome } from '../assertions/assertionOutcome';
import type { SourceLocation } from '../evalModel';

/** One failing assertion, ready for a TestMessage: a diff when the assertion knows expected and actual. */
export interface AssertionFailure {
  title: string;
  reason: string;
  expected?: string;
  actual?: string;
  location: SourceLocation;
}

/**
 * The failing assertions of one answer, innermost first for assert-sets (the member that failed is where the user
 * has to look). Skipped assertions are not failures.
 */
export function assertionFailures(outcomes: readonly AssertionOutcome[]): AssertionFailure[] {
  const out: AssertionFailure[] = [];
  for (const outcome of outcomes) {
    if (outcome.pass || outcome.skipped) continue;
    const inner = outcome.components ? assertionFailures(outcome.components) : [];
    if (inner.length > 0) {
      out.push(...inner);
      continue;
    }
    out.push({
      title: `${outcome.type}: ${outcome.reason}`,
      reason: outcome.reason,
      expected: outcome.expected,
      actual: outcome.actual,
      location: outcome.location,
    });
  }
  return out;
}

/** Assertions that could not run here (javascript in a restricted workspace), counted for the decoration. */
export function skippedCount(outcomes: readonly AssertionOutcome[]): number {
  return outcomes.reduce((n, o) => n + (o.skipped ? 1 : 0) + (o.components ? skippedCount(o.components) : 0), 0);
}
