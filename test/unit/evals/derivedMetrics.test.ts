import assert from 'node:assert/strict';
import type { AssertionOutcome } from '../../../src/core/evals/assertions/assertionOutcome';
import { caseNamedScores, DerivedMetricsTracker } from '../../../src/core/evals/derivedMetrics';
import type { EvalCaseResult } from '../../../src/core/evals/evalResult';
import type { DerivedMetric } from '../../../src/core/evals/evalModel';

const at = { file: 'f.yaml', range: { start: { line: 0, column: 0 }, end: { line: 0, column: 0 } } };
const outcome = (score: number, weight: number, metric?: string, components?: AssertionOutcome[]): AssertionOutcome => ({
  type: 'contains',
  pass: score > 0,
  score,
  reason: '',
  weight,
  location: at,
  ...(metric ? { metric } : {}),
  ...(components ? { components } : {}),
});
const result = (assertions: AssertionOutcome[], promptIndex = 0): EvalCaseResult =>
  ({ file: 'f.yaml', promptIndex, promptLabel: 'p', providerLabel: 'openai:gpt-4o-mini', assertions }) as unknown as EvalCaseResult;
const metric = (name: string, value: string): DerivedMetric => ({ name, value, location: at });

describe('derivedMetrics (promptfoo 0.123.1 semantics)', () => {
  it("a case's named score is the weighted mean of its metric's assertions; an assert-set joins with its weight", () => {
    const named = caseNamedScores([
      outcome(1, 2, 'accuracy'),
      outcome(0, 1, 'accuracy'),
      outcome(0.5, 3, 'set', [outcome(1, 1), outcome(0, 1, 'tone')]),
    ]);
    assert.deepEqual(named.scores, { accuracy: 2 / 3, set: 0.5, tone: 0 });
    assert.deepEqual(named.weights, { accuracy: 3, set: 3, tone: 3 });
    // weight 0: the metric exists with score 0 (promptfoo divides only by a positive weight)
    assert.deepEqual(caseNamedScores([outcome(1, 0, 'm')]).scores, { m: 0 });
  });

  it('derived values are evaluated over column totals and __count; a missing name keeps 0 and says why', () => {
    const tracker = new DerivedMetricsTracker(
      new Map([
        [
          'f.yaml',
          [
            metric('mean', 'accuracy / __count'),
            metric('pct', 'mean * 100'),
            metric('bad', 'accuracy + nope'),
            metric('zero', 'accuracy / 0'),
          ],
        ],
      ]),
    );
    tracker.add(result([outcome(1, 2, 'accuracy')]));
    tracker.add(result([outcome(0.5, 1, 'accuracy')]));
    tracker.add(result([])); // an errored call: no named scores, but it counts
    const [column] = tracker.columns();
    assert.equal(column.namedScores.accuracy, 2.5); // totals are score × weight sums, not means
    assert.equal(column.derived.mean, 2.5 / 3);
    assert.equal(column.derived.pct, (2.5 / 3) * 100);
    assert.equal(column.derived.bad, 0);
    assert.match(column.errors.bad, /Undefined symbol nope/);
    assert.equal(column.derived.zero, Infinity);
  });

  it('each prompt column has its own totals; files without derivedMetrics are not tracked', () => {
    const tracker = new DerivedMetricsTracker(new Map([['f.yaml', [metric('n', '__count')]]]));
    tracker.add(result([], 0));
    tracker.add(result([], 1));
    tracker.add(result([], 1));
    assert.deepEqual(
      tracker.columns().map((c) => c.derived.n),
      [1, 2],
    );
    assert.equal(DerivedMetricsTracker.forFiles([{ path: 'x.yaml' }]), undefined);
  });
});
