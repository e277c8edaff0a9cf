import { strict as assert } from 'node:assert';
import { compareRuns, type ToolOutcome } from '../../../test/compat/compareRuns';

/** How the parity harness reads a promptfoo run that produced no cases: a rejection, or no anchor at all. */
describe('compat verdicts when promptfoo has no cases', () => {
  const refusedAtLine: ToolOutcome = {
    exitCode: 2,
    timedOut: false,
    stderr: 'promptfooconfig.yaml:3:5: error: `redteam` runs with promptfoo — run this file with --engine promptfoo\n',
    requests: [],
  };
  const noExplicitParams = () => false;

  it('promptfoo rejecting the config and our refusing it agree', () => {
    const rejected: ToolOutcome = { exitCode: 1, timedOut: false, stderr: 'Invalid config', requests: [], problem: 'exit 1' };
    assert.equal(compareRuns(rejected, refusedAtLine, undefined, noExplicitParams).status, 'agree');
  });

  it('promptfoo timing out is broken, never agreement with our refusal', () => {
    const timedOut: ToolOutcome = { exitCode: null, timedOut: true, stderr: '', requests: [], problem: 'timed out' };
    const verdict = compareRuns(timedOut, refusedAtLine, undefined, noExplicitParams);
    assert.equal(verdict.status, 'broken');
    assert.deepEqual(
      verdict.differences.map((d) => d.category),
      ['promptfoo: timed out'],
    );
  });
});
