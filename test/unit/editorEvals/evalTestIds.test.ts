import { strict as assert } from 'node:assert';
import { selectionFor, selects, type EvalItemRef } from '../../../src/core/evals/editor/evalTestIds';

describe('eval test item selection', () => {
  const providers = ['openai:gpt-4o-mini', 'anthropic:claude-haiku-4-5'];
  const file: EvalItemRef = { kind: 'file' };
  const case1: EvalItemRef = { kind: 'case', caseIndex: 1 };
  const p = (caseIndex: number, provider: string): EvalItemRef => ({ kind: 'provider', caseIndex, provider });

  it('a file item runs every case on every provider', () => {
    const s = selectionFor([file], [], providers);
    assert.ok(selects(s, 0, providers[0]) && selects(s, 7, providers[1]));
  });

  it('a case item runs that case on all providers, and nothing else', () => {
    const s = selectionFor([case1], [], providers);
    assert.ok(selects(s, 1, providers[0]) && selects(s, 1, providers[1]));
    assert.ok(!selects(s, 0, providers[0]));
  });

  it('a provider item runs only that provider of that case', () => {
    const s = selectionFor([p(2, providers[1])], [], providers);
    assert.ok(selects(s, 2, providers[1]));
    assert.ok(!selects(s, 2, providers[0]));
    assert.ok(!selects(s, 1, providers[1]));
  });

  it('a case item wins over one of its provider items asked together', () => {
    const s = selectionFor([p(1, providers[0]), case1], [], providers);
    assert.ok(selects(s, 1, providers[1]));
  });

  it('exclusions win: an excluded case or provider is not run', () => {
    const s = selectionFor([file], [case1, p(0, providers[0])], providers);
    assert.ok(!selects(s, 1, providers[0]) && !selects(s, 1, providers[1]));
    assert.ok(!selects(s, 0, providers[0]));
    assert.ok(selects(s, 0, providers[1]));
    assert.ok(selects(s, 3, providers[0]));
  });

  it('a file without providers (routed by task) selects cases without a provider', () => {
    const s = selectionFor([case1]);
    assert.ok(selects(s, 1));
    assert.ok(!selects(s, 0));
    assert.ok(selects(selectionFor([file]), 4));
  });
});
