import { strict as assert } from 'node:assert';
import { JSDOM } from 'jsdom';
import { buildCostReport } from '../../../src/core/cost/costReportData';
import { isCostReportWebviewMessage, type CostReportHostMessage } from '../../../src/shared/costReportProtocol';
import { renderCostReport } from '../../../media/costReport/renderCostReport';
import { callRecord, localIso } from './spendRecords';

describe('cost report webview rendering', () => {
  const now = new Date(2026, 2, 7, 15, 0);
  const hostile = '<img src=x onerror="window.pwned=1">';
  const records = [
    callRecord({ at: localIso(2026, 3, 7), costUsd: 0.3 }),
    callRecord({ at: localIso(2026, 3, 6), costUsd: 0.1, provider: 'anthropic', model: 'claude-haiku-4-5', task: 'classify' }),
    callRecord({ at: localIso(2026, 3, 6), costUsd: null, provider: 'custom', model: hostile }),
    // A ledger is a file anyone can write to: a task name is as untrusted as a model name.
    callRecord({ at: localIso(2026, 3, 5), costUsd: 0.01, task: hostile as never }),
  ];

  function render(message: Partial<CostReportHostMessage> = {}) {
    const dom = new JSDOM('<!doctype html><div id="root"></div>');
    const root = dom.window.document.getElementById('root')!;
    const calls: string[] = [];
    renderCostReport(
      root,
      { type: 'data', data: buildCostReport(records, now, 7), range: 7, ledgerPath: '/home/u/.llm-workbench/ledger.jsonl', ...message },
      { setRange: (r) => calls.push(`range ${r}`), exportCsv: () => calls.push('csv'), openSettings: () => calls.push('settings') },
    );
    return { dom, root, calls };
  }

  it('draws one bar per day and tables whose rows match the ledger', () => {
    const { root } = render();
    assert.equal(root.querySelectorAll('svg.chart g.bar').length, 7);
    const rows = [...root.querySelectorAll('table[aria-label="By model"] tbody tr')].map((tr) => tr.getAttribute('data-key'));
    assert.deepEqual(rows, ['openai:gpt-4o-mini', 'anthropic:claude-haiku-4-5', `custom:${hostile}`]);
    assert.match(root.textContent!, /1 calls had no known price/);
    assert.equal(root.querySelectorAll('g.bar.has-unknown').length, 1);
  });

  it('shows model names as text: a hostile name creates no element', () => {
    const { root } = render();
    assert.equal(root.querySelectorAll('img').length, 0);
    assert.ok(root.textContent!.includes(hostile));
  });

  it('draws the daily budget line when a budget is set', () => {
    assert.equal(render().root.querySelectorAll('line.limit').length, 0);
    assert.equal(render({ dailyUsd: 1 }).root.querySelectorAll('line.limit').length, 1);
  });

  it('buttons send typed messages', () => {
    const { root, calls } = render();
    (root.querySelector('#export-csv') as HTMLButtonElement).click();
    (root.querySelectorAll('button.range')[1] as HTMLButtonElement).click();
    assert.deepEqual(calls, ['csv', 'range 30']);
  });

  it('the host accepts only well-formed messages', () => {
    assert.ok(isCostReportWebviewMessage({ type: 'setRange', range: 90 }));
    assert.ok(!isCostReportWebviewMessage({ type: 'setRange', range: 12 }));
    assert.ok(!isCostReportWebviewMessage({ type: 'deleteLedger' }));
    assert.ok(!isCostReportWebviewMessage(null));
  });
});
