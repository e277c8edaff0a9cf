/** promptfoo's scoring rules (site/docs/configuration/expected-outputs/index.md), one documented example per test. */
import * as assert from 'node:assert/strict';
import { runAssertions } from '../../../src/core/evals/assertions/runAssertions';
import { answer, assertion } from './assertionBuilders';

const rt = { allowCode: true };

describe('weighted scoring and thresholds (promptfoo semantics)', () => {
  const weighted = [assertion('equals', { value: 'Hello world', weight: 2 }), assertion('contains', { value: 'world', weight: 1 })];

  it('"Weighted assertions": Goodbye world scores 1/3 and fails without a threshold', async () => {
    const v = await runAssertions(weighted, answer('Goodbye world'), rt);
    assert.ok(Math.abs(v.score - 1 / 3) < 1e-9);
    assert.equal(v.pass, false);
  });

  it('"Setting a score requirement": threshold 0.5 fails at 0.33, threshold 0.2 passes', async () => {
    assert.equal((await runAssertions(weighted, answer('Goodbye world'), rt, 0.5)).pass, false);
    assert.equal((await runAssertions(weighted, answer('Goodbye world'), rt, 0.2)).pass, true);
  });

  it('threshold 0 passes regardless of individual failures', async () => {
    const v = await runAssertions([assertion('equals', { value: 'a' })], answer('b'), rt, 0);
    assert.equal(v.pass, true);
    assert.equal(v.score, 0);
  });

  it('"If weight is set to 0, the assertion automatically passes" and adds nothing to the score', async () => {
    const v = await runAssertions(
      [assertion('contains', { value: 'zzz', weight: 0 }), assertion('contains', { value: 'abc' })],
      answer('abc'),
      rt,
    );
    assert.equal(v.pass, true);
    assert.equal(v.score, 1);
    assert.equal(v.assertions[0].pass, true);
  });

  it('all assertions passing gives score 1 and pass; no assertions at all passes', async () => {
    assert.deepEqual((({ pass, score }) => ({ pass, score }))(await runAssertions(weighted, answer('Hello world'), rt)), {
      pass: true,
      score: 1,
    });
    assert.equal((await runAssertions([], answer('x'), rt)).pass, true);
  });

  it('"Grouping assertions via Assertion Sets": passes when every member passes', async () => {
    const set = assertion('assert-set', { assert: [assertion('cost', { threshold: 0.001 }), assertion('latency', { threshold: 200 })] });
    assert.equal((await runAssertions([set], answer('x', { costUsd: 0.0005, latencyMs: 150 }), rt)).pass, true);
    assert.equal((await runAssertions([set], answer('x', { costUsd: 0.0005, latencyMs: 250 }), rt)).pass, false);
  });

  it('"cheap or fast": an assert-set with threshold 0.5 passes when one of two members passes', async () => {
    const set = assertion('assert-set', {
      threshold: 0.5,
      assert: [assertion('cost', { threshold: 0.001 }), assertion('latency', { threshold: 200 })],
    });
    const v = await runAssertions([set], answer('x', { costUsd: 0.0005, latencyMs: 250 }), rt);
    assert.equal(v.pass, true);
    assert.equal(v.assertions[0].score, 0.5);
    assert.equal((await runAssertions([set], answer('x', { costUsd: 0.01, latencyMs: 250 }), rt)).pass, false);
  });

  it('an assert-set counts as one assertion with its weight in the test score', async () => {
    const set = assertion('assert-set', {
      weight: 3,
      threshold: 0.5,
      assert: [assertion('contains', { value: 'a' }), assertion('contains', { value: 'z' })],
    });
    const v = await runAssertions([set, assertion('contains', { value: 'q' })], answer('abc'), rt);
    // set score 0.5 * 3 + 0 * 1 over 4
    assert.ok(Math.abs(v.score - 1.5 / 4) < 1e-9);
    assert.equal(v.pass, false); // the plain contains failed and there is no test threshold
  });

  it('a skipped javascript assertion leaves the score and verdict to the others', async () => {
    const v = await runAssertions([assertion('javascript', { value: 'true' }), assertion('contains', { value: 'a' })], answer('a'), {
      allowCode: false,
    });
    assert.equal(v.pass, true);
    assert.equal(v.score, 1);
    assert.equal(v.skipped, true);
  });
});
