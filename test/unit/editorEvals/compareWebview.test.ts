import { strict as assert } from 'node:assert';
import { JSDOM } from 'jsdom';
import { renderCompare } from '../../../media/evalCompare/renderCompare';
import { isCompareWebviewMessage, type CompareView } from '../../../src/shared/evalCompareProtocol';

const column = (model: string, o: Partial<CompareView['models'][number]> = {}) => ({
  model,
  label: model,
  passed: 3,
  total: 3,
  passRate: 1,
  meanMs: 200,
  p95Ms: 250,
  costUsd: 0.0003,
  costPerCallUsd: 0.0001,
  unknownCostCalls: 0,
  errors: 0,
  meetsThreshold: true,
  recommended: false,
  ...o,
});

function view(o: Partial<CompareView> = {}): CompareView {
  return {
    file: 'evals/tickets.eval.yaml',
    task: 'classify',
    threshold: 1,
    caseCount: 1,
    models: [
      column('a:cheap', { passed: 2, passRate: 2 / 3, meetsThreshold: false }),
      column('b:mid', { recommended: true }),
      column('c:<img src=x onerror=alert(1)>'),
    ],
    cases: [
      { description: 'case <b>1</b>', results: { 'a:cheap': { pass: false, reason: 'Expected "invoice"' }, 'b:mid': { pass: true } } },
    ],
    recommendation: { model: 'b:mid', fallbacks: ['c:big'], reason: 'b:mid is the cheapest candidate that passes.' },
    record: '# Model selection: classify',
    ...o,
  };
}

function render(v: CompareView) {
  const dom = new JSDOM('<!doctype html><main id="root"></main>');
  const root = dom.window.document.getElementById('root')!;
  const calls: string[] = [];
  renderCompare(root, v, { saveRecord: () => calls.push('save'), setRoute: () => calls.push('route'), cancel: () => calls.push('cancel') });
  return { root, calls };
}

describe('model comparison webview', () => {
  it('highlights the recommended model and offers to save the record and set the route', () => {
    const { root, calls } = render(view());
    assert.equal(root.querySelector('#recommended-model')!.textContent, 'b:mid');
    assert.deepEqual(
      [...root.querySelectorAll('tr.recommended')].map((tr) => tr.getAttribute('data-model')),
      ['b:mid'],
    );
    assert.match(root.querySelector('tr[data-model="a:cheap"]')!.textContent!, /66\.7% \(2\/3\)/);
    (root.querySelector('#save-record') as HTMLButtonElement).click();
    (root.querySelector('#set-route') as HTMLButtonElement).click();
    assert.deepEqual(calls, ['save', 'route']);
  });

  it('renders names and descriptions as text, never markup', () => {
    const { root } = render(view());
    assert.equal(root.querySelectorAll('img, b').length, 0);
    assert.ok(root.textContent!.includes('case <b>1</b>'));
  });

  it('file, task, failure reasons, the recommendation and a stop notice from eval files and answers stay text', () => {
    const evil = '<img src=x onerror=alert(1)><script>alert(2)</script>';
    const { root } = render(
      view({
        file: `evals/${evil}.eval.yaml`,
        task: evil,
        cases: [{ description: 'c', results: { 'a:cheap': { pass: false, reason: `Expected ${evil}` } } }],
        recommendation: { model: 'b:mid', reason: evil },
        record: evil,
        stopped: evil,
      }),
    );
    assert.equal(root.querySelectorAll('img, script').length, 0);
    assert.ok(root.textContent!.split(evil).length - 1 >= 5, root.textContent!);
  });

  it('while running: progress with Cancel, and no actions yet', () => {
    const { root, calls } = render(view({ progress: { done: 2, total: 9 }, recommendation: { reason: 'Running…' } }));
    assert.equal(root.querySelector('progress')!.getAttribute('value'), '2');
    assert.equal(root.querySelector('#save-record'), null);
    (root.querySelector('#cancel') as HTMLButtonElement).click();
    assert.deepEqual(calls, ['cancel']);
  });

  it('the host accepts only well-formed messages', () => {
    assert.ok(isCompareWebviewMessage({ type: 'rendered', columns: 3, recommended: 'b:mid' }));
    assert.ok(!isCompareWebviewMessage({ type: 'rendered' }));
    assert.ok(!isCompareWebviewMessage({ type: 'runShell' }));
  });
});
