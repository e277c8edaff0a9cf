import { strict as assert } from 'node:assert';
import type { AssertionOutcome } from '../../../src/core/evals/assertions/assertionOutcome';
import { assertionFailures, skippedCount } from '../../../src/core/evals/editor/caseFailures';

const at = (line: number) => ({ file: '/w/a.eval.yaml', range: { start: { line, column: 8 }, end: { line, column: 20 } } });
const outcome = (o: Partial<AssertionOutcome>): AssertionOutcome => ({
  type: 'equals',
  pass: true,
  score: 1,
  reason: 'Assertion passed',
  weight: 1,
  location: at(0),
  ...o,
});

describe('case failures', () => {
  it('lists failing assertions with expected/actual at their own line', () => {
    const failures = assertionFailures([
      outcome({ type: 'contains', location: at(5) }),
      outcome({
        pass: false,
        score: 0,
        reason: 'Expected output to equal "invoice"',
        expected: 'invoice',
        actual: 'maybe billing',
        location: at(7),
      }),
    ]);
    assert.equal(failures.length, 1);
    assert.deepEqual([failures[0].expected, failures[0].actual, failures[0].location.range.start.line], ['invoice', 'maybe billing', 7]);
    assert.match(failures[0].title, /^equals: Expected output/);
  });

  it('points into an assert-set at the member that failed', () => {
    const failures = assertionFailures([
      outcome({
        type: 'assert-set',
        pass: false,
        location: at(10),
        components: [outcome({ location: at(11) }), outcome({ type: 'regex', pass: false, reason: 'no match', location: at(12) })],
      }),
    ]);
    assert.deepEqual(
      failures.map((f) => f.location.range.start.line),
      [12],
    );
  });

  it('skipped assertions (untrusted workspace) are counted, not failed', () => {
    const outcomes = [outcome({ type: 'javascript', pass: false, skipped: true, reason: 'skipped: workspace not trusted' })];
    assert.deepEqual(assertionFailures(outcomes), []);
    assert.equal(skippedCount(outcomes), 1);
  });
});
