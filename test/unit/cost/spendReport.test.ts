import { strict as assert } from 'node:assert';
import { buildCostReport, sumTotals } from '../../../src/core/cost/costReportData';
import { callRecord, localIso } from './spendRecords';

describe('cost report data', () => {
  const now = new Date(2026, 2, 7, 15, 0);
  const records = [
    callRecord({ at: localIso(2026, 3, 7), costUsd: 0.3, task: 'chat', totalMs: 300 }),
    callRecord({ at: localIso(2026, 3, 5), costUsd: 0.1, task: 'classify', source: 'eval', totalMs: 100 }),
    callRecord({ at: localIso(2026, 3, 5), costUsd: null, provider: 'ollama', model: 'llama3.1:8b', task: 'classify', source: 'eval' }),
    callRecord({ at: localIso(2026, 1, 1), costUsd: 9 }),
  ];

  it('lists every day of the window, including days without calls, oldest first', () => {
    const report = buildCostReport(records, now, 7);
    assert.deepEqual(
      report.days.map((d) => [d.day, d.calls]),
      [
        ['2026-03-01', 0],
        ['2026-03-02', 0],
        ['2026-03-03', 0],
        ['2026-03-04', 0],
        ['2026-03-05', 2],
        ['2026-03-06', 0],
        ['2026-03-07', 1],
      ],
    );
  });

  it('tables by model and task add up to the window total; older calls count only all-time', () => {
    const report = buildCostReport(records, now, 7);
    assert.ok(Math.abs(report.total.usd - 0.4) < 1e-12);
    assert.equal(report.total.unknownPriceCalls, 1);
    assert.deepEqual(sumTotals(report.byModel), report.total);
    assert.deepEqual(sumTotals(report.byTask), report.total);
    assert.deepEqual(sumTotals(report.days), report.total);
    assert.equal(report.allTime.calls, 4);
    const classify = report.byTask.find((r) => r.key === 'classify')!;
    assert.equal(classify.calls, 2);
    assert.equal(classify.unknownPriceCalls, 1);
    assert.deepEqual(
      report.byModel.map((r) => r.key),
      ['openai:gpt-4o-mini', 'ollama:llama3.1:8b'],
    );
  });

  it('a call with cost parts charges each model its own part in the by-model table', () => {
    const report = buildCostReport(
      [
        callRecord({
          at: localIso(2026, 3, 7),
          provider: 'emu',
          model: 'emu-ok',
          costUsd: null,
          totalMs: 900,
          costParts: [
            { model: 'emu:emu-cut', costUsd: null, inputTokens: 40, outputTokens: 5, usageSource: 'estimate' },
            { model: 'emu:emu-ok', costUsd: 0.25, inputTokens: 1000, outputTokens: 10, usageSource: 'provider' },
          ],
        }),
      ],
      now,
      7,
    );
    const rows = Object.fromEntries(report.byModel.map((r) => [r.key, r]));
    assert.equal(rows['emu:emu-ok'].usd, 0.25);
    assert.equal(rows['emu:emu-ok'].unknownPriceCalls, 0);
    assert.equal(rows['emu:emu-ok'].meanMs, 900);
    assert.equal(rows['emu:emu-ok'].errors, 0);
    assert.equal(rows['emu:emu-cut'].unknownPriceCalls, 1);
    assert.equal(rows['emu:emu-cut'].errors, 1, 'it broke off');
    assert.equal(report.total.usd, 0.25);
    assert.equal(report.total.unknownPriceCalls, 1);
    assert.equal(report.total.calls, 1);
  });
});
