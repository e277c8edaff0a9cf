import { strict as assert } from 'node:assert';
import {
  cancelledCaseText,
  caseDecorationKind,
  caseDecorationText,
  quote,
  type CaseOutcomeView,
} from '../../../src/core/evals/editor/caseVerdictText';
import { incompleteAnswer } from '../../../src/core/evals/incompleteAnswer';

const outcome = (o: Partial<CaseOutcomeView> = {}): CaseOutcomeView => ({
  pass: true,
  latencyMs: 412,
  costUsd: 0.0004,
  cached: false,
  skipped: 0,
  ...o,
});

describe('case decoration text', () => {
  it('a pass shows latency and cost as the issue writes it', () => {
    assert.equal(caseDecorationText([outcome()]), '✓ 412 ms · $0.0004');
  });

  it('a failure shows what was expected and what came back', () => {
    const text = caseDecorationText([
      outcome({
        pass: false,
        failure: { expected: 'invoice', actual: 'maybe billing or legal', reason: 'Expected output to equal "invoice"' },
      }),
    ]);
    assert.ok(text.startsWith('✗ expected "invoice", got "maybe billing or legal"'), text);
  });

  it('marks an answer that did not end on its own next to its verdict, never as if it were whole', () => {
    const truncated = incompleteAnswer('max_tokens');
    assert.equal(caseDecorationText([outcome({ incomplete: truncated })]), '✓ 412 ms · $0.0004 · ⚠ truncated');
    const two = caseDecorationText([outcome({ provider: 'a', incomplete: truncated }), outcome({ provider: 'b' })]);
    assert.ok(two.startsWith('✓ 2/2 passed'), two);
    assert.ok(two.endsWith(' · ⚠ 1 truncated'), two);
    assert.equal(incompleteAnswer('end'), undefined);
    assert.equal(incompleteAnswer(undefined), undefined);
    assert.equal(incompleteAnswer('content_filter')?.short, 'content filtered');
  });

  it('marks cached answers and unknown prices, never $0', () => {
    assert.equal(caseDecorationText([outcome({ cached: true, costUsd: null })]), '✓ 412 ms · cost unknown · cached');
  });

  it('a call that failed shows its error instead of a diff', () => {
    assert.equal(
      caseDecorationText([outcome({ pass: false, error: 'Ollama is not running at http://localhost:11434' })]),
      '✗ Ollama is not running at http://localhost:11434',
    );
  });

  it('several providers: share passed, mean latency, summed cost and the first failure', () => {
    const text = caseDecorationText([
      outcome({ provider: 'openai:gpt-4o-mini', latencyMs: 200, costUsd: 0.0001 }),
      outcome({
        provider: 'ollama:llama3.1:8b',
        pass: false,
        latencyMs: 600,
        costUsd: 0.0003,
        failure: { expected: 'a', actual: 'b', reason: '' },
      }),
    ]);
    assert.equal(text, '✗ 1/2 passed · 400 ms mean · $0.0004 · ollama:llama3.1:8b: expected "a", got "b"');
  });

  it('says when assertions were skipped because the workspace is not trusted', () => {
    assert.match(caseDecorationText([outcome({ skipped: 1 })]), /1 skipped: workspace not trusted$/);
  });

  it('a case skipped in Restricted Mode is never a green ✓: it says skipped, as the gutter and Test Explorer do', () => {
    const skipped = [outcome({ pass: false, skippedCase: true, skipped: 1 })];
    const text = caseDecorationText(skipped);
    assert.equal(text, '○ skipped: its javascript assertion did not run (workspace not trusted) · 412 ms · $0.0004');
    assert.ok(!text.includes('✓'));
    assert.equal(caseDecorationKind(skipped), 'skipped');
  });

  it('several providers, one skipped and one passed: a pass that counts the skipped one', () => {
    const views = [outcome({ provider: 'a:x' }), outcome({ provider: 'b:y', pass: false, skippedCase: true, skipped: 1 })];
    assert.equal(caseDecorationKind(views), 'pass');
    assert.match(caseDecorationText(views), /^✓ 1\/2 passed · 1 skipped · /);
  });

  it('a case a cancelled run did not finish is never green: what ran, in the skipped colour (failed if something failed)', () => {
    assert.deepEqual(cancelledCaseText([], 4), { text: '○ cancelled: did not run', kind: 'skipped' });
    assert.deepEqual(cancelledCaseText(['pass', 'pass'], 4), { text: '○ cancelled: 2/4 ran (2 passed)', kind: 'skipped' });
    assert.deepEqual(cancelledCaseText(['pass', 'fail'], 4), { text: '○ cancelled: 2/4 ran (1 passed, 1 failed)', kind: 'fail' });
  });

  it('keeps long or multi-line values on one short line', () => {
    const q = quote('line one\nline two ' + 'x'.repeat(100));
    assert.ok(!q.includes('\n'));
    assert.ok(q.length <= 50);
    assert.ok(q.endsWith('…"'));
  });
});
